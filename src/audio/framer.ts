import { type AudioFrame, FRAME_SAMPLES } from "./format.js";

/**
 * Cuts a stream of arbitrarily sized sample chunks into FRAME_SAMPLES-long frames, each
 * stamped with the index of its first sample. Sources push what they read and flush at the
 * end of their input, where the last partial frame is emitted as it is (never zero-padded:
 * padding would invent audio that the stages would then score).
 */
export class Framer {
  private pending = new Int16Array(FRAME_SAMPLES);
  private filled = 0;
  private nextStart: number;

  /** @param startSample index given to the first frame (a reopened microphone continues its count). */
  constructor(startSample = 0) {
    this.nextStart = startSample;
  }

  /** Index of the first sample not yet emitted in a frame (the start of the next frame). */
  get position(): number {
    return this.nextStart;
  }

  /** Samples held back until a frame is full. */
  get buffered(): number {
    return this.filled;
  }

  push(samples: Int16Array): AudioFrame[] {
    const frames: AudioFrame[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(FRAME_SAMPLES - this.filled, samples.length - offset);
      this.pending.set(samples.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === FRAME_SAMPLES) frames.push(this.emit());
    }
    return frames;
  }

  /** End of input: the partial frame, if any. */
  flush(): AudioFrame | undefined {
    return this.filled > 0 ? this.emit() : undefined;
  }

  /**
   * Drops the partial frame without emitting it (a recorder died mid-frame) but keeps its
   * samples counted, so the next frame's startSample leaves a gap instead of reusing indices.
   */
  discard(): void {
    this.nextStart += this.filled;
    this.filled = 0;
  }

  private emit(): AudioFrame {
    const frame: AudioFrame = { samples: this.pending.slice(0, this.filled), startSample: this.nextStart };
    this.nextStart += this.filled;
    this.filled = 0;
    return frame;
  }
}
