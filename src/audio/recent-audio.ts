import type { AudioFrame } from "./format.js";

/**
 * The newest samples of a stream, up to a capacity, addressed by stream position: what the
 * wake word's VAD gate and verifier look back at around a detection. A gap in the positions
 * (a reset, a skipped stretch) starts it afresh, so it never joins audio that was not
 * contiguous. (The pipeline's AudioHistory is a ring for whole commands; this is the small
 * linear buffer a detector keeps, copied on each frame, which at a second or two is cheap.)
 */
export class RecentAudio {
  readonly #samples: Int16Array;
  /** Stream position just past the newest sample kept. */
  #end = 0;
  #kept = 0;

  constructor(capacitySamples: number) {
    this.#samples = new Int16Array(capacitySamples);
  }

  /** Stream position of the oldest sample kept. */
  get start(): number {
    return this.#end - this.#kept;
  }

  get end(): number {
    return this.#end;
  }

  clear(): void {
    this.#kept = 0;
  }

  push(frame: AudioFrame): void {
    const { samples, startSample } = frame;
    if (startSample !== this.#end) this.#kept = 0;
    const capacity = this.#samples.length;
    const incoming = Math.min(samples.length, capacity);
    const retained = Math.min(this.#kept, capacity - incoming);
    this.#samples.copyWithin(0, this.#kept - retained, this.#kept);
    this.#samples.set(samples.subarray(samples.length - incoming), retained);
    this.#kept = retained + incoming;
    this.#end = startSample + samples.length;
  }

  /** A copy of the samples kept in [from, to) (clamped to what is kept; empty when none). */
  read(from: number, to: number = this.#end): Int16Array {
    const start = Math.max(from, this.start);
    const stop = Math.min(to, this.#end);
    if (stop <= start) return new Int16Array(0);
    return this.#samples.slice(start - this.start, stop - this.start);
  }
}
