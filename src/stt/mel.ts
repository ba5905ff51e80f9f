import { FftPlan } from "./fft.js";

/** The fields of a Whisper `preprocessor_config.json` the front end needs. */
export interface MelConfig {
  /** Mel bins: 80, or 128 for large-v3 style models. */
  featureSize: number;
  nFft: number;
  hopLength: number;
  /** Samples in one window (30 s at 16 kHz). */
  nSamples: number;
  /** Frames the encoder takes (3000). */
  nbMaxFrames: number;
  samplingRate: number;
  /** Filters given by the config itself ([featureSize][nFft/2+1]); computed (Slaney) when absent. */
  melFilters?: number[][];
}

interface SparseFilter {
  start: number;
  weights: Float64Array;
}

/**
 * Whisper's log-mel spectrogram, as the reference computes it: the audio zero-padded to
 * one 30 s window, a centred STFT (reflect padding, periodic Hann window), power
 * spectrum, Slaney mel filters, log10 floored at 1e-10, clamped to 8 below the maximum,
 * then (x + 4) / 4. Frames past the audio are all padding and have one known value, so
 * only the frames that touch audio are transformed: a 4 s command costs 400 FFTs, not 3000.
 */
export class LogMelSpectrogram {
  readonly config: MelConfig;
  readonly #fft: FftPlan;
  readonly #window: Float64Array;
  readonly #filters: SparseFilter[];
  readonly #bins: number;
  readonly #re: Float64Array;
  readonly #im: Float64Array;
  readonly #outRe: Float64Array;
  readonly #outIm: Float64Array;
  readonly #power: Float64Array;

  constructor(config: MelConfig) {
    this.config = config;
    this.#fft = new FftPlan(config.nFft);
    this.#bins = Math.floor(config.nFft / 2) + 1;
    this.#window = new Float64Array(config.nFft);
    for (let i = 0; i < config.nFft; i++)
      this.#window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / config.nFft);
    const dense = config.melFilters ?? slaneyMelFilters(config.featureSize, this.#bins, config.samplingRate);
    this.#filters = dense.map(sparsify);
    this.#re = new Float64Array(config.nFft);
    this.#im = new Float64Array(config.nFft);
    this.#outRe = new Float64Array(config.nFft);
    this.#outIm = new Float64Array(config.nFft);
    this.#power = new Float64Array(this.#bins);
  }

  /**
   * Features for one window: `[featureSize, nbMaxFrames]` row-major, ready for the encoder.
   * `audio` is at most nSamples long (callers split longer audio into windows).
   */
  compute(audio: Float32Array): Float32Array {
    const { featureSize, hopLength, nbMaxFrames, nSamples, nFft } = this.config;
    if (audio.length > nSamples) throw new RangeError(`audio longer than one window (${nSamples} samples)`);
    const out = new Float32Array(featureSize * nbMaxFrames);
    // Frames whose span [t*hop - nFft/2, t*hop + nFft/2) touches the audio; the rest see only zeros.
    const audible = Math.min(nbMaxFrames, Math.ceil((audio.length + nFft / 2) / hopLength));
    const silentLog = Math.log10(1e-10);
    let max = audible < nbMaxFrames ? silentLog : Number.NEGATIVE_INFINITY;
    for (let t = 0; t < audible; t++) {
      this.#frame(audio, t * hopLength);
      for (let m = 0; m < featureSize; m++) {
        const filter = this.#filters[m] as SparseFilter;
        let sum = 0;
        for (let k = 0; k < filter.weights.length; k++) {
          sum += (filter.weights[k] as number) * (this.#power[filter.start + k] as number);
        }
        // Rounded to float32 before taking the maximum, as float32 pipelines (PyTorch,
        // transformers.js) do: the clamp floor sets every padding frame, and the int8
        // encoder turns a one-ulp change across 2,600 identical frames into whole logits.
        const value = Math.fround(Math.log10(Math.max(sum, 1e-10)));
        out[m * nbMaxFrames + t] = value;
        if (value > max) max = value;
      }
    }
    const floor = max - 8;
    for (let m = 0; m < featureSize; m++) {
      const row = m * nbMaxFrames;
      for (let t = 0; t < nbMaxFrames; t++) {
        const value = t < audible ? Math.max(out[row + t] as number, floor) : Math.max(silentLog, floor);
        out[row + t] = (value + 4) / 4;
      }
    }
    return out;
  }

  /** Power spectrum of the frame centred on `centre` into #power. */
  #frame(audio: Float32Array, centre: number): void {
    const { nFft, nSamples } = this.config;
    const half = nFft / 2;
    for (let i = 0; i < nFft; i++) {
      this.#re[i] = paddedSample(audio, centre - half + i, nSamples) * (this.#window[i] as number);
      this.#im[i] = 0;
    }
    this.#fft.transform(this.#re, this.#im, this.#outRe, this.#outIm);
    for (let k = 0; k < this.#bins; k++) {
      const r = this.#outRe[k] as number;
      const im = this.#outIm[k] as number;
      this.#power[k] = r * r + im * im;
    }
  }
}

/** Sample `i` of the audio zero-padded to `length`, reflect-padded at both ends (numpy's "reflect"). */
function paddedSample(audio: Float32Array, i: number, length: number): number {
  let j = i;
  if (j < 0) j = -j;
  if (j >= length) j = 2 * (length - 1) - j;
  return j < audio.length ? (audio[j] as number) : 0;
}

function sparsify(row: number[]): SparseFilter {
  let start = row.findIndex((w) => w !== 0);
  if (start < 0) start = 0;
  let end = row.length;
  while (end > start && row[end - 1] === 0) end--;
  return { start, weights: Float64Array.from(row.slice(start, end)) };
}

function hzToMel(hz: number): number {
  const minLogHz = 1000;
  const minLogMel = 15;
  const logStep = Math.log(6.4) / 27;
  return hz < minLogHz ? (3 * hz) / 200 : minLogMel + Math.log(hz / minLogHz) / logStep;
}

function melToHz(mel: number): number {
  const minLogHz = 1000;
  const minLogMel = 15;
  const logStep = Math.log(6.4) / 27;
  return mel < minLogMel ? (200 * mel) / 3 : minLogHz * Math.exp(logStep * (mel - minLogMel));
}

/** librosa.filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2) with Slaney scale and area normalisation. */
export function slaneyMelFilters(nMels: number, bins: number, samplingRate: number): number[][] {
  const fMax = samplingRate / 2;
  const melMax = hzToMel(fMax);
  const points: number[] = [];
  for (let i = 0; i < nMels + 2; i++) points.push(melToHz((melMax * i) / (nMels + 1)));
  const filters: number[][] = [];
  for (let m = 0; m < nMels; m++) {
    const lower = points[m] as number;
    const centre = points[m + 1] as number;
    const upper = points[m + 2] as number;
    const norm = 2 / (upper - lower);
    const row: number[] = [];
    for (let k = 0; k < bins; k++) {
      const f = (k * fMax) / (bins - 1);
      const rising = (f - lower) / (centre - lower);
      const falling = (upper - f) / (upper - centre);
      row.push(Math.max(0, Math.min(rising, falling)) * norm);
    }
    filters.push(row);
  }
  return filters;
}
