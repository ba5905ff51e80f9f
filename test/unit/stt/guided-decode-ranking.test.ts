import { describe, expect, it } from "vitest";
import type { TokenConstraint } from "../../../src/stt/guide.js";
import { guidedDecode } from "../../../src/stt/guided-decode.js";
import { sentenceGrammar, textVocabulary } from "../../support/fake-decoder.js";

// The search's ranking: fillers cost in the ranking only, and one poorly heard word is forgiven.

const VOCAB = [
  " so",
  " now",
  " turn",
  " on",
  " the",
  " kitchen",
  " light",
  " all",
  "<eot>",
  "<start>",
  " in",
  ".",
];
const EOT = 8;
const START = 9;
const vocabulary = textVocabulary(VOCAB);

/** Sentences as a prefix set; "so" and "now" may come before any of them, any number of times. */
const withFillers = (...list: string[]) => sentenceGrammar(list, ["so", "now"]);

const fillers = (said: string) => said.split(" ").filter((w) => w === "so" || w === "now").length;

/** A decoder whose logits depend only on the words so far (`prefer` gives [token, logit] pairs). */
const preferring = (prefer: (words: string[]) => Array<[string, number]>) =>
  vocabulary.preferring((tokens) => prefer(tokens.map((t) => VOCAB[t]?.trim() ?? "")));

const options = {
  beam: 2,
  maxTokens: 12,
  eot: EOT,
  suppressed: new Uint8Array(VOCAB.length),
  beginSuppressed: [EOT],
};

/** The vocabulary's trie; the full stop only where a test asks for it (it doubles every ending). */
const trieFor = (constraint: TokenConstraint<string>, fullStop = false) =>
  vocabulary.trie(constraint, (text) => fullStop || text !== ".");

describe("guided decoding ranks fillers down", () => {
  // Whisper hears "So, now, ..." and would go on saying fillers; "turn on the light", its
  // first word heard a little worse, is clear after it and scores best as a whole.
  const grammar = withFillers("turn on the light", "the light on");
  const prefer = (words: string[]): Array<[string, number]> => {
    const command = words.filter((w) => w !== "so" && w !== "now");
    if (command[0] === "turn") return [[[" on", " the", " light"][command.length - 1] ?? "<eot>", 8]];
    if (command[0] === "the") return [[[" light", " on"][command.length - 1] ?? "<eot>", 0]];
    // Still in the fillers: more of them first, then the commands.
    return [
      [" so", 6],
      [" now", 5.5],
      [" turn", 4.2],
      [" the", 3.5],
    ];
  };

  it("without a cost the fillers fill the beam and the command is lost", async () => {
    const result = await guidedDecode(preferring(prefer), START, grammar, trieFor(grammar), options);
    expect(result.best?.text).not.toBe("turn on the light");
  });

  it("with a cost per filler word the command survives and wins; its score is not changed", async () => {
    const decoder = preferring(prefer);
    const result = await guidedDecode(decoder, START, grammar, trieFor(grammar), {
      ...options,
      fillers,
      fillerPenalty: 2,
    });
    expect(result.best?.text).toBe("turn on the light");
    // The reported score is the plain average log-probability: the same search with the
    // right sentence only (no rival, no fillers to rank) reports the same.
    const alone = withFillers("turn on the light");
    const plain = await guidedDecode(preferring(prefer), START, alone, trieFor(alone), {
      ...options,
      fillers,
      fillerPenalty: 2,
    });
    expect(plain.best?.text).toBe("turn on the light");
    expect(result.best?.score).toBeCloseTo(plain.best?.score ?? 0, 6);
    expect(Math.max(...decoder.rows)).toBeLessThanOrEqual(2);
  });

  it("a filler penalty that picks a lower-scored sentence gives a negative margin, never a lead", async () => {
    // "so the light on" scores best, but only with its filler; "turn on the light" is close.
    const close = (words: string[]): Array<[string, number]> => {
      if (words.length === 0)
        return [
          [" so", 6],
          [" turn", 5],
        ];
      if (words[0] === "so") return [[[" the", " light", " on"][words.length - 1] ?? "<eot>", 9]];
      return [[[" on", " the", " light"][words.length - 1] ?? "<eot>", 8]];
    };
    const result = await guidedDecode(preferring(close), START, grammar, trieFor(grammar), {
      ...options,
      fillers,
      fillerPenalty: 3,
    });
    expect(result.best?.text).toBe("turn on the light");
    expect(result.best?.margin).toBeLessThan(0);
  });
});

describe("guided decoding forgives one poorly heard word", () => {
  // The command's first word is far below Whisper's own ("turn" under "all"); the sentences
  // of "all" then go on with little confidence, "turn on the light" with much: it wins at
  // its end, but by sum alone it is third after the second step and drops out.
  const grammar = withFillers("turn on the light", "all the kitchen light", "all kitchen light");
  const prefer = (words: string[]): Array<[string, number]> => {
    if (words.length === 0)
      return [
        [" all", 9],
        [" light", 8.5],
        [" turn", 5.5],
      ];
    if (words[0] === "turn") return [[[" on", " the", " light"][words.length - 1] ?? "<eot>", 9]];
    const next =
      words.length === 1
        ? [" the", " kitchen"]
        : words.at(-1) === "light"
          ? ["<eot>"]
          : [words.at(-1) === "the" ? " kitchen" : " light"];
    // Whisper would rather say something the grammar has no room for here (" now").
    return [[" now", 6], ...next.map((t, i): [string, number] => [t, 4 - i / 10])];
  };

  it("counted in full, the first word drops the sentence that was said", async () => {
    const result = await guidedDecode(preferring(prefer), START, grammar, trieFor(grammar), options);
    expect(result.best?.text).not.toBe("turn on the light");
  });

  it("clipped in the ranking, the said sentence is found, with its true score", async () => {
    const decoder = preferring(prefer);
    const result = await guidedDecode(decoder, START, grammar, trieFor(grammar), {
      ...options,
      forgive: 2,
    });
    expect(result.best?.text).toBe("turn on the light");
    expect(result.best?.margin).toBeGreaterThan(0);
    // The first token's cost (about 4 nats) stays in the score: ranked, not reported, differently.
    expect(result.best?.score).toBeLessThan(-0.7);
    expect(Math.max(...decoder.rows)).toBeLessThanOrEqual(2);
  });
});

describe("guided decoding keeps each command word for its first tokens (floor)", () => {
  // Fillers and "the" are what Whisper hears first; "turn", far behind, is what was said
  // and is confident after its first token. A beam of two never holds it without a floor.
  const grammar = withFillers("turn on the light", "the light on");
  const prefer = (words: string[]): Array<[string, number]> => {
    const command = words.filter((w) => w !== "so" && w !== "now");
    if (command[0] === "turn") return [[[" on", " the", " light"][command.length - 1] ?? "<eot>", 9]];
    if (command[0] === "the")
      return [
        [" all", 6],
        [[" light", " on"][command.length - 1] ?? "<eot>", 2],
      ];
    if (words.length === 0)
      return [
        [" so", 9],
        [" now", 8.8],
        [" the", 8.6],
        [" turn", 4],
      ];
    return [
      [" so", 5],
      [" now", 4.8],
      [" the", 4.6],
      [" turn", 0],
    ];
  };
  const group = (said: string) => said.replace(/^((so|now)( |$))*/, "").split(" ")[0] ?? "";
  const base = { ...options, group, perGroup: 1, forgive: 2 };

  it("without it, the command word is pruned at the first step", async () => {
    const result = await guidedDecode(preferring(prefer), START, grammar, trieFor(grammar), base);
    expect(result.best?.text).not.toBe("turn on the light");
  });

  it("with it, the poorly heard first word is kept and its sentence wins at the end", async () => {
    const decoder = preferring(prefer);
    const result = await guidedDecode(decoder, START, grammar, trieFor(grammar), {
      ...base,
      floor: { steps: 1, rows: 2 },
    });
    expect(result.best?.text).toBe("turn on the light");
    // The floor's rows only for the second call (hypotheses of one token), then the beam's.
    expect(decoder.rows[1]).toBeGreaterThan(2);
    expect(decoder.rows[1]).toBeLessThanOrEqual(4);
    expect(Math.max(...decoder.rows.slice(2))).toBeLessThanOrEqual(2);
  });
});

describe("guided decoding stops on ended sentences, not on their spellings", () => {
  // "turn on the light" ends twice ("... light" and "... light."): with a beam of two, that
  // stopped the search before the longer sentence that was said could end.
  const grammar = withFillers("turn on the light", "turn on the light in the kitchen");
  const prefer = (words: string[]): Array<[string, number]> => {
    const said = words.filter((w) => w !== ".");
    if (said.length < 4) return [[[" turn", " on", " the", " light"][said.length] ?? "<eot>", 9]];
    if (said.length > 4) return [[[" the", " kitchen"][said.length - 5] ?? "<eot>", 9]];
    return words.at(-1) === "."
      ? [
          [" in", 4.8],
          ["<eot>", 2],
        ]
      : [
          [".", 5],
          [" in", 4.5],
          ["<eot>", 2],
        ];
  };

  it("every ending counted: the short sentence's two spellings end the search", async () => {
    const result = await guidedDecode(preferring(prefer), START, grammar, trieFor(grammar, true), options);
    expect(result.best?.text).toBe("turn on the light");
  });

  it("endings counted by meaning: the said sentence ends too, and wins", async () => {
    const result = await guidedDecode(preferring(prefer), START, grammar, trieFor(grammar, true), {
      ...options,
      distinctEnds: true,
    });
    expect(result.best?.text).toBe("turn on the light in the kitchen");
    expect(result.best?.margin).toBeGreaterThan(0);
  });
});
