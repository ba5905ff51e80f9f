import type { AudioFrame } from "./format.js";

export interface AudioSourceInfo {
  kind: "microphone" | "file" | "stdin";
  name: string;
  inputFormat?: { sampleRate: number; channels: number; bitsPerSample: number; encoding: "pcm" | "float" };
}

/**
 * Where audio comes from. `frames()` yields FRAME_SAMPLES-long frames in the internal
 * format until the input ends (files, stdin) or the signal aborts (microphone, which
 * otherwise never ends: it retries a lost device by itself). Errors a user can fix
 * (corrupt WAV, unreadable file) are thrown as EdgeVoiceError before the first frame.
 */
export interface AudioSource {
  readonly info: AudioSourceInfo;
  frames(signal: AbortSignal): AsyncIterable<AudioFrame>;
}
