import type { BatchDecoder } from "./guided-decode.js";
import { type DecoderOutput, logitsRow, normMask, rowNorm } from "./logits.js";
import type { ForcedOptions } from "./phrase-score.js";

// A text's lead over its alternatives by teacher forcing them as one token tree over
// Whisper's decoder (or a fake in tests): the mechanism under the number, action and name
// checks of guided decoding (number-lead.ts numberLead drives it over a free pass).

export interface TreeOptions extends ForcedOptions {
  /** The lead that is enough: an alternative that cannot come closer than this is not scored further. */
  enough: number;
  /** Rows per decoder call at most (the text's own row included). */
  maxRows: number;
}

interface Node {
  token: number;
  children: Map<number, Node>;
  /** Log-probability of the sequence up to and including this token. */
  sum: number;
  /** On the text's own path. */
  own: boolean;
  /** Sequences that end here (their end-of-text token): -1 for the text, else the alternative's index. */
  ends: number[];
  /** Its row in the decoder call that fed it. */
  row: number;
}

export interface TreeLead {
  lead: number;
  /** The alternative that came closest (or might have: see `exact`); -1 when there is none. */
  closest: number;
  exact: boolean;
  steps: number;
  rows: number;
}

/** Rounds at most: each scores the alternatives that a round before could only bound. */
const ROUNDS = 3;

/**
 * Teacher forcing of a text and its alternatives as one token tree: a shared prefix is one
 * row, and all the tokens that follow one prefix are read from that row's logits, so the
 * 100 values of a number cost one row at the token where they part, not 100 rows per step.
 * Past it, the alternatives with the best scores so far go on (at most `maxRows` rows with
 * the text's own); the others are bounded by their score so far, which only falls with more
 * tokens. A bound can be loose ("7%" against "75%": " 7" is likely, as the start of "75",
 * while "%" after it is not), so the alternatives whose bound could bring the lead under
 * `enough` are scored in a further round (a new decoder from `decoder()`), up to ROUNDS;
 * what is still bounded then counts at its bound, so the lead is never overstated. Once the
 * text's own total is known, an alternative already `enough` below it is not fed further.
 * Scores are totals, compared only where the texts differ (their shared prefix adds the
 * same to both).
 */
export async function leadOverAlternatives(
  decoder: () => BatchDecoder,
  firstId: number,
  own: readonly number[],
  alternatives: readonly (readonly number[])[],
  options: TreeOptions,
): Promise<TreeLead> {
  if (alternatives.length === 0)
    return { lead: Number.POSITIVE_INFINITY, closest: -1, exact: true, steps: 0, rows: 0 };
  const exact = new Map<number, number>();
  // Alternatives left unscored, at their score so far (a later round replaces the bounds it scores).
  const bounds = new Map<number, number>();
  let ownTotal = Number.NEGATIVE_INFINITY;
  let pending = alternatives.map((_, i) => i);
  let steps = 0;
  let rows = 0;
  for (let round = 0; round < ROUNDS && pending.length > 0; round++) {
    const sweep = await sweepTree(decoder(), firstId, own, pending, alternatives, options);
    steps += sweep.steps;
    rows += sweep.rows;
    ownTotal = sweep.ownTotal;
    for (const i of pending) bounds.delete(i);
    for (const [i, total] of sweep.exact) exact.set(i, total);
    for (const [i, bound] of sweep.bounds) bounds.set(i, bound);
    const bar = ownTotal - options.enough;
    // Settled once an alternative is surely within the bar, or no bound reaches it.
    if ([...exact.values()].some((t) => t > bar)) break;
    pending = [...bounds].filter(([, bound]) => bound > bar).map(([i]) => i);
  }
  let best = { sum: Number.NEGATIVE_INFINITY, index: -1, exact: true };
  for (const [i, total] of exact) if (total > best.sum) best = { sum: total, index: i, exact: true };
  for (const [i, bound] of bounds) if (bound > best.sum) best = { sum: bound, index: i, exact: false };
  return { lead: ownTotal - best.sum, closest: best.index, exact: best.exact, steps, rows };
}

/** One pass of the tree over the alternatives `pending`: their totals, or bounds for those left unscored. */
async function sweepTree(
  decoder: BatchDecoder,
  firstId: number,
  own: readonly number[],
  pending: readonly number[],
  alternatives: readonly (readonly number[])[],
  options: TreeOptions,
) {
  const root = newNode(firstId, true);
  insert(root, own, -1);
  for (const i of pending) insert(root, alternatives[i] ?? [], i);
  const totals: Totals = { own: null, exact: new Map(), bounds: new Map() };
  let frontier = [root];
  let steps = 0;
  let rows = 0;
  while (frontier.length > 0) {
    const { fed, chained, out, extra } = await feed(decoder, root, frontier, steps === 0, options);
    steps++;
    rows += fed.length;
    const next: Node[] = [];
    fed.forEach((node, r) => {
      const row = logitsRow(out.logits, out.vocab, r);
      const norm = rowNorm(out, r, options.suppressed, r === 0 ? extra : []);
      for (const child of node.children.values()) {
        child.sum = node.sum + (row[child.token] as number) - norm;
        // After a call of one row's tokens, its cache is that one row.
        child.row = chained ? 0 : r;
        // A node of the chain was fed with it: only what follows the chain goes on.
        if (chained && fed.includes(child)) continue;
        for (const end of child.ends) {
          if (end < 0) totals.own = child.sum;
          else totals.exact.set(end, child.sum);
        }
        if (child.children.size > 0) next.push(child);
      }
    });
    frontier = prune(next, totals, options);
  }
  const { exact, bounds } = totals;
  return { ownTotal: totals.own ?? Number.NEGATIVE_INFINITY, exact, bounds, steps, rows };
}

/** A sweep's scores so far: the text's own total (null until it ends), the alternatives' totals and bounds. */
interface Totals {
  own: number | null;
  exact: Map<number, number>;
  bounds: Map<number, number>;
}

/**
 * One decoder call of the sweep: the frontier's rows, each continuing its parent's; or, on
 * the first call of a decoder that takes several tokens, the tokens every sequence shares up
 * to where they part, in one call (`chained`: the tree's first calls fed one row each).
 */
async function feed(
  decoder: BatchDecoder,
  root: Node,
  frontier: readonly Node[],
  first: boolean,
  options: TreeOptions,
): Promise<{ fed: readonly Node[]; chained: boolean; out: DecoderOutput; extra: readonly number[] }> {
  const extra = first ? options.beginSuppressed : [];
  const chain = first && decoder.takesSeveral && decoder.together ? sharedChain(root) : [];
  if (chain.length > 1 && decoder.together) {
    const out = await decoder.together(
      chain.map((n) => n.token),
      normMask(options.suppressed),
    );
    return { fed: chain, chained: true, out, extra };
  }
  const out = await decoder.step(
    frontier.map((n) => n.row),
    frontier.map((n) => n.token),
    normMask(options.suppressed, extra),
  );
  return { fed: frontier, chained: false, out, extra };
}

/**
 * The next frontier: the text's own nodes, then the others best first up to `maxRows` rows,
 * none already `enough` below the text's known total; the ends under a node left out are
 * bounded by its score so far.
 */
function prune(next: readonly Node[], totals: Totals, options: TreeOptions): Node[] {
  const kept = next.filter((n) => n.own);
  const others = next.filter((n) => !n.own).sort((a, b) => b.sum - a.sum);
  for (const node of others) {
    const hopeless = totals.own !== null && node.sum <= totals.own - options.enough;
    if (!hopeless && kept.length < options.maxRows) kept.push(node);
    else for (const end of endsUnder(node)) totals.bounds.set(end, node.sum);
  }
  return kept;
}

/**
 * The root and the nodes after it while each has one child that ends no sequence and goes on:
 * the tokens every sequence shares (the last one is where they part, or the last they share).
 */
function sharedChain(root: Node): Node[] {
  const chain = [root];
  let at = root;
  for (;;) {
    const only = at.children.size === 1 ? (at.children.values().next().value as Node) : undefined;
    if (!only || only.ends.length > 0 || only.children.size === 0) return chain;
    chain.push(only);
    at = only;
  }
}

function newNode(token: number, own: boolean): Node {
  return { token, children: new Map(), sum: 0, own, ends: [], row: 0 };
}

function insert(root: Node, sequence: readonly number[], index: number): void {
  let at = root;
  for (const token of sequence) {
    let child = at.children.get(token);
    if (!child) {
      child = newNode(token, false);
      at.children.set(token, child);
    }
    if (index < 0) child.own = true;
    at = child;
  }
  at.ends.push(index);
}

/** The alternatives that end under the node (its score so far bounds each of theirs). */
function endsUnder(node: Node, out: number[] = []): number[] {
  for (const end of node.ends) if (end >= 0) out.push(end);
  for (const child of node.children.values()) endsUnder(child, out);
  return out;
}
