import { type AudioFrame, SAMPLE_RATE } from "../audio/format.js";
import type { Logger } from "../util/logger.js";
import type { WakeDetection, WakeWordDetector } from "./detector.js";
import { type CandidateOutcome, type PhraseScores, type PhraseVerifier, phraseWins } from "./verifier.js";

export interface VerifySettings {
  /** Audio before the candidate's end that the verifier hears (the wake phrase, whole). */
  beforeSeconds: number;
  /** Per-token margin of the phrase over Whisper's own reading (wake.verifier.min_margin). */
  minMargin: number;
  /** The words of a wake word (`hey_jarvis` -> "Hey Jarvis"); null: it cannot be verified. */
  phraseFor: (wakeWord: string) => string | null;
}

/** What became of one candidate: the `wake_word-candidate` event's fields. */
export interface CandidateReport {
  wakeWord: string;
  score: number;
  endSample: number;
  outcome: CandidateOutcome;
  /** Time spent verifying (0 when it was not). */
  ms: number;
  scores?: PhraseScores;
}

/**
 * The second stage of the wake word: a detection marked `candidate` (a score between the
 * model's candidate threshold and its threshold) wakes only when the verifier hears the wake
 * phrase in the audio around it; a sure detection passes at once, as does every detection of
 * an engine without candidates (Porcupine). It keeps the last seconds of audio itself, and
 * verifies only when the board is free: with the verifier busy (a command being transcribed)
 * the candidate is dropped, not queued. Wrap it around the VAD gate, so a candidate without
 * speech is never verified. `now` is only for the reported time, never for a decision.
 */
export class VerifyingDetector implements WakeWordDetector {
  readonly engine: string;
  readonly wakeWords: readonly string[];
  readonly #history: Int16Array;
  #end = 0;
  #kept = 0;
  #verifying = false;
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
    this.#history = new Int16Array(Math.ceil((settings.beforeSeconds + 2) * SAMPLE_RATE));
  }

  async process(frame: AudioFrame): Promise<WakeDetection | null> {
    this.#keep(frame);
    const detection = await this.inner.process(frame);
    if (!detection?.candidate) return detection;
    const { candidate: _, ...wake } = detection;
    const outcome = await this.#verify(detection);
    return outcome === "verified" ? wake : null;
  }

  reset(): void {
    this.#kept = 0;
    this.inner.reset();
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.inner.dispose();
  }

  async #verify(detection: WakeDetection): Promise<CandidateOutcome> {
    const base = { wakeWord: detection.wakeWord, score: detection.score, endSample: detection.endSample };
    const phrase = this.settings.phraseFor(detection.wakeWord);
    if (!phrase || this.#verifying || this.verifier.busy()) {
      this.report({ ...base, outcome: "busy", ms: 0 });
      return "busy";
    }
    this.#verifying = true;
    const started = this.now();
    let outcome: CandidateOutcome;
    let scores: PhraseScores | undefined;
    try {
      scores = await this.verifier.scorePhrase(this.#audioAround(detection.endSample), phrase);
      outcome = !scores.text
        ? "no-speech"
        : phraseWins(scores, this.settings.minMargin)
          ? "verified"
          : "rejected";
    } catch (error) {
      this.logger.warn({ err: error, wakeWord: detection.wakeWord }, "wake word verification failed");
      outcome = "failed";
    } finally {
      this.#verifying = false;
    }
    const ms = this.now() - started;
    this.logger.debug({ ...base, outcome, ms: Math.round(ms), ...scores }, "wake word candidate");
    this.report({ ...base, outcome, ms, ...(scores ? { scores } : {}) });
    return outcome;
  }

  /** From `beforeSeconds` ahead of the candidate's end to the newest sample, as floats. */
  #audioAround(endSample: number): Float32Array {
    const firstKept = this.#end - this.#kept;
    const from = Math.max(firstKept, endSample - Math.round(this.settings.beforeSeconds * SAMPLE_RATE));
    const samples = this.#history.subarray(from - firstKept, this.#kept);
    return Float32Array.from(samples, (s) => s / 32768);
  }

  #keep(frame: AudioFrame): void {
    const { samples, startSample } = frame;
    if (startSample !== this.#end) this.#kept = 0;
    const capacity = this.#history.length;
    const incoming = Math.min(samples.length, capacity);
    const retained = Math.min(this.#kept, capacity - incoming);
    this.#history.copyWithin(0, this.#kept - retained, this.#kept);
    this.#history.set(samples.subarray(samples.length - incoming), retained);
    this.#kept = retained + incoming;
    this.#end = startSample + samples.length;
  }
}
