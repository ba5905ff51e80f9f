export interface Transcript {
  /** Trimmed text; empty when the audio held no speech (silence, noise, or a rejected hallucination). */
  text: string;
  /** ISO 639-1 language code, from config or detected. */
  language: string;
  noSpeechProb: number;
  avgLogprob: number;
  encodeMs: number;
  decodeMs: number;
  /** Length of the transcribed audio. */
  audioMs?: number;
  /** Set when the model produced text that was thrown away: why (`text` is then empty). */
  dropped?: "no-speech" | "repetition" | "no-words";
}

export interface TranscribeOptions {
  signal?: AbortSignal;
  /** Vocabulary bias: device and area names (Whisper's initial prompt). */
  prompt?: string;
}

/** Speech to text. Loaded once at start, reused for every run. */
export interface Transcriber {
  /** `audio` is 16 kHz mono float in [-1, 1]. */
  transcribe(audio: Float32Array, options?: TranscribeOptions): Promise<Transcript>;
  /** Idempotent. */
  dispose(): Promise<void>;
}
