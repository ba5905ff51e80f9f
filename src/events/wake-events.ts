import type { EventBase } from "./base.js";

// The wake word's events (src/wake/). Part of the union in types.ts.

export interface WakeWordEndEvent extends EventBase {
  type: "wake_word-end";
  runId: string;
  wakeWord: string;
  score: number;
  audioMs: number;
  /** Claimed in a rooms group (rooms.group): an `arbitration` event follows, and the earcon waits for it. */
  arbitrated?: true;
}

/**
 * A wake-word candidate (wake.verifier): a score between the model's candidate threshold and
 * its threshold (or above it, `sure`, with verify_all), and what the verifier made of it.
 * `verified` ones (and sure ones not verified: busy, failed, late) are followed by `run-start`
 * and `wake_word-end`; the others wake nothing. No `runId`.
 */
export interface WakeWordCandidateEvent extends EventBase {
  type: "wake_word-candidate";
  wakeWord: string;
  score: number;
  verified: boolean;
  /**
   * `verified`, `rejected` (the embedding verifier or Whisper heard something else), `no-speech`, `busy` (not verified:
   * the board was busy), `failed`, `late` (verified after wake.verifier.budget_seconds).
   */
  outcome: "verified" | "rejected" | "no-speech" | "busy" | "failed" | "late";
  /** The score reached the model's threshold (wake.verifier.verify_all): wakes unless rejected or without speech. */
  sure?: boolean;
  /** Verification time (0 when it did not run). */
  ms: number;
  /** The wake phrase's per-token log-probability minus that of what Whisper heard, when scored. */
  margin?: number;
  /** What Whisper heard, when scored. */
  heard?: string;
  /** The embedding verifier's probability (wake.verifier.method embeddings or both), when it judged. */
  embeddingScore?: number;
  /** The mel verifier's highest probability in the words, when it read them (wake.verifier.mel). */
  melScore?: number;
  audioMs: number;
}
