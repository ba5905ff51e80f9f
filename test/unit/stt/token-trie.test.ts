import { describe, expect, it } from "vitest";
import { buildSentenceGraph } from "../../../src/intent/sentence-space/build.js";
import type { GraphState } from "../../../src/intent/sentence-space/graph.js";
import { spellText } from "../../../src/intent/sentence-space/spell.js";
import { compileTemplates } from "../../../src/intent/templates/compile.js";
import { Vocabulary } from "../../../src/intent/vocabulary.js";
import type { TokenConstraint } from "../../../src/stt/guide.js";
import {
  AllowedCache,
  type AllowedToken,
  allowedTokens,
  buildTokenTrie,
} from "../../../src/stt/token-trie.js";
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
        const asked = allowedTokens(trie, full, at, new AllowedCache());
        const tried = allowedTokens(trie, unfiltered, at, new AllowedCache());
        expect(seen(asked)).toEqual(seen(tried));
        states++;
        at = graph.step(at, char);
      }
    }
    expect(states).toBeGreaterThan(150);
  });

  it("keep the states used most recently when the cache holds too many tokens, the start among them", () => {
    const at = (text: string) => graph.walk(graph.start, spellText(text) ?? "") as GraphState;
    const states = ["turn", "turn on", "turn on the", "turn off", "set", "set the"].map(at);
    const sizes = states.map((s) => allowedTokens(trie, full, s, new AllowedCache()).length);
    const startSize = allowedTokens(trie, full, graph.start, new AllowedCache()).length;
    // One token less than all of them hold (the cap counts tokens, not states).
    const cache = new AllowedCache(startSize + sizes.reduce((a, b) => a + b, 0) - 1);
    const start = allowedTokens(trie, full, graph.start, cache);
    for (const state of states) {
      allowedTokens(trie, full, state, cache);
      // Every search starts from the start state: used again each time, it is never walked again.
      expect(allowedTokens(trie, full, graph.start, cache)).toBe(start);
      expect(cache.entries).toBeLessThanOrEqual(cache.limit);
    }
    expect(cache.has(at("set the").key)).toBe(true);
    expect(cache.has(at("turn").key)).toBe(false);
    let held = 0;
    for (const s of [graph.start, ...states])
      if (cache.has(s.key)) held += allowedTokens(trie, full, s, new AllowedCache()).length;
    expect(cache.entries).toBe(held);
    // What was forgotten is walked again, the same tokens.
    const walked = allowedTokens(trie, full, at("turn"), cache);
    expect(seen(walked)).toEqual(seen(allowedTokens(trie, unfiltered, at("turn"), new AllowedCache())));
  });

  it("keep a state that alone holds more tokens than the cap, until the next one comes", () => {
    const cache = new AllowedCache(10);
    const start = allowedTokens(trie, full, graph.start, cache);
    expect(start.length).toBeGreaterThan(10);
    expect(cache.has(graph.start.key)).toBe(true);
    const turn = graph.walk(graph.start, "turn") as GraphState;
    allowedTokens(trie, full, turn, cache);
    expect(cache.has(graph.start.key)).toBe(false);
    expect(cache.has(turn.key)).toBe(true);
  });
});

describe("buildTokenTrie", () => {
  /** A constraint that accepts any text: the walk lists every token, in the trie's order. */
  const anything: TokenConstraint<string> = {
    start: "",
    spell: (text) => text,
    step: (s, c) => s + c,
    isComplete: () => true,
    key: (s) => s,
  };

  it("keeps children and tokens in the order they were first added (as a Map per node did)", () => {
    const trie = buildTokenTrie(
      [
        [0, "ab"],
        [1, "a"],
        [2, "ac"],
        [3, "b"],
        [4, "ab"],
      ],
      (text) => text,
    );
    const walked = allowedTokens(trie, anything, "", new AllowedCache()).map((t) => `${t.id}:${t.spelled}`);
    expect(walked).toEqual(["1:a", "0:ab", "4:ab", "2:ac", "3:b"]);
  });

  it("takes a character outside the basic plane as one step, and skips what spells to nothing", () => {
    const trie = buildTokenTrie(
      [
        [7, "\u{1F600}x"],
        [8, ""],
        [9, "\u{1F600}"],
      ],
      (text) => text,
    );
    const steps: string[] = [];
    const logging = {
      ...anything,
      step: (s: string, c: string) => {
        steps.push(c);
        return s + c;
      },
    };
    const walked = allowedTokens(trie, logging, "", new AllowedCache()).map((t) => t.id);
    expect(walked).toEqual([9, 7]);
    expect(steps).toEqual(["\u{1F600}", "x"]);
  });
});
