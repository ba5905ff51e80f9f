/** Small numeric helpers over one row of decoder logits. Pure; no allocation in the hot path. */

/**
 * Each row's log-normaliser as the decoder computed it (prepare/logit-norms.ts), with the
 * mask it was computed under: a reader asking under another mask computes its own.
 */
export interface RowNorms {
  values: Float32Array;
  mask: Float32Array;
}

/** What a decoder call returns: logits [rows, vocab], and the rows' normalisers when asked for with a mask. */
export interface DecoderOutput {
  logits: Float32Array;
  vocab: number;
  norms?: RowNorms;
}

/** Masks by suppression list, then by the extra ids: one object each, so a norm's mask is told by identity. */
const MASKS = new WeakMap<Uint8Array, Map<string, Float32Array>>();

/**
 * The decoder's `logit_mask` feed leaving out the suppressed ids and `extra`: 0 for a
 * counted id, -Infinity for one left out. Built once per list and kept.
 */
export function normMask(suppressed: Uint8Array, extra: readonly number[] = []): Float32Array {
  let byExtra = MASKS.get(suppressed);
  if (!byExtra) {
    byExtra = new Map();
    MASKS.set(suppressed, byExtra);
  }
  const key = extra.join(",");
  let mask = byExtra.get(key);
  if (!mask) {
    mask = new Float32Array(suppressed.length);
    for (let i = 0; i < mask.length; i++) if (suppressed[i]) mask[i] = Number.NEGATIVE_INFINITY;
    for (const id of extra) if (id < mask.length) mask[id] = Number.NEGATIVE_INFINITY;
    byExtra.set(key, mask);
  }
  return mask;
}

/**
 * Row `row`'s log-normaliser over the ids not suppressed nor in `extra`: the decoder's own
 * when it computed one under that mask (float32, ~1e-6 from this file's float64 sum),
 * otherwise summed here (~1-2 ms for whisper-tiny's 51865 logits).
 */
export function rowNorm(
  out: DecoderOutput,
  row: number,
  suppressed: Uint8Array,
  extra: readonly number[] = [],
): number {
  const norms = out.norms;
  if (norms && norms.mask === normMask(suppressed, extra)) {
    const value = norms.values[row];
    if (value !== undefined) return value;
  }
  return logSumExp(logitsRow(out.logits, out.vocab, row), suppressed, extra);
}

/** Row `row` of a [rows, vocab] logits buffer (a view, not a copy). */
export function logitsRow(logits: Float32Array, vocab: number, row: number): Float32Array {
  return logits.subarray(row * vocab, (row + 1) * vocab);
}

/** log(sum(exp(x))) over the ids not masked out, stable for large logits. */
export function logSumExp(row: Float32Array, mask?: Uint8Array, extraMasked?: readonly number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < row.length; i++) {
    if (mask?.[i] || extraMasked?.includes(i)) continue;
    const v = row[i] as number;
    if (v > max) max = v;
  }
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (let i = 0; i < row.length; i++) {
    if (mask?.[i] || extraMasked?.includes(i)) continue;
    sum += Math.exp((row[i] as number) - max);
  }
  return max + Math.log(sum);
}

/** Softmax probability of one id over the whole row (no mask), e.g. the no-speech token. */
export function probabilityOf(row: Float32Array, id: number): number {
  return Math.exp((row[id] as number) - logSumExp(row));
}

/** Argmax over the ids not masked out (mask[i] = 1 or i in extraMasked); -1 when all are masked. */
export function argmaxAllowed(
  row: Float32Array,
  mask: Uint8Array,
  extraMasked: readonly number[] = [],
): number {
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < row.length; i++) {
    if (mask[i]) continue;
    const v = row[i] as number;
    if (v > bestValue && !extraMasked.includes(i)) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/** The id among `candidates` with the highest logit (language detection). */
export function argmaxOf(row: Float32Array, candidates: Iterable<number>): number {
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const id of candidates) {
    const v = row[id] as number;
    if (v > bestValue) {
      best = id;
      bestValue = v;
    }
  }
  return best;
}
