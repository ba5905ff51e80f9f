// Fitting the embedding verifier (scripts/train-wake-verifier.ts): logistic regression or one
// hidden ReLU layer over standardized inputs, weighted binary cross-entropy (each class half the
// weight, however many examples it has), L2, Adam on seeded mini-batches. Plain TypeScript, no
// dependency; the result is an EmbeddingVerifierWeights that src/wake/embedding-verifier.ts runs.

import type { EmbeddingVerifierWeights } from "../src/wake/embedding-verifier.js";
import { prng } from "./make-hearing-fixtures.js";

export interface FitOptions {
  /** Hidden units; 0: logistic regression. */
  hidden: number;
  l2: number;
  epochs: number;
  learningRate: number;
  batch: number;
  seed: number;
}

/** Rows `rows` of `x` ([n][d]) and their labels. */
export interface Data {
  x: Float32Array;
  d: number;
  y: Uint8Array;
}

/** Mean and 1/std per input over the chosen rows (std floored, so a constant input stays finite). */
export function standardization(data: Data, rows: readonly number[]): { mean: number[]; scale: number[] } {
  const { x, d } = data;
  const sum = new Float64Array(d);
  const sq = new Float64Array(d);
  for (const r of rows)
    for (let j = 0; j < d; j++) {
      const v = x[r * d + j] as number;
      sum[j] = (sum[j] as number) + v;
      sq[j] = (sq[j] as number) + v * v;
    }
  const mean = Array.from(sum, (s) => s / rows.length);
  const scale = Array.from(
    sq,
    (s, j) => 1 / Math.sqrt(Math.max(1e-6, s / rows.length - (mean[j] as number) ** 2)),
  );
  return { mean, scale };
}

/** Adam over a flat parameter vector. */
class Adam {
  readonly m: Float64Array;
  readonly v: Float64Array;
  t = 0;
  constructor(
    readonly params: Float64Array,
    readonly rate: number,
  ) {
    this.m = new Float64Array(params.length);
    this.v = new Float64Array(params.length);
  }
  step(grad: Float64Array): void {
    this.t++;
    const c1 = 1 - 0.9 ** this.t;
    const c2 = 1 - 0.999 ** this.t;
    for (let i = 0; i < grad.length; i++) {
      const g = grad[i] as number;
      const m = 0.9 * (this.m[i] as number) + 0.1 * g;
      const v = 0.999 * (this.v[i] as number) + 0.001 * g * g;
      this.m[i] = m;
      this.v[i] = v;
      this.params[i] = (this.params[i] as number) - (this.rate * (m / c1)) / (Math.sqrt(v / c2) + 1e-8);
    }
  }
}

/**
 * Fits on `rows` of `data`. Parameters, flat: hidden weights [h][d], hidden biases [h], output
 * weights [h] (or [d] without a hidden layer), output bias.
 */
export function fitVerifier(
  data: Data,
  rows: readonly number[],
  options: FitOptions,
): Omit<EmbeddingVerifierWeights, "format" | "wakeWord" | "frames" | "threshold" | "trainedOn"> {
  const { d } = data;
  const { mean, scale } = standardization(data, rows);
  const h = options.hidden;
  const outInputs = h > 0 ? h : d;
  const size = h * d + h + outInputs + 1;
  const params = new Float64Array(size);
  const random = prng(options.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  for (let i = 0; i < h * d; i++) params[i] = gauss() * Math.sqrt(2 / d);
  for (let i = 0; i < outInputs; i++) params[h * d + h + i] = h > 0 ? gauss() * Math.sqrt(1 / h) : 0;
  const positives = rows.filter((r) => data.y[r] === 1).length;
  const weightOf = (r: number) => (data.y[r] === 1 ? 0.5 / positives : 0.5 / (rows.length - positives));
  const adam = new Adam(params, options.learningRate);
  const grad = new Float64Array(size);
  const xs = new Float64Array(d);
  const hid = new Float64Array(h);
  const order = [...rows];
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (let start = 0; start < order.length; start += options.batch) {
      grad.fill(0);
      const batch = order.slice(start, start + options.batch);
      // Sample weights sum to 1 over all rows: scale the batch to the whole set's size.
      const factor = order.length / batch.length;
      for (const r of batch) {
        for (let j = 0; j < d; j++)
          xs[j] = ((data.x[r * d + j] as number) - (mean[j] as number)) * (scale[j] as number);
        const inputs = h > 0 ? hid : xs;
        for (let u = 0; u < h; u++) {
          let s = params[h * d + u] as number;
          for (let j = 0; j < d; j++) s += (params[u * d + j] as number) * (xs[j] as number);
          hid[u] = Math.max(0, s);
        }
        const o = h * d + h;
        let z = params[size - 1] as number;
        for (let k = 0; k < outInputs; k++) z += (params[o + k] as number) * (inputs[k] as number);
        const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        const dz = (p - (data.y[r] as number)) * weightOf(r) * factor;
        grad[size - 1] = (grad[size - 1] as number) + dz;
        for (let k = 0; k < outInputs; k++)
          grad[o + k] = (grad[o + k] as number) + dz * (inputs[k] as number);
        for (let u = 0; u < h; u++) {
          if ((hid[u] as number) <= 0) continue;
          const du = dz * (params[o + u] as number);
          grad[h * d + u] = (grad[h * d + u] as number) + du;
          for (let j = 0; j < d; j++) grad[u * d + j] = (grad[u * d + j] as number) + du * (xs[j] as number);
        }
      }
      // L2 on the weights, not the biases.
      for (let i = 0; i < h * d; i++) grad[i] = (grad[i] as number) + options.l2 * (params[i] as number);
      const o = h * d + h;
      for (let k = 0; k < outInputs; k++)
        grad[o + k] = (grad[o + k] as number) + options.l2 * (params[o + k] as number);
      adam.step(grad);
    }
  }
  const round = (v: number) => Number(v.toPrecision(6));
  const o = h * d + h;
  return {
    mean: mean.map(round),
    scale: scale.map(round),
    hidden:
      h > 0
        ? {
            weights: Array.from(params.subarray(0, h * d), round),
            biases: Array.from(params.subarray(h * d, o), round),
          }
        : null,
    output: {
      weights: Array.from(params.subarray(o, o + outInputs), round),
      bias: round(params[size - 1] as number),
    },
  };
}
