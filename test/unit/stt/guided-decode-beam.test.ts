import { describe, expect, it } from "vitest";
import type { TokenConstraint } from "../../../src/stt/guide.js";
import { guidedDecode } from "../../../src/stt/guided-decode.js";
import { sentenceGrammar, textVocabulary } from "../../support/fake-decoder.js";

// What the beam keeps and when it stops: the cap per group of first words, and a search
// that does not stop while a longer sentence still leads the ones that ended.

const VOCAB = [
  " turn",
  " on",
  " the",
  " light",
  " lamp",
  " off",
  " in",
  " kitchen",
  "<eot>",
  "<start>",
  " up",
];
const EOT = VOCAB.indexOf("<eot>");
const START = VOCAB.indexOf("<start>");
const vocabulary = textVocabulary(VOCAB);

/** A decoder whose logits depend only on the words so far (`prefer` gives [token, logit] pairs). */
const preferring = (prefer: (words: string[]) => Array<[string, number]>) =>
  vocabulary.preferring((tokens) => prefer(tokens.map((t) => VOCAB[t]?.trim() ?? "")));

const trieFor = (constraint: TokenConstraint<string>) => vocabulary.trie(constraint);

const options = {
  beam: 2,
  maxTokens: 12,
  eot: EOT,
  suppressed: new Uint8Array(VOCAB.length),
  beginSuppressed: [EOT],
};

/** A sentence's first `words` words: the group the cap counts. */
const firstWords = (words: number) => (said: string) => said.trim().split(" ").slice(0, words).join(" ");

describe("guided decoding caps hypotheses per group of first words", () => {
  // "turn the light off" was said; Whisper likes "turn on" better for a word, then nothing
  // after it. A rival sentence of another first word ("the light on") holds the beam's
  // other row, so with one word per group "turn the" is pruned as a second "turn".
  const grammar = sentenceGrammar(["turn on the light", "turn the light off", "the light on"]);
  const prefer = (words: string[]): Array<[string, number]> => {
    const said = words.join(" ");
    const next: Record<string, Array<[string, number]>> = {
      "": [
        [" turn", 9],
        [" the", 6],
      ],
      turn: [
        [" on", 8],
        [" the", 7],
      ],
      "turn on": [
        [" the", 1],
        [" kitchen", 8],
      ],
      "turn on the": [
        [" light", 1],
        [" kitchen", 8],
      ],
      the: [[" light", 9]],
      "the light": [
        [" on", 2],
        [" kitchen", 8],
      ],
      "turn the": [[" light", 9]],
      "turn the light": [[" off", 9]],
    };
    return next[said] ?? [["<eot>", 9]];
  };
  const base = { ...options, perGroup: 1 };

  it("grouped by the first word, the said sentence is pruned", async () => {
    const result = await guidedDecode(preferring(prefer), START, grammar, trieFor(grammar), {
      ...base,
      group: firstWords(1),
    });
    expect(result.best?.text).not.toBe("turn the light off");
  });

  it("grouped by the first two words, it is kept and wins", async () => {
    const decoder = preferring(prefer);
    const result = await guidedDecode(decoder, START, grammar, trieFor(grammar), {
      ...base,
      group: firstWords(2),
    });
    expect(result.best?.text).toBe("turn the light off");
    expect(result.best?.margin).toBeGreaterThan(0);
    expect(Math.max(...decoder.rows)).toBeLessThanOrEqual(2);
  });
});

describe("guided decoding does not stop while a live sentence leads the ended ones", () => {
  // "turn on the light in the kitchen" was said. Two short sentences end at the same step
  // ("... the light", its end-of-text heard poorly, and "... the lamp"): a beam of two then
  // counts two endings and stops while the said sentence, going on with "in", leads both.
  const grammar = sentenceGrammar([
    "turn on the light",
    "turn on the lamp",
    "turn on the light in the kitchen",
  ]);
  const prefer = (words: string[]): Array<[string, number]> => {
    const said = words.join(" ");
    const next: Record<string, Array<[string, number]>> = {
      "": [[" turn", 9]],
      turn: [[" on", 9]],
      "turn on": [[" the", 9]],
      "turn on the": [
        [" light", 9],
        [" lamp", 7],
      ],
      "turn on the light": [
        [" in", 9],
        ["<eot>", 5],
      ],
      "turn on the light in": [[" the", 9]],
      "turn on the light in the": [[" kitchen", 9]],
    };
    return next[said] ?? [["<eot>", 9]];
  };

  it("stopping on the count of endings, a short sentence wins", async () => {
    const result = await guidedDecode(preferring(prefer), START, grammar, trieFor(grammar), options);
    expect(result.best?.text).not.toBe("turn on the light in the kitchen");
  });

  it("patient, the said sentence ends too and wins; the search still stops when none leads", async () => {
    const decoder = preferring(prefer);
    const result = await guidedDecode(decoder, START, grammar, trieFor(grammar), {
      ...options,
      patientStop: true,
    });
    expect(result.best?.text).toBe("turn on the light in the kitchen");
    expect(result.best?.margin).toBeGreaterThan(0);
    // Seven words and the end: no step past the one where the last live sentence ended.
    expect(decoder.calls.length).toBe(8);
  });

  it("patient, a search whose ended sentence leads every live one stops on the count", async () => {
    // "turn on the lamp" said: the short sentences end well, "in" is heard poorly.
    const lamp = (words: string[]): Array<[string, number]> =>
      words.join(" ") === "turn on the light"
        ? [
            ["<eot>", 9],
            [" in", 1],
          ]
        : words.join(" ") === "turn on the"
          ? [
              [" lamp", 9],
              [" light", 8],
            ]
          : prefer(words);
    const patient = preferring(lamp);
    const result = await guidedDecode(patient, START, grammar, trieFor(grammar), {
      ...options,
      patientStop: true,
    });
    const counted = preferring(lamp);
    await guidedDecode(counted, START, grammar, trieFor(grammar), options);
    expect(result.best?.text).toBe("turn on the lamp");
    expect(patient.calls.length).toBe(counted.calls.length);
  });
});

describe("guided decoding reads an on/off word's lead over its reverse from the same row (rivals)", () => {
  const grammar = sentenceGrammar(["turn the light on", "turn the light off"]);
  const ON = VOCAB.indexOf(" on");
  const OFF = VOCAB.indexOf(" off");
  const UP = VOCAB.indexOf(" up");
  const rivals = new Map([
    [ON, [OFF, UP]],
    [OFF, [ON, UP]],
    [UP, [ON, OFF]],
  ]);
  const prefer =
    (on: number, off: number) =>
    (words: string[]): Array<[string, number]> => {
      const next: Record<string, Array<[string, number]>> = {
        "": [[" turn", 9]],
        turn: [[" the", 9]],
        "turn the": [[" light", 9]],
        "turn the light": [
          [" on", on],
          [" off", off],
          [" up", on - 0.1],
        ],
      };
      return next[words.join(" ")] ?? [["<eot>", 9]];
    };

  it("a close call has a small lead, a clear one a large lead, at no extra decoder call", async () => {
    const close = preferring(prefer(5, 4.8));
    const narrow = await guidedDecode(close, START, grammar, trieFor(grammar), { ...options, rivals });
    expect(narrow.best?.text).toBe("turn the light on");
    expect(narrow.best?.rivalLead).toBeCloseTo(0.2, 5);
    const clear = await guidedDecode(preferring(prefer(9, 2)), START, grammar, trieFor(grammar), {
      ...options,
      rivals,
    });
    expect(clear.best?.rivalLead).toBeCloseTo(7, 5);
    const without = await guidedDecode(preferring(prefer(5, 4.8)), START, grammar, trieFor(grammar), options);
    expect(without.best?.rivalLead).toBeUndefined();
    expect(without.steps).toBe(narrow.steps);
  });

  it("counts a rival only where the grammar allows it: up, nearly as likely, is one once a sentence ends in it", async () => {
    const withUp = sentenceGrammar(["turn the light on", "turn the light off", "turn the light up"]);
    const found = await guidedDecode(preferring(prefer(9, 2)), START, withUp, trieFor(withUp), {
      ...options,
      rivals,
    });
    expect(found.best?.text).toBe("turn the light on");
    expect(found.best?.rivalLead).toBeCloseTo(0.1, 5);
  });
});
