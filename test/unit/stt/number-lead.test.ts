import { describe, expect, it } from "vitest";
import { leadOverAlternatives } from "../../../src/stt/lead-tree.js";
import { alignedAlternatives } from "../../../src/stt/number-lead.js";
import { forcedLogprobs } from "../../../src/stt/phrase-score.js";
import { SequenceDecoder, TogetherDecoder } from "../../support/fake-decoder.js";

// A tiny vocabulary: "set", six numbers, "%", end-of-text, and the prompt's last token.
const N7 = 0;
const SET = 1;
const [N75, N25, N35, N15, N50] = [2, 3, 4, 5, 6];
const PERCENT = 7;
const EOT = 8;
const START = 9;
const VOCAB = 10;

/**
 * Logits that depend only on the sequence so far: after "set", the numbers as `heard` says
 * (how sure the fake Whisper is of each); after a number, "%" (at the logit `percent` gives
 * for that number, else 6: likely); after "%", end-of-text. Records every call.
 */
function fakeDecoder(
  heard: Record<number, number>,
  percent: Record<number, number> = {},
  Kind: typeof SequenceDecoder = SequenceDecoder,
) {
  return new Kind(VOCAB, (seq): Array<[number, number]> => {
    const last = seq.at(-1) as number;
    if (last === START) return [[SET, 6]];
    if (last === SET) return Object.entries(heard).map(([id, value]) => [Number(id), value]);
    if (last === PERCENT) return [[EOT, 6]];
    return [[PERCENT, percent[last] ?? 6]];
  });
}

const none = { suppressed: new Uint8Array(VOCAB), beginSuppressed: [] };
const sentence = (n: number) => [SET, n, PERCENT, EOT];
const OWN = sentence(N75);
const OTHERS = [N25, N35, N15, N50].map(sentence);

const UNSURE_AFTER_25 = { [N25]: 1 };

/** The lead by forcing every sentence in full, row by row (the reference). */
async function fullLead(
  heard: Record<number, number>,
  percent: Record<number, number> = {},
  others = OTHERS,
): Promise<number> {
  const scores = await forcedLogprobs(fakeDecoder(heard, percent), START, [OWN, ...others], none);
  const totals = scores.map((s) => s.reduce((a, b) => a + b, 0));
  return (totals[0] as number) - Math.max(...totals.slice(1));
}

/** A new decoder per round, the calls of all of them kept. */
const rounds = (fake: SequenceDecoder) => () => fake.fresh();

describe("leadOverAlternatives", () => {
  const cases: Array<[string, Record<number, number>, Record<number, number>]> = [
    ["75 clearly heard", { [N75]: 6, [N25]: 1, [N35]: 0.5 }, {}],
    ["75 and 25 about as likely", { [N75]: 4, [N25]: 3.8, [N35]: 1 }, {}],
    ["25 likelier than 75 (a negative lead)", { [N75]: 3, [N25]: 5 }, {}],
    ["25 likelier, but '%' unlikely after it", { [N75]: 3, [N25]: 4 }, UNSURE_AFTER_25],
  ];
  for (const [name, heard, percent] of cases) {
    it(`${name}: the lead of forcing every sentence in full`, async () => {
      const found = await leadOverAlternatives(rounds(fakeDecoder(heard, percent)), START, OWN, OTHERS, {
        ...none,
        enough: 1,
        maxRows: 8,
      });
      expect(found.lead).toBeCloseTo(await fullLead(heard, percent), 5);
      expect(found.exact).toBe(true);
    });
  }

  it("reads the tokens every sentence shares in one call where the decoder can: the same lead", async () => {
    const heard = { [N75]: 4, [N25]: 3.8, [N35]: 1 };
    const options = { ...none, enough: 1, maxRows: 8 };
    const stepped = fakeDecoder(heard);
    const byStep = await leadOverAlternatives(rounds(stepped), START, OWN, OTHERS, options);
    const together = fakeDecoder(heard, {}, TogetherDecoder);
    const byChain = await leadOverAlternatives(rounds(together), START, OWN, OTHERS, options);
    expect(byChain.lead).toBeCloseTo(byStep.lead, 6);
    expect(byChain.closest).toBe(byStep.closest);
    // "set" and the prompt's last token: one call instead of two.
    expect(together.calls[0]).toEqual({ parents: [0], ids: [START, SET] });
    expect(byChain.steps).toBe(byStep.steps - 1);
  });

  it("names the closest alternative", async () => {
    const fake = fakeDecoder({ [N75]: 4, [N35]: 3.9 });
    const found = await leadOverAlternatives(rounds(fake), START, OWN, OTHERS, {
      ...none,
      enough: 1,
      maxRows: 8,
    });
    expect(OTHERS[found.closest]).toEqual(sentence(N35));
  });

  it("reads every value from the one row where the sentences part: one call per token", async () => {
    const decoder = fakeDecoder({ [N75]: 4, [N25]: 3.8 });
    const found = await leadOverAlternatives(rounds(decoder), START, OWN, OTHERS, {
      ...none,
      enough: 1,
      maxRows: 8,
    });
    expect(decoder.calls.map((c) => c.ids.length)).toEqual([1, 1, 5, 5]);
    expect(found.steps).toBe(4);
    expect(found.rows).toBe(12);
    // The numbers' rows all continue the one row of "set".
    expect(decoder.calls[2]?.parents).toEqual([0, 0, 0, 0, 0]);
  });

  it("with fewer rows than alternatives: the best go on, a close one left over is scored in a further round", async () => {
    const heard = { [N75]: 4, [N25]: 3.9, [N35]: 3.8, [N15]: 3.7, [N50]: 3.6 };
    const decoder = fakeDecoder(heard, UNSURE_AFTER_25);
    const found = await leadOverAlternatives(rounds(decoder), START, OWN, OTHERS, {
      ...none,
      enough: 1,
      maxRows: 2,
    });
    expect(Math.max(...decoder.calls.map((c) => c.ids.length))).toBe(2);
    // 25 went on (and "%" is unlikely after it); 35, bounded within the bar, was scored next.
    expect(found.steps).toBe(8);
    expect(found.exact).toBe(true);
    expect(found.lead).toBeCloseTo(await fullLead(heard, UNSURE_AFTER_25), 5);
    expect(OTHERS[found.closest]).toEqual(sentence(N35));
  });

  it("a loose bound ('7' likely as the start of '75', '%' unlikely after it) is scored, not taken for a rival", async () => {
    const others = [N25, N7, N35].map(sentence);
    const heard = { [N75]: 4, [N25]: 4.6, [N7]: 4.5, [N35]: 0 };
    const percent = { [N25]: -4, [N7]: -4 };
    const found = await leadOverAlternatives(rounds(fakeDecoder(heard, percent)), START, OWN, others, {
      ...none,
      enough: 1,
      maxRows: 2,
    });
    // 7 was scored in a second round (its bound was within the bar; its total is not).
    expect(others[found.closest]).not.toEqual(sentence(N7));
    expect(found.lead).toBeGreaterThan(1);
    expect(found.lead).toBeLessThanOrEqual((await fullLead(heard, percent, others)) + 1e-9);
  });

  it("after the last round, what is still bounded counts at its bound: the lead is never overstated", async () => {
    const heard = { [N75]: 4, [N25]: 4.6, [N7]: 4.5, [N35]: 4.4, [N15]: 4.3, [N50]: 4.2 };
    const percent = { [N25]: -4, [N7]: -4, [N35]: -4, [N15]: -4, [N50]: -4 };
    const others = [N25, N7, N35, N15, N50].map(sentence);
    const found = await leadOverAlternatives(rounds(fakeDecoder(heard, percent)), START, OWN, others, {
      ...none,
      enough: 1,
      maxRows: 2,
    });
    // Three rounds scored 25, 7 and 35; 15 and 50 are bounded by their number alone.
    expect(found.exact).toBe(false);
    expect(others[found.closest]).toEqual(sentence(N15));
    expect(found.lead).toBeLessThan(1);
    expect(found.lead).toBeLessThanOrEqual(await fullLead(heard, percent, others));
  });

  it("stops scoring an alternative once it is `enough` below the text's whole score", async () => {
    // The text ends a token earlier than its alternative: past that, a poor one is not fed.
    const own = [SET, N75, EOT];
    const longer = [[SET, N25, PERCENT, PERCENT, EOT]];
    const poor = fakeDecoder({ [N75]: 6, [N25]: -5 });
    const found = await leadOverAlternatives(rounds(poor), START, own, longer, {
      ...none,
      enough: 1,
      maxRows: 4,
    });
    expect(found.lead).toBeGreaterThanOrEqual(1);
    expect(poor.calls).toHaveLength(3);
    // A close one is scored to its end.
    const close = fakeDecoder({ [N75]: 6, [N25]: 6 });
    const closeFound = await leadOverAlternatives(rounds(close), START, own, longer, {
      ...none,
      enough: 1,
      maxRows: 4,
    });
    expect(close.calls).toHaveLength(5);
    expect(closeFound.exact).toBe(true);
  });

  it("no alternatives: nothing to lose to", async () => {
    const found = await leadOverAlternatives(rounds(fakeDecoder({ [N75]: 4 })), START, OWN, [], {
      ...none,
      enough: 1,
      maxRows: 4,
    });
    expect(found.lead).toBe(Number.POSITIVE_INFINITY);
    expect(found.closest).toBe(-1);
  });
});

/** Words, numbers and punctuation as tokens, a leading space kept with the word (as Whisper's BPE). */
class WordTokenizer {
  readonly pieces: string[] = [];
  encode(text: string): number[] {
    return (text.match(/\s?[A-Za-z]+|\s?\d+|\s?[^\sA-Za-z\d]/g) ?? []).map((piece) => {
      const found = this.pieces.indexOf(piece);
      if (found >= 0) return found;
      this.pieces.push(piece);
      return this.pieces.length - 1;
    });
  }
  decode(ids: readonly number[]): string {
    return ids.map((id) => this.pieces[id] ?? "").join("");
  }
}

describe("alignedAlternatives", () => {
  it("keeps the text's own tokens up to where each alternative differs", () => {
    const tokenizer = new WordTokenizer();
    const own = tokenizer.encode(" Set the lamp to 75%.");
    const { sequences, shared } = alignedAlternatives(
      own,
      "Set the lamp to 75%.",
      ["Set the lamp to 25%.", "Set the lamp to 7%."],
      tokenizer,
    );
    expect(shared).toBe(4);
    expect(sequences.map((s) => tokenizer.decode(s))).toEqual([
      " Set the lamp to 25%.",
      " Set the lamp to 7%.",
    ]);
    for (const sequence of sequences) expect(sequence.slice(0, 4)).toEqual(own.slice(0, 4));
  });

  it("words: the shared tokens stop before the first word that differs", () => {
    const tokenizer = new WordTokenizer();
    const own = tokenizer.encode(" set it to seventy five percent");
    const { sequences, shared } = alignedAlternatives(
      own,
      "set it to seventy five percent",
      ["set it to seventy percent", "set it to twenty five percent"],
      tokenizer,
    );
    expect(shared).toBe(3);
    expect(sequences[0]?.slice(0, 4)).toEqual(own.slice(0, 4));
    expect(tokenizer.decode(sequences[1] ?? [])).toBe(" set it to twenty five percent");
  });

  it("the text inside a longer transcript (a leading space, the tokens Whisper generated)", () => {
    const tokenizer = new WordTokenizer();
    const own = tokenizer.encode(" Turn the lamp to 15.");
    const { sequences } = alignedAlternatives(
      own,
      "Turn the lamp to 15.",
      ["Turn the lamp to 50."],
      tokenizer,
    );
    expect(tokenizer.decode(sequences[0] ?? [])).toBe(" Turn the lamp to 50.");
  });
});
