import { describe, expect, it } from "vitest";
import { sentenceSpace } from "../../../src/intent/create.js";
import { buildSentenceGraph } from "../../../src/intent/sentence-space/build.js";
import type { SentenceGraph } from "../../../src/intent/sentence-space/graph.js";
import { spellText } from "../../../src/intent/sentence-space/spell.js";
import { compileTemplates } from "../../../src/intent/templates/compile.js";
import { Vocabulary } from "../../../src/intent/vocabulary.js";
import { homeConfig, homeRegistry } from "./home.js";

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

describe("the sentence space: follow-up shapes", () => {
  it("holds a new target for the previous action", () => {
    const said = [
      "And the hall light too.",
      "also the kitchen light",
      "the bedside lamp as well",
      "What about the back door?",
      "and the lights in the kitchen too",
      "same for the bedroom lights",
    ];
    expect(said.filter((text) => !accepts(text))).toEqual([]);
  });

  it("but not a sentence that only looks like one", () => {
    expect(accepts("And I'm having a good night too.")).toBe(false);
    expect(accepts("and the pasta too")).toBe(false);
  });
});

describe("the sentence space: what a follow-up shape means", () => {
  const space = sentenceSpace(homeConfig(), homeRegistry()).get();
  it("is the devices it names, so plurals and markers are one meaning, not rivals", () => {
    const hall = space.meaning("and the hall light too");
    expect(hall).toBe(JSON.stringify(["follow-up", ["hallway_light"]]));
    expect(space.meaning("And the hall lights too.")).toBe(hall);
    expect(space.meaning("also the hall light")).toBe(hall);
    expect(space.meaning("and the kitchen light too")).not.toBe(hall);
    expect(space.meaning("and I'm having a good night too")).toBe("and im having a good night too");
  });
});
