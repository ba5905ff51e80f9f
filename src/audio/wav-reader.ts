import { int16ToFloat32, SAMPLE_RATE } from "./format.js";
import { streamWav16kMono } from "./wav.js";
import type { WavLayout } from "./wav-header.js";

/**
 * A WAV file's audio as 16 kHz mono float, read in order as it is asked for: `edge-voice
 * transcribe` takes a 30 s window at a time, so a recording of an hour costs a window and a
 * block of the file, not the file (read whole, a 10-minute 44.1 kHz stereo WAV is 106 MB
 * before it is converted). The samples are readWav16kMono's, bit for bit. Check the file
 * first with readWavLayoutSync (a corrupt one is refused there, before any audio is read);
 * close() when done.
 */
export class WavAudioReader {
  /** 16 kHz samples in all. */
  readonly samples: number;
  readonly #blocks: AsyncGenerator<Int16Array>;
  readonly #abort = new AbortController();
  /** Converted samples read from the file and not yet handed out. */
  #left: Int16Array = new Int16Array(0);
  #given = 0;

  constructor(file: string, layout: WavLayout) {
    this.samples = Math.round((layout.frames * SAMPLE_RATE) / layout.format.sampleRate);
    this.#blocks = streamWav16kMono(file, layout, this.#abort.signal);
  }

  /** The next `count` samples, fewer only at the end; reads no more of the file than that takes. */
  async read(count: number): Promise<Float32Array> {
    const out = new Int16Array(Math.max(0, Math.min(count, this.samples - this.#given)));
    let filled = 0;
    while (filled < out.length) {
      if (this.#left.length === 0) {
        const next = await this.#blocks.next();
        // The resampler's output can fall a sample or two short of the rounded length: silence, as decodeWav16kMono pads.
        if (next.done) break;
        this.#left = next.value;
      }
      const take = Math.min(this.#left.length, out.length - filled);
      out.set(this.#left.subarray(0, take), filled);
      this.#left = this.#left.subarray(take);
      filled += take;
    }
    this.#given += out.length;
    return int16ToFloat32(out);
  }

  /** Closes the file (and frees the resampler); idempotent. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#blocks.return(undefined);
  }
}
