import { describe, expect, it } from "vitest";
import { mergeNets } from "../../../scripts/wake-verifier-members.js";
import { EmbeddingVerifier, type EmbeddingVerifierWeights } from "../../../src/wake/embedding-verifier.js";

const D = 96;
const logit = (p: number) => Math.log(p / (1 - p));

/** A net of `units` hidden units over one frame, its weights drawn from `k`. */
function net(units: number, k: number, mean = 0.1): EmbeddingVerifierWeights {
  const wave = (i: number) => Math.sin(i * 0.37 * k + k) * 0.3;
  return {
    format: "edge-voice-wake-verifier/1",
    wakeWord: "hey_jarvis",
    frames: 1,
    mean: new Array(D).fill(mean),
    scale: new Array(D).fill(2),
    hidden: {
      weights: Array.from({ length: units * D }, (_, i) => wave(i)),
      biases: Array.from({ length: units }, (_, u) => 0.05 * u - 0.1 * k),
    },
    output: { weights: Array.from({ length: units }, (_, u) => wave(u + 7) * 4), bias: 0.2 * k },
    threshold: 0.5,
    trainedOn: {},
  };
}

describe("mergeNets (scripts/wake-verifier-members.ts)", () => {
  it("is one net whose logit is the mean of its members' logits", () => {
    const members = [net(8, 1), net(8, 2), net(8, 3)];
    const merged = mergeNets(members);
    expect(merged.hidden?.biases).toHaveLength(24);
    const each = members.map((m) => EmbeddingVerifier.fromWeights(m));
    const one = EmbeddingVerifier.fromWeights(merged);
    for (const k of [1, 2, 3]) {
      const x = Float32Array.from({ length: D }, (_, i) => Math.cos(i * k) * 0.8);
      const mean = each.reduce((s, v) => s + logit(v.score(x)), 0) / each.length;
      expect(logit(one.score(x))).toBeCloseTo(mean, 3);
      expect(one.score(x)).not.toBeCloseTo(each[0]?.score(x) ?? 0, 3);
    }
  });

  it("refuses members standardized differently", () => {
    expect(() => mergeNets([net(8, 1), net(8, 2, 0.2)])).toThrow(/one standardization/);
  });
});
