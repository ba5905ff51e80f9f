/**
 * A mixed-radix complex FFT for the small, fixed, non-power-of-two sizes Whisper uses
 * (n_fft = 400 = 2^4 * 5^2). Written here because the maintained pure-JS FFTs on npm
 * (fft.js, fft-js) are radix-2 only, and a direct DFT of 400 points costs ~20x more
 * (about 60 ms of a 4 s command's budget instead of 3 ms). Recursive decimation in
 * time over the size's prime factors, with twiddles and scratch preallocated per plan.
 */
export class FftPlan {
  readonly size: number;
  readonly #factors: number[];
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #tmpRe: Float64Array;
  readonly #tmpIm: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size must be a positive integer`);
    this.size = size;
    this.#factors = primeFactors(size);
    this.#cos = new Float64Array(size);
    this.#sin = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      this.#cos[i] = Math.cos((2 * Math.PI * i) / size);
      this.#sin[i] = -Math.sin((2 * Math.PI * i) / size);
    }
    const largest = Math.max(1, ...this.#factors);
    this.#tmpRe = new Float64Array(largest);
    this.#tmpIm = new Float64Array(largest);
  }

  /** Forward transform of (inRe, inIm) into (outRe, outIm); all of length `size`, outputs distinct from inputs. */
  transform(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.#recurse(0, this.size, inRe, inIm, 0, 1, outRe, outIm, 0);
  }

  #recurse(
    level: number,
    n: number,
    inRe: Float64Array,
    inIm: Float64Array,
    inOff: number,
    stride: number,
    outRe: Float64Array,
    outIm: Float64Array,
    outOff: number,
  ): void {
    if (n === 1) {
      outRe[outOff] = inRe[inOff] as number;
      outIm[outOff] = inIm[inOff] as number;
      return;
    }
    const p = this.#factors[level] as number;
    const m = n / p;
    for (let q = 0; q < p; q++) {
      this.#recurse(level + 1, m, inRe, inIm, inOff + q * stride, stride * p, outRe, outIm, outOff + q * m);
    }
    this.#butterflies(n, p, m, outRe, outIm, outOff);
  }

  /** Combines p interleaved sub-transforms of length m (already in out) into one of length n = p * m. */
  #butterflies(n: number, p: number, m: number, re: Float64Array, im: Float64Array, off: number): void {
    const step = this.size / n;
    const tRe = this.#tmpRe;
    const tIm = this.#tmpIm;
    for (let k = 0; k < m; k++) {
      for (let q = 0; q < p; q++) {
        tRe[q] = re[off + q * m + k] as number;
        tIm[q] = im[off + q * m + k] as number;
      }
      for (let r = 0; r < p; r++) {
        const bin = k + r * m;
        let sumRe = 0;
        let sumIm = 0;
        for (let q = 0; q < p; q++) {
          const w = ((q * bin) % n) * step;
          const c = this.#cos[w] as number;
          const s = this.#sin[w] as number;
          const xr = tRe[q] as number;
          const xi = tIm[q] as number;
          sumRe += xr * c - xi * s;
          sumIm += xr * s + xi * c;
        }
        re[off + bin] = sumRe;
        im[off + bin] = sumIm;
      }
    }
  }
}

function primeFactors(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  for (let f = 2; f * f <= rest; f++) {
    while (rest % f === 0) {
      factors.push(f);
      rest /= f;
    }
  }
  if (rest > 1) factors.push(rest);
  return factors;
}
