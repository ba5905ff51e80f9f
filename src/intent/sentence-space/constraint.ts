import type { GraphState, SentenceGraph } from "./graph.js";
import { spellText } from "./spell.js";

/** A graph as the decoder walks it: one character at a time, in spellText()'s alphabet. */
export interface GraphConstraint {
  start: GraphState;
  spell(text: string): string | null;
  step(state: GraphState, char: string): GraphState | null;
  nextChars(state: GraphState): ReadonlySet<string>;
  isComplete(state: GraphState): boolean;
  key(state: GraphState): string;
}

export function graphConstraint(graph: SentenceGraph): GraphConstraint {
  return {
    start: graph.start,
    spell: spellText,
    step: (state, char) => graph.step(state, char),
    nextChars: (state) => graph.nextChars(state),
    isComplete: (state) => graph.isComplete(state),
    key: (state) => state.key,
  };
}
