import type { TokenConstraint } from "../../src/stt/guide.js";
import type { BatchDecoder } from "../../src/stt/guided-decode.js";
import { buildTokenTrie } from "../../src/stt/token-trie.js";

/** One row's logits as [token id, logit] pairs; the tokens not named stay at the decoder's floor. */
export type RowLogits = Iterable<readonly [id: number, logit: number]>;

/**
 * Whisper's decoder over fixed audio, as the guided search and the phrase and number scores
 * see it: each row's logits depend only on its sequence so far (the first call's token, the
 * prompt's last, included), `logitsFor` names the ones that stand out, the rest stay at
 * `floor`. Records every call's parents and ids.
 */
export class SequenceDecoder implements BatchDecoder {
  readonly calls: Array<{ parents: number[]; ids: number[] }> = [];
  #seqs: number[][] = [[]];

  constructor(
    readonly vocab: number,
    private readonly logitsFor: (seq: readonly number[]) => RowLogits,
    private readonly floor = 0,
  ) {}

  /** Rows of each call so far. */
  get rows(): number[] {
    return this.calls.map((call) => call.ids.length);
  }

  /** The same fake from the start of a sequence (a new decoder over the same audio), its calls kept. */
  fresh(): this {
    this.#seqs = [[]];
    return this;
  }

  async step(parents: readonly number[], ids: readonly number[]) {
    this.calls.push({ parents: [...parents], ids: [...ids] });
    this.#seqs = parents.map((p, i) => [...(this.#seqs[p] ?? []), ids[i] as number]);
    const logits = new Float32Array(ids.length * this.vocab).fill(this.floor);
    this.#seqs.forEach((seq, row) => {
      for (const [id, logit] of this.logitsFor(seq)) logits[row * this.vocab + id] = logit;
    });
    return { logits, vocab: this.vocab };
  }
}

/**
 * The same decoder taking several tokens of one row in one call (BatchDecoder.together), as
 * a prepared Whisper decoder does: each token's logits as if fed alone (a fake has no int8
 * rounding). Such a call is recorded as one, its ids all the tokens fed.
 */
export class TogetherDecoder extends SequenceDecoder {
  readonly takesSeveral = true;

  async together(ids: readonly number[]) {
    const rows: Float32Array[] = [];
    for (const id of ids) {
      rows.push((await this.step([0], [id])).logits);
      this.calls.pop();
    }
    this.calls.push({ parents: [0], ids: [...ids] });
    const logits = new Float32Array(rows.length * this.vocab);
    rows.forEach((row, i) => {
      logits.set(row, i * this.vocab);
    });
    return { logits, vocab: this.vocab };
  }
}

/**
 * A vocabulary of token texts, for tests that speak of tokens by their text: their ids, the
 * guided search's trie, and decoders whose preferences are given as [text, logit] pairs.
 */
export function textVocabulary(texts: readonly string[]) {
  const id = (text: string) => texts.indexOf(text);
  return {
    id,
    /** The trie of the tokens `keep` lets in (every one by default), spelled as `constraint` spells them. */
    trie(constraint: TokenConstraint<string>, keep: (text: string) => boolean = () => true) {
      const tokens = texts.map((text, i) => [i, text] as [number, string]);
      return buildTokenTrie(
        tokens.filter(([, text]) => keep(text)),
        constraint.spell,
      );
    },
    /**
     * A decoder preferring, after each sequence of tokens (the first call's, the prompt's
     * last, left out), the tokens `prefer` names at their logits; everything else far behind (-10).
     */
    preferring(prefer: (tokens: readonly number[]) => Iterable<readonly [text: string, logit: number]>) {
      const logitsFor = (seq: readonly number[]): RowLogits =>
        [...prefer(seq.slice(1))].map(([text, logit]) => [id(text), logit] as const);
      return new SequenceDecoder(texts.length, logitsFor, -10);
    },
  };
}

/**
 * Sentences as a prefix set, in the alphabet of stt/guide.ts: lower case, " " between words.
 * `fillers`: words that may come before any of the sentences, any number of times.
 */
export function sentenceGrammar(
  sentences: readonly string[],
  fillers: readonly string[] = [],
): TokenConstraint<string> {
  const leadingFillers = new RegExp(`^((${fillers.join("|")}) )*`);
  const command = (state: string) => (fillers.length ? state.replace(leadingFillers, "") : state);
  const startsOne = (words: readonly string[], prefix: string) =>
    words.some((w) => `${w} `.startsWith(prefix));
  return {
    start: "",
    spell: (text) => (text.startsWith("<") ? null : text.toLowerCase().replace(/[^a-z]+/g, " ")),
    step: (state, char) => {
      if (char === " ") return state === "" || state.endsWith(" ") ? state : `${state} `;
      const next = state + char;
      const rest = command(next);
      return startsOne(sentences, rest) || startsOne(fillers, rest) ? next : null;
    },
    isComplete: (state) => sentences.includes(command(state.trim())),
    key: (state) => state,
  };
}
