import libsamplerate from "@alexanderolsen/libsamplerate-js";

/**
 * Streaming sample-rate conversion of mono float audio, chunk by chunk, with real
 * anti-aliasing: libsamplerate's band-limited sinc converter (SRC_SINC_MEDIUM_QUALITY:
 * ~97 dB SNR, 90% bandwidth), compiled to WebAssembly by @alexanderolsen/libsamplerate-js.
 * The npm alternatives looked at: wave-resampler converts whole buffers only (no state
 * between chunks); @purinton/resampler streams, but its sinc kernel keeps the input's cutoff
 * when downsampling, so 48 -> 16 kHz folds 8-24 kHz back into the speech band. libsamplerate
 * keeps its filter state between calls, needs no native build, and agrees with sox's
 * conversion to ~79 dB below 7 kHz (test/unit/audio/wav-convert.test.ts). BEST quality only
 * widens the passband (7.2 -> 7.8 kHz) for 3x the CPU, which a Pi cannot spare for a live
 * 48 kHz stream.
 *
 * The wrapper's "full" API never sets libsamplerate's end_of_input flag, so the last few
 * milliseconds stay inside the filter; `finish()` pushes silence through to flush them and
 * trims the output to exactly round(inputSamples * ratio) samples.
 */
export class StreamingResampler {
  private inputCount = 0;
  private outputCount = 0;
  private finished = false;

  private constructor(
    readonly inputRate: number,
    readonly outputRate: number,
    private src: Converter | undefined,
  ) {}

  /** Creates a converter (loads the WASM module; a few ms). Equal rates pass audio through. */
  static async create(inputRate: number, outputRate: number): Promise<StreamingResampler> {
    if (inputRate === outputRate) return new StreamingResampler(inputRate, outputRate, undefined);
    const src = await libsamplerate.create(1, inputRate, outputRate, {
      converterType: libsamplerate.ConverterType.SRC_SINC_MEDIUM_QUALITY,
    });
    return new StreamingResampler(inputRate, outputRate, src);
  }

  /** Converts the next chunk; the result can be shorter or longer than the ratio implies (filter delay). */
  process(input: Float32Array): Float32Array {
    if (this.finished) throw new Error("StreamingResampler: process() after finish()");
    this.inputCount += input.length;
    if (!this.src) return this.count(input.slice());
    const parts: Float32Array[] = [];
    for (let at = 0; at < input.length; at += MAX_CHUNK) {
      // slice(), not subarray(): the wrapper's own chunking ignores a view's byteOffset.
      parts.push(this.src.full(input.slice(at, at + MAX_CHUNK)));
    }
    return this.count(concat(parts));
  }

  /** End of input: the samples still inside the filter, trimmed so the total is exact. */
  finish(): Float32Array {
    if (this.finished) return new Float32Array(0);
    this.finished = true;
    const expected = Math.round((this.inputCount * this.outputRate) / this.inputRate);
    const missing = expected - this.outputCount;
    if (!this.src || missing <= 0) return new Float32Array(0);
    const parts: Float32Array[] = [];
    let produced = 0;
    // The filter holds well under 0.1 s; a few rounds of silence flush it completely.
    const silence = new Float32Array(Math.ceil(this.inputRate / 10));
    for (let round = 0; round < 20 && produced < missing; round++) {
      const out = this.src.full(silence);
      parts.push(out);
      produced += out.length;
    }
    const tail = concat(parts);
    const result = new Float32Array(missing);
    result.set(tail.subarray(0, missing));
    this.outputCount += missing;
    return result;
  }

  /** Frees the WASM converter; idempotent. */
  dispose(): void {
    this.finished = true;
    this.src?.destroy();
    this.src = undefined;
  }

  private count(out: Float32Array): Float32Array {
    this.outputCount += out.length;
    return out;
  }
}

type Converter = Awaited<ReturnType<typeof libsamplerate.create>>;

/** Input per call to the WASM converter, well under its 1,008,000-float transfer buffer. */
const MAX_CHUNK = 65_536;

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0] as Float32Array;
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
