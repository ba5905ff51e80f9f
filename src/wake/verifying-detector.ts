import { type AudioFrame, SAMPLE_RATE } from "../audio/format.js";
import { RecentAudio } from "../audio/recent-audio.js";
import type { Logger } from "../util/logger.js";
import type { EveryChunkSettings } from "./candidate-trigger.js";
import type { WakeDetection, WakeWordDetector } from "./detector.js";
import {
  type CandidateOutcome,
  heardWords,
  type PhraseScores,
  type PhraseVerifier,
  phraseWins,
} from "./verifier.js";

/** How candidates are judged (wake.verifier.method). */
export type VerifyMethod = "whisper" | "embeddings" | "both";

/** A wake word's embedding verifier (wake/embedding-verifier.ts) as the detector needs it. */
export interface EmbeddingJudge {
  /** Probability 0..1 that a candidate's embeddings end with the wake phrase. */
  score(embeddings: Float32Array): number;
  /** At or above: the wake phrase. */
  threshold: number;
  /**
   * Windows it reads: the candidate's best chunk and the `chunks - 1` after it that have arrived;
   * the highest probability counts. Default 1.
   */
  chunks?: number;
  /** Read on every chunk past a score floor as well (wake.verifier.every_chunk); absent: only candidates. */
  everyChunk?: EveryChunkSettings;
}

export interface VerifySettings {
  /**
   * `whisper`: Whisper scores the phrase in the candidate's audio. `embeddings`: the embedding
   * verifier judges every candidate from openWakeWord's own features (no Whisper, no wait).
   * `both`: the embedding verifier judges sure candidates alone; a weak one must pass it and
   * then Whisper. A wake word without an embedding verifier, or a candidate without
   * embeddings (Porcupine), goes to Whisper. Default `whisper`.
   */
  method?: VerifyMethod;
  /** The embedding verifier of a wake word; null: it has none. */
  embeddingJudge?: (wakeWord: string) => EmbeddingJudge | null;
  /** Audio before the candidate's end that the verifier hears (the wake phrase, whole). */
  beforeSeconds: number;
  /** Per-token margin of the phrase over Whisper's own reading (wake.verifier.min_margin). */
  minMargin: number;
  /**
   * The same for a sure candidate (wake.verifier.sure_margin), lower: the model's own score
   * already says wake word, so only a clear "something else" turns it away. Default minMargin.
   */
  sureMargin?: number;
  /** The words of a wake word (`hey_jarvis` -> "Hey Jarvis"); null: it cannot be verified. */
  phraseFor: (wakeWord: string) => string | null;
  /**
   * Verify off the frame path: frames keep flowing while Whisper scores a candidate, and a
   * verified detection comes out with the first frame after the verdict. False: the frame
   * that made the candidate waits for the verdict (input faster than real time, where a
   * verdict measured in stream time would always be late, and runs must be reproducible).
   */
  background?: boolean;
  /**
   * In the background, a verdict reached more than this long (stream time, which a microphone
   * runs at real time) after the candidate's end comes too late: the person has been waiting
   * without an earcon and is likely saying the command again. Dropped as `late`.
   */
  budgetSeconds?: number;
}

/** What became of one candidate: the `wake_word-candidate` event's fields. */
export interface CandidateReport {
  wakeWord: string;
  score: number;
  endSample: number;
  outcome: CandidateOutcome;
  /** Its score reached the model's threshold (wake.verifier.verify_all): unverifiable, it still wakes. */
  sure: boolean;
  /** Time spent verifying (0 when it was not). */
  ms: number;
  scores?: PhraseScores;
  /** The embedding verifier's probability, when it judged the candidate. */
  embeddingScore?: number;
  /** The mel verifier's, when it read the chunks of a wake verified on its own (wake.verifier.mel). */
  melScore?: number;
}

const DEFAULT_BUDGET_SECONDS = 3;

/** The embedding verifier's probability of a candidate passed on to Whisper (method both), if any. */
type Judged = { embeddingScore?: number };

/**
 * The second stage of the wake word: a detection marked `candidate` wakes only when the
 * verifier hears the wake phrase in the audio around it; any other detection passes at once.
 * The verifier is the embedding verifier (settings.method `embeddings`: a small model over the
 * openWakeWord embeddings the candidate carries, judged at once in this call), Whisper (`whisper`:
 * the phrase scored in the audio), or the first for sure candidates and both for weak ones.
 * A candidate the verifier cannot take (busy transcribing a command, already verifying,
 * failed, late) is dropped unless it is `sure` (its score reached the model's threshold),
 * which then wakes as the single threshold would: verifying sure detections must never cost
 * recall. It keeps the last seconds of audio itself. Wrap it around the VAD gate, so a
 * candidate without speech is never verified. `now` is only for the reported time.
 */
export class VerifyingDetector implements WakeWordDetector {
  readonly engine: string;
  readonly wakeWords: readonly string[];
  readonly #recent: RecentAudio;
  #inFlight: Promise<void> | null = null;
  /** A verified (or sure) detection decided in the background, handed out with the next frame. */
  #ready: WakeDetection | null = null;
  /** Bumped by reset(): a verdict for audio before it is dropped. */
  #generation = 0;
  #disposed = false;

  constructor(
    private readonly inner: WakeWordDetector,
    private readonly verifier: PhraseVerifier,
    private readonly settings: VerifySettings,
    private readonly report: (candidate: CandidateReport) => void,
    private readonly logger: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.engine = inner.engine;
    this.wakeWords = inner.wakeWords;
    // The window before the candidate, what was heard after it (under a second), and a long frame.
    this.#recent = new RecentAudio(Math.ceil((settings.beforeSeconds + 2) * SAMPLE_RATE));
  }

  async process(frame: AudioFrame): Promise<WakeDetection | null> {
    this.#recent.push(frame);
    const detection = await this.inner.process(frame);
    const ready = this.#take();
    if (ready) {
      // One wake per frame: a detection in the same frame belongs to the same words.
      if (detection) this.logger.debug({ detection }, "wake word ignored: a verified one goes first");
      return ready;
    }
    if (detection && detection.embeddingScore !== undefined && !detection.candidate)
      return this.#verifiedByItself(detection, detection.embeddingScore);
    if (!detection?.candidate) return detection;
    const judged = this.#judgeByEmbeddings(detection);
    if ("wake" in judged) return judged.wake;
    if (this.#inFlight) return this.#unverified(detection, "busy", judged);
    const verdict = this.#verify(detection, judged);
    if (!this.settings.background) {
      await verdict;
      return this.#take();
    }
    this.#inFlight = verdict.finally(() => {
      this.#inFlight = null;
    });
    return null;
  }

  reset(): void {
    this.#generation++;
    this.#ready = null;
    this.#recent.clear();
    this.inner.reset();
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#generation++;
    await this.#inFlight;
    await this.inner.dispose();
  }

  #take(): WakeDetection | null {
    const ready = this.#ready;
    this.#ready = null;
    return ready;
  }

  /**
   * The embedding verifier's verdict: `wake` (a detection or null) when it decides the
   * candidate; otherwise Whisper is to (method whisper, no judge for this wake word, no
   * embeddings, or method both with a weak candidate that passed), told the probability if
   * there is one. Synchronous: a few thousand multiplies.
   */
  #judgeByEmbeddings(detection: WakeDetection): { wake: WakeDetection | null } | Judged {
    const method = this.settings.method ?? "whisper";
    const judge = method === "whisper" ? null : this.settings.embeddingJudge?.(detection.wakeWord);
    if (!judge || !detection.embeddings) return {};
    const started = this.now();
    const windows = [detection.embeddings, ...(detection.laterEmbeddings ?? [])].slice(0, judge.chunks ?? 1);
    const embeddingScore = Math.max(...windows.map((w) => judge.score(w)));
    const passed = embeddingScore >= judge.threshold;
    if (passed && method === "both" && detection.sure !== true) return { embeddingScore };
    const outcome: CandidateOutcome = passed ? "verified" : "rejected";
    this.logger.debug({ ...this.#base(detection), outcome, embeddingScore }, "wake word candidate");
    this.report({ ...this.#base(detection), outcome, ms: this.now() - started, embeddingScore });
    return { wake: passed ? wakeOf(detection) : null };
  }

  /**
   * The embedding verifier woke this chunk on its own (wake.verifier.every_chunk): reported as
   * a verified candidate, so these wakes are counted and can be tuned like the others.
   */
  #verifiedByItself(detection: WakeDetection, embeddingScore: number): WakeDetection {
    const base = {
      ...this.#base(detection),
      outcome: "verified" as const,
      embeddingScore,
      ...(detection.melScore === undefined ? {} : { melScore: detection.melScore }),
    };
    this.logger.debug(base, "wake word heard by the embedding verifier on its own");
    this.report({ ...base, ms: 0 });
    return wakeOf(detection);
  }

  /** Reports a candidate that was not verified; a sure one wakes at once. */
  #unverified(
    detection: WakeDetection,
    outcome: CandidateOutcome,
    judged: Judged = {},
  ): WakeDetection | null {
    const sure = detection.sure === true;
    this.report({ ...this.#base(detection), ...judged, outcome, ms: 0 });
    return sure ? wakeOf(detection) : null;
  }

  /** Scores the candidate and leaves its detection in #ready when it wakes. Never throws. */
  async #verify(detection: WakeDetection, judged: Judged): Promise<void> {
    const base = { ...this.#base(detection), ...judged };
    const phrase = this.settings.phraseFor(detection.wakeWord);
    if (!phrase || this.verifier.busy()) {
      this.#ready = this.#unverified(detection, "busy", judged);
      return;
    }
    const generation = this.#generation;
    const started = this.now();
    let outcome: CandidateOutcome;
    let scores: PhraseScores | undefined;
    try {
      scores = await this.verifier.scorePhrase(this.#audioAround(detection.endSample), phrase);
      outcome = !heardWords(scores.text)
        ? "no-speech"
        : phraseWins(scores, this.#marginFor(detection))
          ? "verified"
          : "rejected";
    } catch (error) {
      this.logger.warn({ err: error, wakeWord: detection.wakeWord }, "wake word verification failed");
      outcome = "failed";
    }
    const ms = this.now() - started;
    if (generation !== this.#generation) return; // reset or disposed meanwhile: that audio is gone
    if (outcome === "verified" && this.#late(detection.endSample)) outcome = "late";
    this.logger.debug({ ...base, outcome, ms: Math.round(ms), ...scores }, "wake word candidate");
    this.report({ ...base, outcome, ms, ...(scores ? { scores } : {}) });
    const wakes = outcome === "verified" || (base.sure && (outcome === "failed" || outcome === "late"));
    this.#ready = wakes ? wakeOf(detection) : null;
  }

  #marginFor(detection: WakeDetection): number {
    const { minMargin, sureMargin } = this.settings;
    return detection.sure ? Math.min(minMargin, sureMargin ?? minMargin) : minMargin;
  }

  #late(endSample: number): boolean {
    if (!this.settings.background) return false;
    const budget = (this.settings.budgetSeconds ?? DEFAULT_BUDGET_SECONDS) * SAMPLE_RATE;
    return this.#recent.end - endSample > budget;
  }

  #base(d: WakeDetection) {
    return { wakeWord: d.wakeWord, score: d.score, endSample: d.endSample, sure: d.sure === true };
  }

  /** From `beforeSeconds` ahead of the candidate's end to the newest sample, as floats. */
  #audioAround(endSample: number): Float32Array {
    const samples = this.#recent.read(endSample - Math.round(this.settings.beforeSeconds * SAMPLE_RATE));
    return Float32Array.from(samples, (s) => s / 32768);
  }
}

/** The detection as it wakes: no longer a candidate. */
function wakeOf(detection: WakeDetection): WakeDetection {
  const {
    candidate: _c,
    sure: _s,
    embeddings: _e,
    laterEmbeddings: _l,
    embeddingScore: _p,
    ...wake
  } = detection;
  return wake;
}
