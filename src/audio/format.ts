/** The one internal audio format: 16 kHz, mono, signed 16-bit. Every source converts to it. */
export const SAMPLE_RATE = 16_000;

/**
 * Frames are 80 ms (1280 samples): openWakeWord's chunk size, and a multiple of nothing
 * else in particular. Stages with other window sizes (Silero: 512) re-chunk internally.
 */
export const FRAME_SAMPLES = 1280;

/** One chunk of audio in the internal format, stamped by its position in the stream. */
export interface AudioFrame {
  /** 16 kHz mono s16 samples; FRAME_SAMPLES long except possibly the last frame of an input. */
  readonly samples: Int16Array;
  /** Index of the first sample since the source started. Timing derives from this, never from a clock. */
  readonly startSample: number;
}

export function samplesToMs(samples: number): number {
  return (samples * 1000) / SAMPLE_RATE;
}

/** s16 -> float in [-1, 1). */
export function int16ToFloat32(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i] as number) / 32768;
  return out;
}

/** float -> s16 with clipping and rounding. */
export function float32ToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round((samples[i] as number) * 32768);
    out[i] = Math.min(32767, Math.max(-32768, v));
  }
  return out;
}
