import { describe, expect, it } from "vitest";
import type { BatchDecoder } from "../../../src/stt/guided-decode.js";
import { compareWithHeard, forcedLogprobs, phraseSpellings } from "../../../src/stt/phrase-score.js";

const VOCAB = 6;
const START = 5;

/** Logits that depend only on the sequence so far: token (last + 1) % 5 is likely, the rest not. */
class FakeDecoder implements BatchDecoder {
  calls: Array<{ parents: number[]; ids: number[] }> = [];
  #seqs: number[][] = [[]];
  async step(parents: readonly number[], ids: readonly number[]) {
    this.calls.push({ parents: [...parents], ids: [...ids] });
    this.#seqs = parents.map((p, i) => [...(this.#seqs[p] ?? []), ids[i] as number]);
    const logits = new Float32Array(ids.length * VOCAB).fill(0);
    this.#seqs.forEach((seq, row) => {
      const last = seq[seq.length - 1] as number;
      logits[row * VOCAB + ((last + 1) % 5)] = 5;
    });
    return { logits, vocab: VOCAB };
  }
}

const none = { suppressed: new Uint8Array(VOCAB), beginSuppressed: [] };
// Over 6 tokens, one at logit 5 and five at 0: log p(likely) and log p(other).
const likely = 5 - Math.log(Math.exp(5) + 5);
const other = -Math.log(Math.exp(5) + 5);

describe("forcedLogprobs", () => {
  it("scores each sequence token by token, all rows in one call per step", async () => {
    const decoder = new FakeDecoder();
    const scores = await forcedLogprobs(decoder, START, [[1, 2, 3], [4], [1, 3]], none);
    expect(scores[0]?.map((x) => x.toFixed(4))).toEqual([likely, likely, likely].map((x) => x.toFixed(4)));
    expect(scores[1]?.map((x) => x.toFixed(4))).toEqual([other.toFixed(4)]);
    expect(scores[2]?.map((x) => x.toFixed(4))).toEqual([likely, other].map((x) => x.toFixed(4)));
    expect(decoder.calls).toHaveLength(3);
    expect(decoder.calls[0]).toEqual({ parents: [0, 0, 0], ids: [START, START, START] });
    expect(decoder.calls[1]).toEqual({ parents: [0, 1, 2], ids: [1, 4, 1] });
  });

  it("leaves suppressed tokens out of the normalization", async () => {
    const suppressed = new Uint8Array(VOCAB);
    suppressed[4] = 1;
    const [scores] = await forcedLogprobs(new FakeDecoder(), START, [[1]], { ...none, suppressed });
    expect(scores?.[0]).toBeCloseTo(5 - Math.log(Math.exp(5) + 4), 6);
  });
});

describe("compareWithHeard", () => {
  it("takes the phrase's best spelling against as many heard tokens", () => {
    const s = compareWithHeard(
      [
        [-3, -3, -3],
        [-0.5, -0.3],
      ],
      [-0.2, -0.4, -5, -5],
      "Hey Jarvis, turn on",
    );
    expect(s.phrase).toBeCloseTo(-0.4);
    expect(s.heard).toBeCloseTo(-0.3);
    expect(s.text).toBe("Hey Jarvis, turn on");
  });

  it("has no phrase score without spellings", () => {
    expect(compareWithHeard([], [-1], "x").phrase).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe("phraseSpellings", () => {
  it("writes the phrase as Whisper may start a transcript with it", () => {
    expect(phraseSpellings("Hey Jarvis")).toEqual([
      " Hey Jarvis",
      "Hey Jarvis",
      " Hey, Jarvis",
      "Hey, Jarvis",
      " hey jarvis",
      "hey jarvis",
    ]);
  });
});
