import type { AudioFrame } from "../audio/format.js";

export interface VadWindow {
  /** Sample index (stream position) where this window ends. */
  endSample: number;
  /** Speech probability, 0..1. */
  probability: number;
}

/** A voice-activity model (Silero) behind a small interface so stage tests can use a fake. */
export interface VoiceActivityDetector {
  /** Feed a frame of any length; returns one entry per complete model window it finished. */
  process(frame: AudioFrame): Promise<VadWindow[]>;
  /** Clear the model state and any buffered samples (per run). */
  reset(): void;
  /** Idempotent. */
  dispose(): Promise<void>;
}
