import type { EventBase } from "./base.js";

// The input's events (src/audio/, the daemon's loop). Part of the union in types.ts.

export interface AudioStartEvent extends EventBase {
  type: "audio-start";
  /** `microphone`, `file`, or `stdin`. */
  source: "microphone" | "file" | "stdin";
  /** Human-readable name: the WAV path, the ALSA device, or `-`. */
  name: string;
  /** Format of the input before conversion to 16 kHz mono s16. */
  inputFormat?: { sampleRate: number; channels: number; bitsPerSample: number; encoding: "pcm" | "float" };
}

export interface AudioEndEvent extends EventBase {
  type: "audio-end";
  /** Total input consumed, in ms of 16 kHz audio. */
  audioMs: number;
  frames: number;
}
