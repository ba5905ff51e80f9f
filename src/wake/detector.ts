import type { AudioFrame } from "../audio/format.js";

export interface WakeDetection {
  /** Model id (`hey_jarvis`) or Porcupine keyword name. */
  wakeWord: string;
  /** Score of the frame that triggered, 0..1. */
  score: number;
  /** Sample index (stream position) where the detecting chunk ends: the wake word ended at or before it. */
  endSample: number;
  /**
   * True for a candidate: the score reached only the model's candidate threshold, so the
   * detection wakes nothing until a verifier (wake/verifying-detector.ts) confirms it.
   */
  candidate?: boolean;
  /**
   * A candidate whose score reached the model's threshold (wake.verifier.verify_all): the
   * verifier may still reject it, but when it cannot verify it, it wakes as a sure one would.
   */
  sure?: boolean;
  /**
   * A candidate's openWakeWord embeddings ([16][96], oldest first): what the classifier saw at
   * its best chunk, for the embedding verifier (wake/embedding-verifier.ts). Absent elsewhere.
   */
  embeddings?: Float32Array;
  /**
   * The classifier's windows ending 1, 2, ... chunks after the best one, as many as had arrived
   * when the candidate was decided: the embedding verifier may read a few (its best chunk is off
   * by one or two in noise). Absent elsewhere.
   */
  laterEmbeddings?: readonly Float32Array[];
  /**
   * Set when the embedding verifier, read on this chunk on its own (wake.verifier.every_chunk),
   * woke it: its probability. Such a detection is verified already, never a candidate.
   */
  embeddingScore?: number;
  /** ... and with the mel verifier reading those chunks too (wake.verifier.mel): its highest probability in these words. */
  melScore?: number;
}

/**
 * One interface for every wake-word engine (openWakeWord, Porcupine); the pipeline does
 * not know which runs. Detectors take frames of any length and re-chunk internally to
 * their own window, so timestamps stay exact.
 */
export interface WakeWordDetector {
  /** Engine name for logs: `openwakeword` or `porcupine`. */
  readonly engine: string;
  /** Ids of the wake words this detector listens for. */
  readonly wakeWords: readonly string[];
  /** Feed the next frame; resolves to a detection when one fires in it (after trigger level and refractory rules). */
  process(frame: AudioFrame): Promise<WakeDetection | null>;
  /** Forget buffered audio and scores (after a run, or a gap in the input). */
  reset(): void;
  /** Idempotent. */
  dispose(): Promise<void>;
}
