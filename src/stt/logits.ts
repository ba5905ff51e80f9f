/** Small numeric helpers over one row of decoder logits. Pure; no allocation in the hot path. */

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
