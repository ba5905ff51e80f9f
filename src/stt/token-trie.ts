// Whisper's vocabulary as a trie of what each token spells, and the tokens a sentence space
// allows from one of its states: the guided search's only view of the tokenizer. Written here
// because the walk must follow the space's own character steps (TokenConstraint), which no
// trie library takes.

import type { TokenConstraint } from "./guide.js";

/** The vocabulary as a trie of what each token spells, built once per tokenizer and spelling. */
export interface TokenTrie {
  children: Map<string, TokenTrie>;
  /** Tokens that spell exactly the path to this node. */
  tokens: number[];
}

export function buildTokenTrie(
  tokenTexts: Iterable<[id: number, text: string]>,
  spell: (text: string) => string | null,
): TokenTrie {
  const root: TokenTrie = { children: new Map(), tokens: [] };
  for (const [id, text] of tokenTexts) {
    const spelled = spell(text);
    if (!spelled) continue;
    let node = root;
    for (const char of spelled) {
      let child = node.children.get(char);
      if (!child) {
        child = { children: new Map(), tokens: [] };
        node.children.set(char, child);
      }
      node = child;
    }
    node.tokens.push(id);
  }
  return root;
}

export interface AllowedToken<S> {
  id: number;
  state: S;
  spelled: string;
}

/** States kept in a shared cache (a few MB at most); past it, the half used longest ago go. */
const CACHE_LIMIT = 20_000;

/**
 * Tokens allowed from `state`, from `cache` when it has them. The cache lives as long as the
 * daemon: clearing it whole when full (as before) made the next command walk even the start
 * state again (~0.3 s), so the states no search has needed for longest go first.
 */
export function allowedTokens<S>(
  trie: TokenTrie,
  constraint: TokenConstraint<S>,
  state: S,
  cache: Map<string, AllowedToken<unknown>[]>,
  limit = CACHE_LIMIT,
): AllowedToken<S>[] {
  const key = constraint.key(state);
  const cached = cache.get(key) as AllowedToken<S>[] | undefined;
  if (cached) {
    // A Map keeps insertion order: moved to the end, the most recently used are the last to go.
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const found: AllowedToken<S>[] = [];
  collect(trie, state, "", constraint, found);
  if (cache.size >= limit) forgetOldest(cache, cache.size - Math.floor(limit / 2) + 1);
  cache.set(key, found);
  return found;
}

function forgetOldest(cache: Map<string, unknown>, count: number): void {
  let left = count;
  for (const key of cache.keys()) {
    if (left-- <= 0) break;
    cache.delete(key);
  }
}

/** Tokens allowed from `state`: a walk of the trie along the characters the space accepts. */
function collect<S>(
  node: TokenTrie,
  state: S,
  spelled: string,
  constraint: TokenConstraint<S>,
  out: AllowedToken<S>[],
): void {
  for (const id of node.tokens) out.push({ id, state, spelled });
  const possible = constraint.nextChars?.(state);
  for (const [char, child] of node.children) {
    // In the trie's own order, so the tokens come out as they would without the filter.
    if (possible && !possible.has(char)) continue;
    const after = constraint.step(state, char);
    if (after !== null) collect(child, after, spelled + char, constraint, out);
  }
}
