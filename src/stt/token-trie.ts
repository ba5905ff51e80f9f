// Whisper's vocabulary as a trie of what each token spells, and the tokens a sentence space
// allows from one of its states: the guided search's only view of the tokenizer. Written here
// because the walk must follow the space's own character steps (TokenConstraint), which no
// trie library takes.

import type { TokenConstraint } from "./guide.js";

/**
 * The vocabulary as a trie of what each token spells, built once per tokenizer and spelling.
 * Flat typed arrays rather than an object with a Map per node: whisper's ~150,000 nodes took
 * ~20-25 MB of the daemon's heap that way (docs/stt.md, Memory), ~3 MB like this. Children
 * and tokens are kept in the order they were first added, so walks come out in the order a
 * Map's iteration gave.
 */
export interface TokenTrie {
  /** Node -> its first child and the next child of its parent (-1: none); node 0 is the root. */
  readonly firstChild: Int32Array;
  readonly nextSibling: Int32Array;
  /** Node -> the index in `chars` of the character that leads to it. */
  readonly charOf: Int32Array;
  readonly chars: readonly string[];
  /** Node -> its tokens: `tokenIds[tokenStart[n] .. tokenStart[n + 1])`. */
  readonly tokenStart: Int32Array;
  readonly tokenIds: Int32Array;
}

export function buildTokenTrie(
  tokenTexts: Iterable<[id: number, text: string]>,
  spell: (text: string) => string | null,
): TokenTrie {
  const nodes = new TrieNodes();
  const ended: Array<[node: number, id: number]> = [];
  for (const [id, text] of tokenTexts) {
    const spelled = spell(text);
    if (!spelled) continue;
    let node = 0;
    for (const char of spelled) node = nodes.child(node, char);
    ended.push([node, id]);
  }
  const { tokenStart, tokenIds } = groupByNode(ended, nodes.charOf.length);
  return {
    firstChild: Int32Array.from(nodes.firstChild),
    nextSibling: Int32Array.from(nodes.nextSibling),
    charOf: Int32Array.from(nodes.charOf),
    chars: nodes.chars,
    tokenStart,
    tokenIds,
  };
}

/** The trie's nodes while it is built, as growing arrays; children in the order first met. */
class TrieNodes {
  readonly firstChild = [-1];
  readonly lastChild = [-1];
  readonly nextSibling = [-1];
  readonly charOf = [-1];
  readonly chars: string[] = [];
  private readonly charIndex = new Map<string, number>();

  /** The child of `node` spelled `char`, added after its last child when new. */
  child(node: number, char: string): number {
    let index = this.charIndex.get(char);
    if (index === undefined) {
      index = this.chars.push(char) - 1;
      this.charIndex.set(char, index);
    }
    let child = this.firstChild[node] as number;
    while (child !== -1 && this.charOf[child] !== index) child = this.nextSibling[child] as number;
    if (child !== -1) return child;
    child = this.charOf.push(index) - 1;
    this.firstChild.push(-1);
    this.lastChild.push(-1);
    this.nextSibling.push(-1);
    if (this.lastChild[node] === -1) this.firstChild[node] = child;
    else this.nextSibling[this.lastChild[node] as number] = child;
    this.lastChild[node] = child;
    return child;
  }
}

/** Token ids grouped by the node they end at, each node's in the order they came (a stable counting sort). */
function groupByNode(
  ended: ReadonlyArray<[node: number, id: number]>,
  nodeCount: number,
): { tokenStart: Int32Array; tokenIds: Int32Array } {
  const counts = new Int32Array(nodeCount + 1);
  for (const [node] of ended) counts[node + 1] = (counts[node + 1] as number) + 1;
  for (let n = 1; n < counts.length; n++) counts[n] = (counts[n] as number) + (counts[n - 1] as number);
  const tokenStart = counts.slice();
  const tokenIds = new Int32Array(ended.length);
  const fill = counts.slice(0, -1);
  for (const [node, id] of ended) {
    tokenIds[fill[node] as number] = id;
    fill[node] = (fill[node] as number) + 1;
  }
  return { tokenStart, tokenIds };
}

export interface AllowedToken<S> {
  id: number;
  state: S;
  spelled: string;
}

/**
 * Allowed tokens kept for the daemon's life, counted in tokens rather than states: a state
 * after a word holds hundreds of tokens (the start ~5,500), and a cap of 20,000 states let
 * the cache grow without a useful bound (1,250 states and 570,000 tokens, ~30 MB, after 290
 * guided passes on the hearing bench, and on). ~50 bytes a token: ~10 MB at most.
 */
const ENTRY_LIMIT = 200_000;

/**
 * The states' allowed tokens, used most recently last. Clearing it whole when full (as
 * before) made the next command walk even the start state again (~0.3 s), so when it holds
 * more than `limit` tokens the states no search has needed for longest go first, down to
 * half; the start state, read by every search, stays.
 */
export class AllowedCache {
  readonly #states = new Map<string, AllowedToken<unknown>[]>();
  #entries = 0;

  constructor(readonly limit = ENTRY_LIMIT) {}

  /** States and tokens held. */
  get size(): number {
    return this.#states.size;
  }

  get entries(): number {
    return this.#entries;
  }

  has(key: string): boolean {
    return this.#states.has(key);
  }

  /** The tokens of `key`, now the most recently used; undefined when not kept. */
  take(key: string): AllowedToken<unknown>[] | undefined {
    const tokens = this.#states.get(key);
    if (!tokens) return undefined;
    // A Map keeps insertion order: moved to the end, the most recently used are the last to go.
    this.#states.delete(key);
    this.#states.set(key, tokens);
    return tokens;
  }

  put(key: string, tokens: AllowedToken<unknown>[]): void {
    this.#states.set(key, tokens);
    this.#entries += tokens.length;
    if (this.#entries <= this.limit) return;
    for (const [old, oldTokens] of this.#states) {
      if (this.#entries <= this.limit / 2 || old === key) break;
      this.#states.delete(old);
      this.#entries -= oldTokens.length;
    }
  }
}

/** Tokens allowed from `state`, from `cache` when it has them. */
export function allowedTokens<S>(
  trie: TokenTrie,
  constraint: TokenConstraint<S>,
  state: S,
  cache: AllowedCache,
): AllowedToken<S>[] {
  const key = constraint.key(state);
  const cached = cache.take(key) as AllowedToken<S>[] | undefined;
  if (cached) return cached;
  const found: AllowedToken<S>[] = [];
  collect(trie, 0, state, "", constraint, found);
  cache.put(key, found);
  return found;
}

/** Tokens allowed from `state`: a walk of the trie along the characters the space accepts. */
function collect<S>(
  trie: TokenTrie,
  node: number,
  state: S,
  spelled: string,
  constraint: TokenConstraint<S>,
  out: AllowedToken<S>[],
): void {
  const end = trie.tokenStart[node + 1] as number;
  for (let t = trie.tokenStart[node] as number; t < end; t++)
    out.push({ id: trie.tokenIds[t] as number, state, spelled });
  const possible = constraint.nextChars?.(state);
  for (let child = trie.firstChild[node] as number; child !== -1; child = trie.nextSibling[child] as number) {
    const char = trie.chars[trie.charOf[child] as number] as string;
    // In the trie's own order, so the tokens come out as they would without the filter.
    if (possible && !possible.has(char)) continue;
    const after = constraint.step(state, char);
    if (after !== null) collect(trie, child, after, spelled + char, constraint, out);
  }
}

/**
 * The allowed tokens `ids` take one after another from the constraint's start, as far as the
 * constraint allows them: the path a search would have taken through them (a seed's, and how
 * long a seed could be).
 */
export function allowedPath<S>(
  trie: TokenTrie,
  constraint: TokenConstraint<S>,
  cache: AllowedCache,
  ids: readonly number[],
): AllowedToken<S>[] {
  const path: AllowedToken<S>[] = [];
  let state = constraint.start;
  for (const id of ids) {
    const found = allowedTokens(trie, constraint, state, cache).find((a) => a.id === id);
    if (!found) break;
    path.push(found);
    state = found.state;
  }
  return path;
}
