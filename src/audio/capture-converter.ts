import { float32ToInt16, SAMPLE_RATE } from "./format.js";
import { StreamingResampler } from "./resampler.js";
import { S16leDecoder } from "./s16le.js";

/**
 * Raw s16le bytes from a recorder at any rate and channel count -> 16 kHz mono samples,
 * chunk by chunk. At 16 kHz mono it is a plain byte decoder. Otherwise it down-mixes and
 * resamples with the same anti-aliased converter as WAV files, which is why capturing at a
 * card's native 48 kHz can sound cleaner than ALSA's plug layer, whose default rate
 * converter is linear interpolation (it aliases).
 */
export class CaptureConverter {
  private readonly bytes = new S16leDecoder();
  private pendingChannels = new Int16Array(0);

  private constructor(
    readonly channels: number,
    private readonly resampler: StreamingResampler | undefined,
  ) {}

  static async create(sampleRate: number, channels: number): Promise<CaptureConverter> {
    if (sampleRate === SAMPLE_RATE && channels === 1) return new CaptureConverter(1, undefined);
    return new CaptureConverter(channels, await StreamingResampler.create(sampleRate, SAMPLE_RATE));
  }

  /** True when the input so far ended inside a sample (an odd byte is held back). */
  get hasPartialSample(): boolean {
    return this.bytes.hasPartialSample;
  }

  push(chunk: Uint8Array): Int16Array {
    const samples = this.bytes.decode(chunk);
    if (!this.resampler) return samples;
    return float32ToInt16(this.resampler.process(this.downmix(samples)));
  }

  /** End of a finite input (stdin): the samples still inside the resampler's filter. */
  finish(): Int16Array {
    return this.resampler ? float32ToInt16(this.resampler.finish()) : new Int16Array(0);
  }

  dispose(): void {
    this.resampler?.dispose();
  }

  /** Averages whole sample frames; a frame split across chunks waits for its other channels. */
  private downmix(samples: Int16Array): Float32Array {
    let input = samples;
    if (this.pendingChannels.length > 0) {
      input = new Int16Array(this.pendingChannels.length + samples.length);
      input.set(this.pendingChannels);
      input.set(samples, this.pendingChannels.length);
    }
    const frames = Math.floor(input.length / this.channels);
    this.pendingChannels = input.slice(frames * this.channels);
    const out = new Float32Array(frames);
    const scale = 1 / (32768 * this.channels);
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      for (let c = 0; c < this.channels; c++) sum += input[f * this.channels + c] as number;
      out[f] = sum * scale;
    }
    return out;
  }
}
