import { SAMPLE_RATE } from "../audio/format.js";
import type { EndpointerSettings } from "../vad/endpointer.js";

/**
 * The last few seconds of input audio, addressed by absolute stream position. One ring
 * serves as both the pre-roll (audio from before the wake word fired) and the command
 * buffer (wake to endpoint), so a run never copies audio until STT needs it. It stays in
 * memory only (privacy: nothing of it reaches the disk unless debug recording is on).
 */
export class AudioHistory {
  readonly #ring: Int16Array;
  /** Stream position one past the newest sample held. */
  #end = 0;

  constructor(capacitySamples: number) {
    this.#ring = new Int16Array(capacitySamples);
  }

  get endSample(): number {
    return this.#end;
  }

  /** Oldest stream position still held. */
  get startSample(): number {
    return Math.max(0, this.#end - this.#ring.length);
  }

  /** Appends samples that start at stream position `startSample`; a gap is held as silence. */
  write(samples: Int16Array, startSample: number): void {
    const gap = startSample - this.#end;
    if (gap > 0) {
      // Only the part of the gap the ring can hold matters.
      this.#end += Math.max(0, gap - this.#ring.length);
      this.#append(new Int16Array(Math.min(gap, this.#ring.length)));
    }
    // Samples we already hold (an overlapping write) are kept as they are.
    this.#append(samples.subarray(Math.max(0, this.#end - startSample)));
  }

  /** A copy of stream positions [from, to), clamped to what is held. */
  read(from: number, to: number): Int16Array {
    const start = Math.max(from, this.startSample);
    const stop = Math.min(to, this.#end);
    if (stop <= start) return new Int16Array(0);
    const out = new Int16Array(stop - start);
    const capacity = this.#ring.length;
    const offset = start % capacity;
    const first = Math.min(out.length, capacity - offset);
    out.set(this.#ring.subarray(offset, offset + first), 0);
    out.set(this.#ring.subarray(0, out.length - first), first);
    return out;
  }

  #append(samples: Int16Array): void {
    const capacity = this.#ring.length;
    const kept = samples.length > capacity ? samples.subarray(samples.length - capacity) : samples;
    const offset = (this.#end + samples.length - kept.length) % capacity;
    const first = Math.min(kept.length, capacity - offset);
    this.#ring.set(kept.subarray(0, first), offset);
    this.#ring.set(kept.subarray(first), 0);
    this.#end += samples.length;
  }
}

/** Enough audio for the pre-roll, the longest wait for speech and the longest command. */
export function historySamples(options: { endpointer: EndpointerSettings; preRollSeconds: number }): number {
  const { endpointer, preRollSeconds } = options;
  const seconds = preRollSeconds + endpointer.maxCommandSeconds + endpointer.noSpeechTimeoutSeconds + 2;
  return Math.ceil(seconds * SAMPLE_RATE);
}
