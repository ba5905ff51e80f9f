// How the guided search ranks its hypotheses (guided-decode.ts): during the beam, by sum
// with the options below; at the end, by average log-probability. The ranking never changes
// the score a sentence reports: the decision (guide.ts) judges the plain average.

import type { GuidedHypothesis } from "./guide.js";

/** Candidates ranked per row of the beam (diverse() looks at 25 per row). */
const RANKED_PER_ROW = 50;

/** An ended sentence. */
export interface Finished {
  tokens: number[];
  said: string;
  /** Average log-probability per token, end-of-text included. */
  score: number;
  /** Its lowest token log-probability, end-of-text included. */
  worst: number;
  /** What it is ranked by: its score, less the fillers' cost per token. */
  rank: number;
  /** Its smallest lead over a rival token (GuidedDecodeOptions.rivals); null: none. */
  rivalLead?: number | null;
}

/** GuidedDecodeOptions's ranking options (documented there). */
export interface RankingOptions {
  fillers?: ((said: string) => number) | undefined;
  fillerPenalty?: number | undefined;
  forgive?: number | undefined;
}

/**
 * The best `width` candidates, at most `perGroup` of one group; when there are too few
 * groups to fill the beam, the best of the rest fill it.
 */
export function diverse<T extends { hyp: { said: string } }>(
  sorted: readonly T[],
  width: number,
  group: (said: string) => string,
  perGroup: number,
): T[] {
  const kept: T[] = [];
  const skipped: T[] = [];
  const counts = new Map<string, number>();
  // Looking further than this would cost more than it finds: the groups of a step are few.
  for (const candidate of sorted.slice(0, width * 25)) {
    if (kept.length >= width) break;
    const key = group(candidate.hyp.said);
    const n = counts.get(key) ?? 0;
    if (n < perGroup) {
      counts.set(key, n + 1);
      kept.push(candidate);
    } else if (skipped.length < width) skipped.push(candidate);
  }
  return kept.length < width ? [...kept, ...skipped.slice(0, width - kept.length)] : kept;
}

/** `kept`, and after it the best candidate of each group it lacks, up to `rows` of them. */
export function withFloor<T extends { hyp: { said: string } }>(
  sorted: readonly T[],
  kept: readonly T[],
  group: (said: string) => string,
  rows: number,
): T[] {
  const groups = new Set(kept.map((c) => group(c.hyp.said)));
  const out = [...kept];
  for (const candidate of sorted) {
    if (out.length >= kept.length + rows) break;
    const key = group(candidate.hyp.said);
    if (groups.has(key)) continue;
    groups.add(key);
    out.push(candidate);
  }
  return out;
}

export interface Ranking {
  /** What a hypothesis's fillers cost in the ranking (0 without a filler penalty). */
  fillerCost(said: string): number;
  /** Its sum as ranked, before the fillers' cost: the worst token clipped when forgiving. */
  base(hyp: { sum: number; worst: number }): number;
}

export function rankingOf(options: RankingOptions): Ranking {
  const { fillers, fillerPenalty, forgive } = options;
  const memo = new Map<string, number>();
  return {
    fillerCost(said) {
      if (!fillers || !fillerPenalty) return 0;
      let n = memo.get(said);
      if (n === undefined) {
        n = fillers(said);
        memo.set(said, n);
      }
      return fillerPenalty * n;
    },
    base: (hyp) => (forgive === undefined ? hyp.sum : hyp.sum - hyp.worst + Math.max(hyp.worst, -forgive)),
  };
}

/**
 * Candidates best first by their ranking. The fillers are counted (a text function) only
 * for the best by sum alone: past a few hundred, no candidate would reach the beam.
 */
export function ranked<T extends { hyp: { sum: number; worst: number; said: string } }>(
  candidates: T[],
  width: number,
  ranking: Ranking,
): T[] {
  // Ties (every first token below the clip ranks the same) go to the likelier one.
  const order = (a: { c: T; key: number }, b: { c: T; key: number }) =>
    b.key - a.key || b.c.hyp.sum - a.c.hyp.sum;
  const base = candidates
    .map((c) => ({ c, key: ranking.base(c.hyp) }))
    .sort(order)
    .slice(0, width * RANKED_PER_ROW);
  return base
    .map(({ c, key }) => ({ c, key: key - ranking.fillerCost(c.hyp.said) }))
    .sort(order)
    .map(({ c }) => c);
}

/**
 * The best ended sentence by its ranking (average log-probability, less the fillers' cost),
 * with its lead in score over the best one meaning something else: a filler penalty that
 * picks a lower-scored sentence gives a negative margin, never a confident one.
 */
export function rank(
  finished: readonly Finished[],
  meaning: (said: string) => string,
): (GuidedHypothesis & { tokens: number[] }) | null {
  const bySentence = new Map<string, Finished>();
  for (const f of finished) {
    const key = meaning(f.said);
    const seen = bySentence.get(key);
    if (!seen || seen.rank < f.rank) bySentence.set(key, f);
  }
  const sorted = [...bySentence.values()].sort((a, b) => b.rank - a.rank);
  const [best, second] = sorted;
  if (!best) return null;
  return {
    text: best.said,
    tokens: best.tokens,
    score: best.score,
    worst: best.worst,
    margin: second ? best.score - second.score : null,
    ...(best.rivalLead != null ? { rivalLead: best.rivalLead } : {}),
  };
}

/**
 * `meaning` asked once per text: it runs the templates' matcher, and the stop rule and the
 * ranking ask it of the same ended sentences (~10 ms a guided pass here).
 */
export function remembered(meaning: (said: string) => string): (said: string) => string {
  const known = new Map<string, string>();
  return (said) => {
    let value = known.get(said);
    if (value === undefined) {
      value = meaning(said);
      known.set(said, value);
    }
    return value;
  };
}
