// A verifier of several nets (session 12): the same recipe fitted with seeds seed, seed + 1, ...
// (a config's `members`), their logits averaged, since two fits of one recipe differ as much as
// the recipes compared. Shipped as one net in the same weights format (mergeNets).

import type { EmbeddingVerifierWeights } from "../src/wake/embedding-verifier.js";
import type { Config } from "./wake-verifier-folds.js";

/** Each member's config: one net, its own seed. */
export const membersOf = (c: Config): Config[] =>
  Array.from({ length: c.members }, (_, i) => ({ ...c, seed: c.seed + i, members: 1 }));

/**
 * Nets over the same standardization as one: hidden units side by side, output weights divided by
 * their number, biases averaged, so its logit is the mean of theirs.
 */
export function mergeNets(nets: EmbeddingVerifierWeights[]): EmbeddingVerifierWeights {
  const [first] = nets;
  if (!first || nets.length === 1) return first as EmbeddingVerifierWeights;
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (nets.some((n) => !n.hidden || !same(n.mean, first.mean) || !same(n.scale, first.scale)))
    throw new Error("members need hidden layers and one standardization");
  const round = (v: number) => Number(v.toPrecision(6));
  return {
    ...first,
    hidden: {
      weights: nets.flatMap((n) => n.hidden?.weights ?? []),
      biases: nets.flatMap((n) => n.hidden?.biases ?? []),
    },
    output: {
      weights: nets.flatMap((n) => n.output.weights.map((w) => round(w / nets.length))),
      bias: round(nets.reduce((sum, n) => sum + n.output.bias, 0) / nets.length),
    },
  };
}

/** Per chunk, the probability of the mean of the members' logits (what the merged net gives). */
export function meanLogits(members: Float32Array[][]): Float32Array[] {
  const logit = (p: number) => {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
    return Math.log(q / (1 - q));
  };
  return (members[0] ?? []).map((clip, i) =>
    clip.map((_, j) => {
      const z = members.reduce((sum, m) => sum + logit(m[i]?.[j] ?? 0), 0) / members.length;
      return 1 / (1 + Math.exp(-z));
    }),
  );
}
