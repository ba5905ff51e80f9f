import { type AudioFrame, SAMPLE_RATE } from "../audio/format.js";
import { Rechunker } from "../audio/rechunker.js";
import type { Logger } from "../util/logger.js";
import { CandidateTrigger, type EveryChunkSettings } from "./candidate-trigger.js";
import type { WakeDetection, WakeWordDetector } from "./detector.js";
import { EmbeddingHistory } from "./embedding-history.js";
import { WakeClassifier } from "./oww-classifier.js";
import { CHUNK_SAMPLES, OwwFeatures } from "./oww-features.js";

/** The reference zeroes the first scores after a start or reset: they spike while buffers fill. */
const IGNORED_FIRST_SCORES = 5;

export interface OwwModelOptions {
  id: string;
  /** The classifier .onnx file. */
  path: string;
  threshold: number;
  triggerLevel: number;
  refractorySeconds: number;
  /** Below `threshold`: scores from here on make candidates for a verifier (wake.verifier); absent: none. */
  candidateThreshold?: number;
  /** Sure detections of this model are candidates too, whatever OpenWakeWordOptions.verifyAll says. */
  verifyAll?: boolean;
  /**
   * Its embedding verifier read on every chunk past a score floor (wake.verifier.every_chunk): a
   * first stage of its own, waking verified where openWakeWord's score stays low (babble).
   */
  everyChunk?: EveryChunkSettings & {
    score: (embeddings: Float32Array) => number;
    /** Opens the mel reader (wake.verifier.mel) with the detector's threads and kernels. */
    mel?: (threads: number, safeKernels: boolean) => Promise<MelReader>;
  };
}

/**
 * A second reader of the every-chunk stage over the mel frames (wake.verifier.mel): a chunk
 * counts as the phrase when either it or the embedding verifier hears it.
 */
export interface MelReader {
  frames: number;
  threshold: number;
  score: (mels: Float32Array) => Promise<number>;
  dispose: () => Promise<void>;
}

export interface OpenWakeWordOptions {
  models: readonly OwwModelOptions[];
  melPath: string;
  embeddingPath: string;
  /** onnxruntime intra-op threads per session. */
  threads: number;
  logger: Logger;
  /** Audio a candidate's verifier hears after its best chunk (seconds); default 0.3. */
  candidateAfterSeconds?: number;
  /** Sure detections are candidates too (wake.verifier.verify_all), marked `sure`. */
  verifyAll?: boolean;
  /** false: run the whole embedding model every chunk, as the reference does (benchmarks compare). */
  stagedEmbedding?: boolean;
  /** onnxruntime's portable arm64 kernels: the self-test's fallback (wake/self-test.ts). */
  safeKernels?: boolean;
}

interface Listener {
  classifier: WakeClassifier;
  trigger: CandidateTrigger;
  /** The embedding verifier's probability for the window ending at the newest chunk (everyChunk). */
  probe?: () => number;
  mel?: MelReader;
  /** The highest probabilities each reader gave in the words being heard (reported with a verified wake). */
  heard: { embedding: number; mel: number };
}

/** A candidate is decided at most this long after it started, however its scores climb. */
const CANDIDATE_MAX_HOLD_SECONDS = 1;

/** Embedding rows a candidate carries for the embedding verifier: what hey_jarvis's classifier reads. */
export const CANDIDATE_FRAMES = 16;
/** Rows kept: a candidate's window, reaching back past the longest wait for its decision (1.3 s). */
const HISTORY_ROWS = CANDIDATE_FRAMES + 24;

/** Highest-scoring wake word of each 80 ms chunk, as the detector's users may want to see it. */
export interface ChunkScores {
  endSample: number;
  scores: Record<string, number>;
}

/**
 * openWakeWord on onnxruntime-node. Every model shares one front end (mel + embedding, the
 * bulk of the work), so a second wake word costs one small classifier run per chunk.
 */
export class OpenWakeWordDetector implements WakeWordDetector {
  readonly engine = "openwakeword";
  readonly wakeWords: readonly string[];
  readonly #rechunker = new Rechunker(CHUNK_SAMPLES);
  readonly #history = new EmbeddingHistory(HISTORY_ROWS);
  /** Observes every chunk's scores (tests, benchmarks, a future debug event). */
  onScores: ((scores: ChunkScores) => void) | null = null;
  #disposed = false;

  private constructor(
    private readonly features: OwwFeatures,
    private readonly listeners: readonly Listener[],
  ) {
    this.wakeWords = listeners.map((l) => l.classifier.id);
    this.#history.refill(features.last(Math.min(CANDIDATE_FRAMES, features.capacity)));
  }

  static async create(options: OpenWakeWordOptions): Promise<OpenWakeWordDetector> {
    const classifiers: WakeClassifier[] = [];
    const mels: Array<MelReader | undefined> = [];
    try {
      for (const m of options.models)
        classifiers.push(await WakeClassifier.load(m.id, m.path, options.threads, options.safeKernels));
      for (const m of options.models)
        mels.push(await m.everyChunk?.mel?.(options.threads, options.safeKernels === true));
      const capacity = Math.max(...classifiers.map((c) => c.windowSize));
      const paths = { mel: options.melPath, embedding: options.embeddingPath };
      const staged = options.stagedEmbedding ?? true;
      const features = await OwwFeatures.create(
        paths,
        capacity,
        options.threads,
        options.logger,
        staged,
        options.safeKernels,
      );
      const listeners = classifiers.map((classifier, i) => {
        const m = options.models[i] as OwwModelOptions;
        const refractorySamples = Math.round(m.refractorySeconds * SAMPLE_RATE);
        const settings = {
          threshold: m.threshold,
          triggerLevel: m.triggerLevel,
          refractorySamples,
          candidateThreshold: Math.min(m.candidateThreshold ?? m.threshold, m.threshold),
          afterSamples: Math.round((options.candidateAfterSeconds ?? 0.3) * SAMPLE_RATE),
          maxHoldSamples: CANDIDATE_MAX_HOLD_SECONDS * SAMPLE_RATE,
          verifyAll: (m.verifyAll ?? options.verifyAll) === true && m.candidateThreshold !== undefined,
          ...(m.everyChunk ? { everyChunk: m.everyChunk } : {}),
        };
        return {
          classifier,
          trigger: new CandidateTrigger(settings),
          everyChunk: m.everyChunk,
          mel: mels[i],
        };
      });
      options.logger.debug(
        { models: listeners.map((l) => l.classifier.id), streamingEmbedding: features.streaming },
        "openWakeWord ready",
      );
      const detector: OpenWakeWordDetector = new OpenWakeWordDetector(
        features,
        listeners.map(({ classifier, trigger, everyChunk, mel }) => ({
          classifier,
          trigger,
          ...(everyChunk ? { probe: () => everyChunk.score(detector.#newestWindow()) } : {}),
          ...(mel ? { mel } : {}),
          heard: { embedding: 0, mel: 0 },
        })),
      );
      return detector;
    } catch (error) {
      await Promise.all([...classifiers.map((c) => c.dispose()), ...mels.map((m) => m?.dispose())]);
      throw error;
    }
  }

  async process(frame: AudioFrame): Promise<WakeDetection | null> {
    let detection: WakeDetection | null = null;
    for (const chunk of this.#rechunker.windows(frame)) {
      if (chunk.afterGap) this.#resetModels();
      await this.features.push(chunk.samples);
      this.#history.push(this.features.last(1));
      const fired = await this.#scoreChunk(chunk.endSample);
      detection ??= fired;
    }
    return detection;
  }

  reset(): void {
    this.#rechunker.reset();
    this.#resetModels();
  }

  /**
   * A copy of the last `frames` embeddings ([frames][96], oldest first), ending `back` chunks
   * before the newest; null past what is kept. After a reset it starts with the noise
   * embeddings the classifiers see then. Training and benchmarks read windows here.
   */
  recentEmbeddings(frames: number, back = 0): Float32Array | null {
    return this.#history.window(frames, back);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.features.dispose();
    await Promise.all(this.listeners.map((l) => l.classifier.dispose()));
    await Promise.all(this.listeners.map((l) => l.mel?.dispose()));
  }

  /** Scores every model on the newest features; returns the best detection that fired. */
  async #scoreChunk(endSample: number): Promise<WakeDetection | null> {
    const warmingUp = this.features.chunks <= IGNORED_FIRST_SCORES;
    const scores: Record<string, number> = {};
    let best: WakeDetection | null = null;
    for (const listener of this.listeners) {
      const { classifier, trigger } = listener;
      const raw = await classifier.score(this.features.last(classifier.windowSize));
      const score = warmingUp ? 0 : raw;
      scores[classifier.id] = score;
      const fired = trigger.next(score, endSample, await this.#reader(listener, score, endSample));
      // A sure detection goes before any candidate; then the higher score.
      if (fired && (!best || outranks(fired.kind === "candidate", fired.score, best))) {
        const at = fired.kind === "candidate" ? fired.wakeEndSample : fired.endSample;
        best = { wakeWord: classifier.id, score: fired.score, endSample: at };
        if (fired.kind === "verified") {
          best.embeddingScore = listener.mel ? listener.heard.embedding : fired.probability;
          if (listener.mel) best.melScore = listener.heard.mel;
        }
        if (fired.kind === "candidate") {
          best.candidate = true;
          if (fired.sure) best.sure = true;
          // What the classifier saw at the candidate's best chunk, a few chunks back by now.
          const back = Math.round((endSample - fired.endSample) / CHUNK_SAMPLES);
          const window = this.#history.window(CANDIDATE_FRAMES, back);
          if (window) best.embeddings = window;
          const later: Float32Array[] = [];
          for (let b = back - 1; b >= 0; b--)
            later.push(this.#history.window(CANDIDATE_FRAMES, b) as Float32Array);
          if (window && later.length > 0) best.laterEmbeddings = later;
        }
      }
      if (fired?.kind === "verified") listener.heard = { embedding: 0, mel: 0 };
    }
    this.onScores?.({ endSample, scores });
    return best;
  }

  /**
   * The every-chunk probe of a listener: the embedding verifier's, or with a mel reader both,
   * as one probability that reaches the stage's threshold when either heard the phrase. The mel
   * network runs here, ahead of the trigger (it is asynchronous), only where the trigger may
   * read its probe. What each heard is kept for the wake's report until the words end.
   */
  async #reader(listener: Listener, score: number, endSample: number): Promise<(() => number) | undefined> {
    const { probe, mel, heard, trigger } = listener;
    if (!probe || !mel) return probe;
    if (!trigger.mayRead(score, endSample)) {
      // A held wake reports what was heard in its words; otherwise the words have ended.
      if (!trigger.holding) {
        heard.embedding = 0;
        heard.mel = 0;
      }
      return probe;
    }
    const melP = await mel.score(this.features.recentMels(mel.frames));
    return () => {
      const p = probe();
      heard.embedding = Math.max(heard.embedding, p);
      heard.mel = Math.max(heard.mel, melP);
      return melP >= mel.threshold ? 1 : p;
    };
  }

  /** What the classifiers saw at the newest chunk: the last CANDIDATE_FRAMES embeddings. */
  #newestWindow(): Float32Array {
    return this.#history.window(CANDIDATE_FRAMES) as Float32Array;
  }

  #resetModels(): void {
    this.features.reset();
    this.#history.refill(this.features.last(Math.min(CANDIDATE_FRAMES, this.features.capacity)));
    for (const l of this.listeners) l.trigger.reset();
  }
}

function outranks(candidate: boolean, score: number, best: WakeDetection): boolean {
  const bestCandidate = best.candidate === true;
  return candidate === bestCandidate ? score > best.score : bestCandidate;
}
