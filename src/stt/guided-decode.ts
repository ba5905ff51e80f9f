import type { GuidedHypothesis, TokenConstraint } from "./guide.js";
import { diverse, type Finished, rank, ranked, rankingOf, remembered, withFloor } from "./guided-rank.js";
import { type DecoderOutput, logitsRow, normMask, rowNorm } from "./logits.js";
import { rivalLeads } from "./state-words.js";
import { AllowedCache, allowedPath, allowedTokens, type TokenTrie } from "./token-trie.js";

/** A decoder stepping several hypotheses at once (batch-decoder.ts over Whisper; fakes in tests). */
export interface BatchDecoder {
  /**
   * Feeds one token per row and returns logits [rows, vocab]. Row i continues row
   * `parents[i]` of the previous call (rows are copied, dropped or reordered); on the first
   * call every parent is 0, the sequence fed so far. With `mask` (logits.ts normMask) a
   * decoder that can also returns each row's normaliser over the ids the mask keeps.
   */
  step(parents: readonly number[], ids: readonly number[], mask?: Float32Array): Promise<DecoderOutput>;
  /** True when `together` may be called (the cache branch is causal: prepare/causal-cache.ts). */
  readonly takesSeveral?: boolean;
  /** `ids` one after another in one call to the one row there is: logits [ids, vocab] (batch-decoder.ts). */
  together?(ids: readonly number[], mask?: Float32Array): Promise<DecoderOutput>;
}

/**
 * Tokens every hypothesis starts with, in the decoder's cache but the last (the `firstId` the
 * search feeds), and their log-probabilities: the search goes on as if it had taken them.
 */
export interface Seed {
  ids: readonly number[];
  logprobs: readonly number[];
}

export interface GuidedDecodeOptions {
  beam: number;
  /** Where every hypothesis starts (absent: nothing fed yet). */
  seed?: Seed | null | undefined;
  /**
   * The first step's logits (one row, after `firstId`), already read with the seed
   * (wake-seed.ts readSeed): the search makes no call for it. The decoder's cache must
   * already hold `firstId`. Absent: the first step feeds `firstId`.
   */
  primed?: DecoderOutput | null | undefined;
  /**
   * Hypotheses kept during the first `wide.steps` steps, where the sentences diverge and the
   * right first word may rank low on its own ("Set" heard as "And"): a wider beam there,
   * then `beam`. Absent: `beam` throughout.
   */
  wide?: { beam: number; steps: number } | undefined;
  maxTokens: number;
  eot: number;
  /** Never generated (Whisper's suppressed tokens), as in the free pass. */
  suppressed: Uint8Array;
  /** Not generated as the first token (blank, end-of-text). */
  beginSuppressed: readonly number[];
  signal?: AbortSignal | undefined;
  /**
   * Allowed tokens by state key, kept between calls with the same constraint and trie:
   * most commands walk the same first states, whose token sets cost the most to find.
   */
  cache?: AllowedCache;
  /**
   * Stop once every hypothesis's average log-probability so far is below this (after a few
   * tokens): no sentence that poor would be taken, so out-of-grammar speech costs a few
   * steps instead of the whole budget.
   */
  giveUpBelow?: number;
  /**
   * Stop on the count of ended sentences only once no live hypothesis scores better than
   * all of them: short sentences ending ("Can you switch off", "... switch on") no longer
   * cut off the longer one that was said ("Can you switch off the coffee maker?") while it
   * leads. Bounded still by the few extra steps a longer sentence gets.
   */
  patientStop?: boolean | undefined;
  /** Groups ended sentences that ask for the same thing (the margin is over a different one); default: the words. */
  meaning?: (said: string) => string;
  /**
   * Diversity: the group a hypothesis belongs to (the command's first word, after the wake
   * phrase), and how many of one group the beam keeps. A command whose first word Whisper
   * heard poorly ("Turn" under "All done, kitchen light") only overtakes its rivals near its
   * end; without a cap, four variants of the rival's first word fill the beam first.
   */
  group?: ((said: string) => string) | undefined;
  perGroup?: number | undefined;
  /**
   * Filler words in a text (what the templates' matcher drops around a command: "so", "and",
   * "thank you"), and what each costs in the *ranking* (nats; never in the reported score).
   * The fillers loop freely at both ends of every sentence, so without a cost the beam follows
   * Whisper's own first words ("So, now, ...", "And all the ...") through legal but absurd
   * paths while the command's first word, heard poorly, drops out.
   */
  fillers?: ((said: string) => number) | undefined;
  fillerPenalty?: number | undefined;
  /**
   * In the ranking, a hypothesis's single worst token counts at most this much (nats):
   * a command whose first word Whisper heard poorly ("Turn" under "All done") is not
   * pruned for that one word before its sentence pulls ahead. Absent: counted in full.
   */
  forgive?: number | undefined;
  /**
   * For hypotheses of up to `steps` tokens, the best of each further command word (`group`)
   * is kept too, up to `rows` more rows: the word Whisper heard poorly gets a few tokens to
   * show its sentence before the beam judges it. Unlike a wider beam, the extra rows are all
   * different first words, not more spellings of the best ones.
   */
  floor?: { steps: number; rows: number } | undefined;
  /**
   * Count ended sentences by `meaning` for the stop rule: "turn on the fan", "Turn on the
   * fan." and "turn on the fan and" (a trailing filler) are one, so they no longer end the
   * search before "turn on the fan in the bedroom" does (the guided pass turns it on).
   * Off: every ending counts.
   */
  distinctEnds?: boolean | undefined;
  /**
   * Whether a complete sentence may end here (by what it says so far); absent: every one.
   * The second search lets only sentences that keep a word of the free text end, the ones
   * the decision could take.
   */
  canEnd?: ((said: string) => boolean) | undefined;
  /**
   * Tokens whose rivals say another thing at the same place (" on" / " off" / " up"): where a
   * hypothesis takes one, the rivals' log-probabilities from the same row are at hand, so its
   * lead over the likeliest rival the grammar also allows there costs no decoder call
   * (`rivalLead`, the smallest over its sentence). Absent: not measured.
   */
  rivals?: ReadonlyMap<number, readonly number[]> | undefined;
}

export interface GuidedDecodeResult {
  /** The best sentence and its runner-up among different sentences, best first. */
  best: (GuidedHypothesis & { tokens: number[] }) | null;
  /** Decoder calls made (one per step, whatever the beam). */
  steps: number;
  /** Rows fed over all calls (the beam's, and the floor's for the first steps). */
  rows: number;
  /** Time in the decoder and in the search around it. */
  decoderMs: number;
  searchMs: number;
}

interface Hypothesis<S> {
  tokens: number[];
  state: S;
  sum: number;
  /** Its lowest token log-probability (the give-up rule leaves it out). */
  worst: number;
  /** What it says so far, separators collapsed: hypotheses saying the same are one. */
  said: string;
  /** Its smallest lead of a token over that token's rival (GuidedDecodeOptions.rivals); null: none taken. */
  rivalLead: number | null;
}

/**
 * Beam search constrained to a sentence space: at each step only tokens whose text keeps
 * the sentence inside the space are candidates, end-of-text only once it is complete, and
 * all hypotheses go through the decoder in one batched call. Log-probabilities are taken
 * over Whisper's whole distribution (suppressed tokens aside), as in the free pass, so the
 * scores of both passes compare. Hypotheses saying the same words ("Turn" and " turn")
 * are merged, so the beam holds different sentences. Stops when `beam` sentences have
 * ended (with `patientStop`, and no live one leads them), nothing can go on, or the token
 * budget is spent.
 */
export async function guidedDecode<S>(
  decoder: BatchDecoder,
  firstId: number,
  constraint: TokenConstraint<S>,
  trie: TokenTrie,
  options: GuidedDecodeOptions,
): Promise<GuidedDecodeResult> {
  const cache = options.cache ?? new AllowedCache();
  const next = (state: S) => allowedTokens(trie, constraint, state, cache);
  let hyps: Hypothesis<S>[] = [seeded(constraint, trie, cache, options.seed)];
  let parents = [0];
  let ids = [firstId];
  const finished: Finished[] = [];
  let steps = 0;
  const meaning = remembered(options.meaning ?? ((said: string) => said));
  const ended = new Map<string, string>();
  let rows = 0;
  const timing = { decoderMs: 0, searchMs: 0 };
  let stopAt = options.maxTokens;
  const ranking = rankingOf(options);
  // Steps count tokens from the sentence's start: a seed's tokens were its first steps.
  const firstT = hyps[0]?.tokens.length ?? 0;
  for (let t = firstT; t < stopAt && hyps.length > 0; t++) {
    options.signal?.throwIfAborted();
    const t0 = performance.now();
    const extra = t === 0 ? options.beginSuppressed : [];
    const primed = t === firstT ? options.primed : null;
    const out = primed ?? (await decoder.step(parents, ids, normMask(options.suppressed, extra)));
    const t1 = performance.now();
    if (!primed) {
      timing.decoderMs += t1 - t0;
      steps++;
      rows += ids.length;
    }
    const candidates = new Map<string, { parent: number; id: number; hyp: Hypothesis<S> }>();
    hyps.forEach((hyp, r) => {
      const row = logitsRow(out.logits, out.vocab, r);
      const norm = rowNorm(out, r, options.suppressed, extra);
      const ending = hyp.said.trim();
      if (t > 0 && constraint.isComplete(hyp.state) && (options.canEnd?.(ending) ?? true)) {
        const eot = (row[options.eot] as number) - norm;
        const sum = hyp.sum + eot;
        const n = hyp.tokens.length + 1;
        finished.push({
          tokens: hyp.tokens,
          said: ending,
          score: sum / n,
          worst: Math.min(hyp.worst, eot),
          rank: (sum - ranking.fillerCost(ending)) / n,
          rivalLead: hyp.rivalLead,
        });
        if (options.distinctEnds && !ended.has(ending)) ended.set(ending, meaning(ending));
      }
      const afterSeparator = hyp.said === "" || hyp.said.endsWith(" ");
      const allowed = next(hyp.state);
      const leadOf = rivalLeads(row, norm, allowed, options.rivals);
      for (const { id, state, spelled } of allowed) {
        if (options.suppressed[id] || extra.includes(id)) continue;
        // Punctuation runs ("...", ", ,") change nothing in the sentence: one separator at a time.
        if (afterSeparator && SEPARATORS.test(spelled)) continue;
        const logprob = (row[id] as number) - norm;
        const sum = hyp.sum + logprob;
        const said = extend(hyp.said, spelled);
        const seen = candidates.get(said);
        if (seen && seen.hyp.sum >= sum) continue;
        const worst = hyp.tokens.length === 0 ? logprob : Math.min(hyp.worst, logprob);
        const lead = leadOf(id, logprob);
        const rivalLead = lead === null ? hyp.rivalLead : Math.min(lead, hyp.rivalLead ?? lead);
        candidates.set(said, {
          parent: r,
          id,
          hyp: { tokens: [...hyp.tokens, id], state, sum, worst, said, rivalLead },
        });
      }
    });
    timing.searchMs += performance.now() - t1;
    const endings = options.distinctEnds ? new Set(ended.values()).size : finished.length;
    if (endings >= options.beam && !(options.patientStop && liveLeads(candidates.values(), finished))) break;
    const giveUp = options.giveUpBelow;
    // Judged without each hypothesis's worst token: a command is not given up for one word
    // Whisper heard poorly (the first, most often), only for being poor throughout.
    if (
      giveUp !== undefined &&
      t >= GIVE_UP_AFTER &&
      hyps.every((h) => (h.sum - h.worst) / h.tokens.length < giveUp)
    ) {
      break;
    }
    // Once a sentence has ended, a longer one gets a few more tokens to catch up, not the whole budget.
    if (finished.length > 0) stopAt = Math.min(stopAt, t + 1 + EXTRA_STEPS);
    const width =
      options.wide && t + 1 < options.wide.steps ? Math.max(options.beam, options.wide.beam) : options.beam;
    const sorted = ranked([...candidates.values()], width, ranking);
    const beam = options.group
      ? diverse(sorted, width, options.group, options.perGroup ?? width)
      : sorted.slice(0, width);
    const { floor, group } = options;
    const kept = floor && group && t < floor.steps ? withFloor(sorted, beam, group, floor.rows) : beam;
    hyps = kept.map((c) => c.hyp);
    parents = kept.map((c) => c.parent);
    ids = kept.map((c) => c.id);
  }
  return { best: rank(finished, meaning), steps, rows, ...timing };
}

/** The hypothesis the search starts from: the seed's tokens taken, or nothing. */
function seeded<S>(
  constraint: TokenConstraint<S>,
  trie: TokenTrie,
  cache: AllowedCache,
  seed: Seed | null | undefined,
): Hypothesis<S> {
  const ids = seed?.ids ?? [];
  const path = allowedPath(trie, constraint, cache, ids);
  if (path.length < ids.length)
    throw new RangeError(`seed token ${ids[path.length]} is not allowed at ${path.length}`);
  const logprobs = seed?.logprobs ?? [];
  return {
    tokens: [...ids],
    state: path.at(-1)?.state ?? constraint.start,
    sum: logprobs.reduce((a, b) => a + b, 0),
    worst: ids.length ? Math.min(...logprobs) : 0,
    said: path.reduce((said, step) => extend(said, step.spelled), ""),
    rivalLead: null,
  };
}

/** True when some live hypothesis averages better so far than every ended sentence. */
function liveLeads(
  live: Iterable<{ hyp: { sum: number; tokens: number[] } }>,
  finished: readonly Finished[],
): boolean {
  const bestEnded = Math.max(...finished.map((f) => f.score));
  for (const { hyp } of live) if (hyp.sum / hyp.tokens.length > bestEnded) return true;
  return false;
}

const SEPARATORS = /^[ .]+$/;
const EXTRA_STEPS = 4;
const GIVE_UP_AFTER = 4;

/**
 * `said` (already collapsed: no leading separator, none twice) followed by `spelled`, with
 * runs of spaces and dots as one space and none at the start. Char by char rather than a
 * regular expression over the whole text: it runs for every allowed token of every
 * hypothesis at every step (~1 s of a 60-pass bench run's JavaScript went to the regex).
 */
function extend(said: string, spelled: string): string {
  let out = said;
  for (const char of spelled) {
    if (char !== " " && char !== ".") out += char;
    else if (out !== "" && !out.endsWith(" ")) out += " ";
  }
  return out;
}
