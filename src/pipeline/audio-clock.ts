import { SAMPLE_RATE } from "../audio/format.js";

/**
 * Maps stream positions to the wall time the microphone produced them. A frame can only be
 * handed over after it was captured, so of all frames seen, the one with the smallest
 * (arrival - position) offset is the best estimate of capture time; the mapping is anchored
 * there and moves only when a frame arrives earlier than it predicts. Frames that wait behind
 * a slow stage (read late from the recorder's buffer) therefore do not shift it, which is what
 * lets the lag behind the microphone, and the latency a person feels, be measured. Pure: the
 * caller passes the times (ms, monotonic).
 */
export class AudioClock {
  #anchor: { sample: number; at: number } | null = null;

  /** A frame ending at `endSample` was handed to the pipeline at `arrivedAt`. */
  observe(endSample: number, arrivedAt: number): void {
    if (this.#anchor === null || arrivedAt < this.wallTimeOf(endSample))
      this.#anchor = { sample: endSample, at: arrivedAt };
  }

  /** When the microphone produced `sample` (NaN before the first frame). */
  wallTimeOf(sample: number): number {
    if (this.#anchor === null) return Number.NaN;
    return this.#anchor.at + ((sample - this.#anchor.sample) / SAMPLE_RATE) * 1000;
  }

  /** How far processing at `now` is behind the microphone, for the audio up to `sample` (ms, >= 0). */
  lagMs(sample: number, now: number): number {
    const produced = this.wallTimeOf(sample);
    return Number.isNaN(produced) ? 0 : Math.max(0, now - produced);
  }
}
