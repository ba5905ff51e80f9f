import { describe, expect, it } from "vitest";
import { type DecoderOutput, logSumExp, normMask, rowNorm } from "../../../src/stt/logits.js";

const suppressed = Uint8Array.of(0, 1, 0, 0);
// Two rows of four logits.
const logits = Float32Array.of(1, 50, 2, 3, 0, 50, 0, 0);

describe("logSumExp", () => {
  it("leaves out suppressed and extra ids, and stays finite for large logits", () => {
    expect(logSumExp(logits.subarray(0, 4), suppressed)).toBeCloseTo(
      Math.log(Math.E + Math.E ** 2 + Math.E ** 3),
      12,
    );
    expect(logSumExp(logits.subarray(0, 4), suppressed, [3])).toBeCloseTo(Math.log(Math.E + Math.E ** 2), 12);
    expect(logSumExp(Float32Array.of(1000, 1000))).toBeCloseTo(1000 + Math.log(2), 9);
  });
});

describe("normMask", () => {
  it("is -Infinity where an id is left out, and one object per suppression list and extras", () => {
    const mask = normMask(suppressed, [3]);
    expect([...mask]).toEqual([0, Number.NEGATIVE_INFINITY, 0, Number.NEGATIVE_INFINITY]);
    expect(normMask(suppressed, [3])).toBe(mask);
    expect(normMask(suppressed)).not.toBe(mask);
    expect(normMask(Uint8Array.of(0, 1, 0, 0), [3])).not.toBe(mask);
  });
});

describe("rowNorm", () => {
  const js = (row: number, extra: number[] = []) =>
    logSumExp(logits.subarray(row * 4, row * 4 + 4), suppressed, extra);

  it("takes the decoder's normaliser computed under the same mask", () => {
    const out: DecoderOutput = {
      logits,
      vocab: 4,
      norms: { values: Float32Array.of(7, 8), mask: normMask(suppressed, [3]) },
    };
    expect(rowNorm(out, 1, suppressed, [3])).toBe(8);
  });

  it("sums its own under another mask, or when the decoder gave none", () => {
    const out: DecoderOutput = {
      logits,
      vocab: 4,
      norms: { values: Float32Array.of(7, 8), mask: normMask(suppressed) },
    };
    expect(rowNorm(out, 1, suppressed, [3])).toBeCloseTo(js(1, [3]), 12);
    expect(rowNorm({ logits, vocab: 4 }, 0, suppressed)).toBeCloseTo(js(0), 12);
  });
});
