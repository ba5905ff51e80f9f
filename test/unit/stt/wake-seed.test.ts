import { describe, expect, it } from "vitest";
import { AllowedCache, allowedPath } from "../../../src/stt/token-trie.js";
import { readSeed, wakeSeed } from "../../../src/stt/wake-seed.js";
import { sentenceGrammar, textVocabulary } from "../../support/fake-decoder.js";

const VOCAB = [" Hey", " Jar", "vis", ",", " turn", " on", " the", " light", ".", " Here", " hey"];
const { id, trie } = textVocabulary(VOCAB);
const ids = (...texts: string[]) => texts.map(id);
const decode = (seq: number[]) => seq.map((i) => VOCAB[i]).join("");
/** The wake phrase "hey jarvis" or its end, punctuation aside (SentenceSpace.isWakeOnly). */
const guide = {
  isWakeOnly: (text: string) =>
    ["hey jarvis", "jarvis"].includes(
      text
        .toLowerCase()
        .replace(/[^a-z]+/g, " ")
        .trim(),
    ),
};
const grammar = sentenceGrammar(["hey jarvis turn on the light", "turn on the light"]);
const allowed = (seq: readonly number[]) =>
  allowedPath(trie(grammar), grammar, new AllowedCache(), seq).length;

describe("the wake phrase a guided search starts from", () => {
  it("is the free text's first tokens while they are the wake phrase alone, its comma included", () => {
    const free = ids(" Hey", " Jar", "vis", ",", " turn", " on", " the", " light", ".");
    expect(wakeSeed(free, guide, decode, allowed)).toEqual(ids(" Hey", " Jar", "vis", ","));
  });

  it("is nothing when the text starts otherwise or its start is no sentence's", () => {
    expect(wakeSeed(ids(" turn", " on", " the", " light"), guide, decode, allowed)).toEqual([]);
    // "Here Jarvis," reads as the wake phrase to the pipeline, but no sentence starts so.
    expect(wakeSeed(ids(" Here", " Jar", "vis", ",", " turn"), guide, decode, allowed)).toEqual([]);
    // A wake phrase said twice: only its first saying.
    expect(wakeSeed(ids(" Hey", " Jar", "vis", " hey", " Jar", "vis"), guide, decode, allowed)).toEqual(
      ids(" Hey", " Jar", "vis"),
    );
    expect(wakeSeed(ids(" Hey", " Jar", "vis"), {}, decode, allowed)).toEqual([]);
  });

  it("counts the tokens a constraint allows one after another", () => {
    expect(allowed(ids(" Hey", " Jar", "vis", ",", " turn"))).toBe(5);
    expect(allowed(ids(" Hey", " turn"))).toBe(1);
    expect(allowed(ids(" Here"))).toBe(0);
    expect(allowed([])).toBe(0);
  });
});

describe("reading the seed before a search", () => {
  const vocab = VOCAB.length;
  const spec = { suppressed: new Uint8Array(vocab), beginSuppressed: [id(".")] };
  /** Row i prefers token i + 1 of VOCAB by 2 over the rest (all 0); records what it was fed. */
  const decoder = (takesSeveral: boolean) => {
    const fed: number[][] = [];
    return {
      fed,
      takesSeveral,
      together: async (ids: readonly number[]) => {
        fed.push([...ids]);
        const logits = new Float32Array(ids.length * vocab);
        ids.forEach((_, row) => {
          logits[row * vocab + row] = 2;
        });
        return { logits, vocab };
      },
    };
  };

  it("feeds the start's last token and the whole seed in one call, scoring each seed token off the row before it", async () => {
    const fake = decoder(true);
    const seed = ids(" Hey", " Jar", "vis");
    const start = await readSeed(fake, 99, seed, spec);
    expect(fake.fed).toEqual([[99, id(" Hey"), id(" Jar"), id("vis")]]);
    expect(start.first).toBe(id("vis"));
    expect(start.seed?.ids).toEqual(seed);
    // " Hey" (0) on row 0 with "." left out of the sum; " Jar" (1) on row 1 and "vis" (2) on row 2 with all.
    const first = 2 - Math.log(Math.exp(2) + (vocab - 2));
    const others = 2 - Math.log(Math.exp(2) + (vocab - 1));
    expect(start.seed?.logprobs[0]).toBeCloseTo(first, 6);
    expect(start.seed?.logprobs[1]).toBeCloseTo(others, 6);
    expect(start.seed?.logprobs[2]).toBeCloseTo(others, 6);
    // The row after "vis" is the search's first step: one row, its normaliser over every token.
    const primed = start.primed;
    expect(primed?.logits).toHaveLength(vocab);
    expect(primed?.logits[3]).toBe(2);
    expect(primed?.norms?.values[0]).toBeCloseTo(Math.log(Math.exp(2) + (vocab - 1)), 6);
    expect(start.rows).toBe(4);
  });

  it("leaves the seed's last token to the search's first step when not priming (the bench peer)", async () => {
    const fake = decoder(true);
    const seed = ids(" Hey", " Jar", "vis");
    const start = await readSeed(fake, 99, seed, spec, false);
    expect(fake.fed).toEqual([[99, id(" Hey"), id(" Jar")]]);
    expect(start.first).toBe(id("vis"));
    expect(start.seed?.logprobs).toHaveLength(3);
    expect(start.primed).toBeNull();
    expect(start.rows).toBe(3);
  });

  it("reads nothing without a seed, or from a decoder that takes one token a call", async () => {
    for (const [fake, seed] of [
      [decoder(true), []],
      [decoder(false), ids(" Hey", " Jar", "vis")],
    ] as const) {
      const start = await readSeed(fake, 99, seed, spec);
      expect(start).toEqual({ first: 99, seed: null, primed: null, ms: 0, rows: 0 });
      expect(fake.fed).toEqual([]);
    }
  });
});
