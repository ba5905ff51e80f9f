import type { AudioFrame } from "./format.js";

export interface Window {
  /** The window's samples: a view of the rechunker's buffer, valid until the next window is taken. */
  samples: Int16Array;
  /** Stream position just after the window's last sample. */
  endSample: number;
  /** First window after the input jumped (a gap or a restart): models should drop their context. */
  afterGap: boolean;
}

/**
 * Cuts frames of any length into fixed windows (1280 for openWakeWord, 512 for Silero and
 * Porcupine) while keeping each window's exact stream position. A frame that does not
 * continue the previous one drops the partial window, so no window ever mixes audio from
 * both sides of a gap.
 */
export class Rechunker {
  readonly #buffer: Int16Array;
  #filled = 0;
  /** Stream position of the next expected sample; null before the first frame. */
  #next: number | null = null;
  #gap = false;

  constructor(readonly size: number) {
    this.#buffer = new Int16Array(size);
  }

  *windows(frame: AudioFrame): Generator<Window> {
    if (this.#next !== null && frame.startSample !== this.#next) {
      this.#filled = 0;
      this.#gap = true;
    }
    const { samples } = frame;
    this.#next = frame.startSample + samples.length;
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.size - this.#filled, samples.length - offset);
      this.#buffer.set(samples.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled < this.size) break;
      this.#filled = 0;
      const afterGap = this.#gap;
      this.#gap = false;
      yield { samples: this.#buffer, endSample: frame.startSample + offset, afterGap };
    }
  }

  /** Forget the partial window; the next frame starts a new alignment. */
  reset(): void {
    this.#filled = 0;
    this.#next = null;
    this.#gap = false;
  }
}
