// The sentence that was said, as a token constraint: bench/hearing-diagnose.ts scores it over
// the same encoder output as the guided beam search (the best tokenization of any of its
// written forms, found by the same constrained search with a wide beam), to tell a search
// error (the said sentence scores better than what the beam found) from a model error.

import { spellText } from "../src/intent/sentence-space/spell.js";
import { TENS_WORDS, UNIT_WORDS } from "../src/intent/text/numbers.js";
import type { TokenConstraint } from "../src/stt/guide.js";

interface Node {
  id: number;
  children: Map<string, Node>;
  end: boolean;
}

export interface ReferenceState {
  node: Node;
  /** After a separator (or at the start): more separators change nothing. */
  sep: boolean;
}

const NUMBER_WORDS = new Set<string>([...UNIT_WORDS, ...TENS_WORDS, "hundred"]);

/** "seventy five" -> "75", "one hundred" -> "100"; a run of number words becomes its digits. */
export function withDigits(words: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    if (!NUMBER_WORDS.has(words[i] as string)) {
      out.push(words[i] as string);
      i++;
      continue;
    }
    let value = 0;
    let current = 0;
    while (i < words.length && NUMBER_WORDS.has(words[i] as string)) {
      const w = words[i] as string;
      const unit = (UNIT_WORDS as readonly string[]).indexOf(w);
      const ten = (TENS_WORDS as readonly string[]).indexOf(w);
      if (w === "hundred") current = Math.max(current, 1) * 100;
      else if (unit >= 0) current += unit;
      else current += 20 + 10 * ten;
      i++;
    }
    value += current;
    out.push(String(value));
  }
  return out;
}

/**
 * The written forms of a spoken sentence Whisper may give: as said, with its numbers in
 * digits, each with or without the wake phrase ("hey jarvis", "jarvis") before it. Casing
 * and punctuation are free (spellText).
 */
export function referenceForms(
  text: string,
  wakePhrases: readonly string[] = ["hey jarvis", "jarvis"],
): string[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const bodies = new Set([words.join(" "), withDigits(words).join(" ")]);
  return [...bodies].flatMap((body) => [body, ...wakePhrases.map((w) => `${w} ${body}`)]);
}

/** A constraint that accepts exactly `forms` (words separated by any punctuation or spaces). */
export function referenceConstraint(forms: readonly string[]): TokenConstraint<ReferenceState> {
  let ids = 0;
  const root: Node = { id: ids++, children: new Map(), end: false };
  for (const form of forms) {
    let node = root;
    for (const char of form) {
      let child = node.children.get(char);
      if (!child) {
        child = { id: ids++, children: new Map(), end: false };
        node.children.set(char, child);
      }
      node = child;
    }
    node.end = true;
  }
  return {
    start: { node: root, sep: true },
    spell: spellText,
    step(state, char) {
      if (char === " " || char === ".") {
        if (state.sep) return state;
        const next = state.node.children.get(" ");
        if (next) return { node: next, sep: true };
        return state.node.end ? { node: state.node, sep: true } : null;
      }
      const next = state.node.children.get(char);
      return next ? { node: next, sep: false } : null;
    },
    isComplete: (state) => state.node.end,
    key: (state) => `${state.node.id}${state.sep ? "s" : ""}`,
  };
}
