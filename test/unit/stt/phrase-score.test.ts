import { describe, expect, it } from "vitest";
import { compareWithHeard, forcedLogprobs, phraseSpellings } from "../../../src/stt/phrase-score.js";
import { SequenceDecoder } from "../../support/fake-decoder.js";

const VOCAB = 6;
const START = 5;

/** Logits that depend only on the sequence so far: token (last + 1) % 5 is likely, the rest not. */
const fakeDecoder = () => new SequenceDecoder(VOCAB, (seq) => [[((seq.at(-1) as number) + 1) % 5, 5]]);

const none = { suppressed: new Uint8Array(VOCAB), beginSuppressed: [] };
// Over 6 tokens, one at logit 5 and five at 0: log p(likely) and log p(other).
const likely = 5 - Math.log(Math.exp(5) + 5);
const other = -Math.log(Math.exp(5) + 5);

describe("forcedLogprobs", () => {
  it("scores each sequence token by token, all rows in one call per step", async () => {
    const decoder = fakeDecoder();
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
    const [scores] = await forcedLogprobs(fakeDecoder(), START, [[1]], { ...none, suppressed });
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
