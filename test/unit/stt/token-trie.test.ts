import { describe, expect, it } from "vitest";
import { buildSentenceGraph } from "../../../src/intent/sentence-space/build.js";
import type { GraphState } from "../../../src/intent/sentence-space/graph.js";
import { spellText } from "../../../src/intent/sentence-space/spell.js";
import { compileTemplates } from "../../../src/intent/templates/compile.js";
import { Vocabulary } from "../../../src/intent/vocabulary.js";
import type { TokenConstraint } from "../../../src/stt/guide.js";
import { type AllowedToken, allowedTokens, buildTokenTrie } from "../../../src/stt/token-trie.js";
import { homeRegistry, phrasings } from "../intent/home.js";

const graph = buildSentenceGraph({
  compiled: compileTemplates(),
  vocabulary: new Vocabulary(homeRegistry().all()),
  wakePhrases: ["hey jarvis"],
});

/** Pieces of every word as a BPE vocabulary has them: whole, with a leading space, and split. */
function tokenTexts(): Array<[number, string]> {
  const texts = new Set<string>([".", ",", " ", "%", "?"]);
  for (const word of graph.words()) {
    texts.add(word).add(` ${word}`);
    for (let cut = 1; cut < word.length; cut++) texts.add(` ${word.slice(0, cut)}`).add(word.slice(cut));
  }
  // Tokens no sentence has, so the walk has dead ends to prune.
  for (const stray of [" zebra", "qu", " xylophone", "zz"]) texts.add(stray);
  return [...texts].map((text, id) => [id, text]);
}

describe("allowedTokens", () => {
  const full: TokenConstraint<GraphState> = {
    start: graph.start,
    spell: spellText,
    step: (s, c) => graph.step(s, c),
    nextChars: (s) => graph.nextChars(s),
    isComplete: (s) => graph.isComplete(s),
    key: (s) => s.key,
  };
  const { nextChars: _, ...unfiltered } = full;
  const trie = buildTokenTrie(tokenTexts(), spellText);
  const seen = (tokens: AllowedToken<GraphState>[]) =>
    tokens.map((t) => `${t.id}:${t.spelled}:${t.state.key}`);

  it("are the same tokens, in the same order, whether the walk asks the graph which characters go on", () => {
    let states = 0;
    for (const phrasing of phrasings().slice(0, 12)) {
      const spelled = spellText(phrasing.say);
      let at: GraphState | null = graph.start;
      for (const char of spelled ?? "") {
        if (!at) break;
        const asked = allowedTokens(trie, full, at, new Map());
        const tried = allowedTokens(trie, unfiltered, at, new Map());
        expect(seen(asked)).toEqual(seen(tried));
        states++;
        at = graph.step(at, char);
      }
    }
    expect(states).toBeGreaterThan(150);
  });

  it("keep the states used most recently when the cache is full, the start among them", () => {
    const cache = new Map<string, AllowedToken<unknown>[]>();
    const at = (text: string) => graph.walk(graph.start, spellText(text) ?? "") as GraphState;
    const states = ["turn", "turn on", "turn on the", "turn off", "set", "set the"].map(at);
    const start = allowedTokens(trie, full, graph.start, cache, 4);
    for (const state of states) {
      allowedTokens(trie, full, state, cache, 4);
      // Every search starts from the start state: used again each time, it is never walked again.
      expect(allowedTokens(trie, full, graph.start, cache, 4)).toBe(start);
    }
    expect(cache.size).toBeLessThanOrEqual(4);
    expect(cache.has(at("set the").key)).toBe(true);
    expect(cache.has(at("turn").key)).toBe(false);
    // What was forgotten is walked again, the same tokens.
    const walked = allowedTokens(trie, full, at("turn"), cache, 4);
    expect(seen(walked)).toEqual(seen(allowedTokens(trie, unfiltered, at("turn"), new Map())));
  });
});
