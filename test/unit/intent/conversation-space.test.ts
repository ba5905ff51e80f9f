import { describe, expect, it } from "vitest";
import { buildSentenceGraph } from "../../../src/intent/sentence-space/build.js";
import type { SentenceGraph } from "../../../src/intent/sentence-space/graph.js";
import { spellText } from "../../../src/intent/sentence-space/spell.js";
import { compileTemplates } from "../../../src/intent/templates/compile.js";
import { Vocabulary } from "../../../src/intent/vocabulary.js";
import { homeRegistry } from "./home.js";

/** The conversation's sentences (relative changes, follow-ups) as guided speech recognition hears them. */
const graph: SentenceGraph = buildSentenceGraph({
  compiled: compileTemplates(),
  vocabulary: new Vocabulary(homeRegistry().all()),
  wakePhrases: ["hey jarvis"],
});

function accepts(text: string): boolean {
  const spelled = spellText(text);
  const at = spelled === null ? null : graph.walk(graph.start, spelled);
  return at !== null && graph.isComplete(at);
}

describe("the sentence space: conversation", () => {
  it("holds relative changes, with and without a target", () => {
    const said = [
      "Make the kitchen light brighter.",
      "make it a bit brighter",
      "Brighter.",
      "a little dimmer please",
      "Turn it up.",
      "turn it down",
      "dim the bedside lamp",
      "Make it warmer.",
      "cooler",
      "Turn up the heating in the living room.",
    ];
    expect(said.filter((text) => !accepts(text))).toEqual([]);
  });

  it("still refuses what no template says", () => {
    expect(accepts("make it pasta")).toBe(false);
    expect(accepts("brighter the kitchen light")).toBe(false);
  });
});
