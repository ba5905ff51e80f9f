import { describe, expect, it } from "vitest";
import {
  compressionRatio,
  copiesPrompt,
  dropReason,
  listsPromptNames,
  noSpeechMatters,
  repetitionCut,
} from "../../../src/stt/quality.js";

const thresholds = { noSpeech: 0.6, logprob: -1, compressionRatio: 2.4 };

describe("compressionRatio", () => {
  it("is low for a command and high for a loop", () => {
    expect(compressionRatio("Turn on the kitchen light.")).toBeLessThan(1.2);
    expect(compressionRatio("Thank you. ".repeat(30))).toBeGreaterThan(2.4);
    expect(compressionRatio("")).toBe(0);
  });
});

describe("dropReason", () => {
  it("keeps a confident command even when the no-speech probability is high (the reference rule)", () => {
    expect(
      dropReason({ text: "Lock the front door.", noSpeechProb: 0.7, avgLogprob: -0.3 }, thresholds),
    ).toBeNull();
  });

  it("drops text when no-speech is likely and the text is not confident", () => {
    expect(dropReason({ text: "you", noSpeechProb: 0.93, avgLogprob: -1.2 }, thresholds)).toBe("no-speech");
  });

  it("keeps unconfident text when no-speech is unlikely", () => {
    expect(
      dropReason({ text: "Like the front door.", noSpeechProb: 0.3, avgLogprob: -1.3 }, thresholds),
    ).toBeNull();
  });

  it("drops loops, and text with no letters or digits", () => {
    expect(
      dropReason({ text: "the the the ".repeat(20), noSpeechProb: 0, avgLogprob: -0.1 }, thresholds),
    ).toBe("repetition");
    expect(dropReason({ text: "...", noSpeechProb: 0, avgLogprob: -0.1 }, thresholds)).toBe("no-words");
    expect(dropReason({ text: "♪", noSpeechProb: 0, avgLogprob: -0.1 }, thresholds)).toBe("no-words");
    expect(dropReason({ text: "Grüß Gott", noSpeechProb: 0, avgLogprob: -0.1 }, thresholds)).toBeNull();
  });
});

describe("copiesPrompt", () => {
  const prompt =
    "Hey Jarvis, kitchen light, kitchen lights, living room lamp, floor lamp, kitchen, living room.";

  it("is items of the prompt's list in its order, whatever the case and punctuation", () => {
    expect(copiesPrompt("Hey Jarvis, kitchen light, living room lamp,", prompt)).toBe(true);
    expect(copiesPrompt("hey jarvis. Kitchen light", prompt)).toBe(true);
    expect(copiesPrompt("Hey Jarvis,", prompt)).toBe(true);
    expect(copiesPrompt("Kitchen light, living room lamp,", prompt)).toBe(true);
    expect(copiesPrompt(prompt, prompt)).toBe(true);
    // Cut short in its last item.
    expect(copiesPrompt("Hey Jarvis, kitchen light, floor", prompt)).toBe(true);
  });

  it("is the list looping back to items it wrote, or after the wake phrase's first word misheard", () => {
    expect(
      copiesPrompt(
        "Hey Jarvis, kitchen light, kitchen light, living room, kitchen light, living room",
        prompt,
      ),
    ).toBe(true);
    expect(copiesPrompt("Hey Jarvis, kitchen light, living room, kitchen", prompt)).toBe(true);
    expect(copiesPrompt("Here Jarvis, kitchen light, living room.", prompt, "Hey Jarvis,")).toBe(true);
    expect(copiesPrompt("Here Jarvis,", prompt, "Hey Jarvis,")).toBe(true);
    // Only the wake phrase may be misheard, and only when there is one.
    expect(copiesPrompt("Here Jarvis, kitchen light.", prompt)).toBe(false);
    expect(copiesPrompt("Bathroom light.", "kitchen light, living room.")).toBe(false);
    // Another word than the wake phrase's last, or a command after a loop.
    expect(copiesPrompt("Hey there, kitchen light.", prompt, "Hey Jarvis,")).toBe(false);
    expect(copiesPrompt("Here Jarvis, kitchen light, 20%.", prompt, "Hey Jarvis,")).toBe(false);
    expect(copiesPrompt("Hey Jarvis, kitchen light, kitchen light, on", prompt)).toBe(false);
  });

  it("is not a command, the items in another order, a word of its own, or an item cut in the middle", () => {
    expect(copiesPrompt("Hey Jarvis, turn on the kitchen light.", prompt)).toBe(false);
    expect(copiesPrompt("Hey Jarvis, living room lamp, kitchen light.", prompt)).toBe(false);
    expect(copiesPrompt("Hey Jarvis, kitchen light, on.", prompt)).toBe(false);
    expect(copiesPrompt("Hey Jarvis, kitchen, light.", prompt)).toBe(false);
    expect(copiesPrompt(`${prompt} on`, prompt)).toBe(false);
    expect(copiesPrompt("", prompt)).toBe(false);
    expect(copiesPrompt("...", prompt)).toBe(false);
  });
});

describe("noSpeechMatters", () => {
  const cases = [
    { text: "Turn on the kitchen light.", avgLogprob: -0.2 },
    { text: "Like the front door.", avgLogprob: -1.3 },
    { text: "you", avgLogprob: -0.6 },
    { text: "Kitchen light.", avgLogprob: -0.3 },
    { text: "...", avgLogprob: -0.1 },
    { text: "the the the ".repeat(20), avgLogprob: -0.1 },
  ];
  const prompt = "kitchen light, bedroom light";

  it("says when the no-speech probability can change the drop decision", () => {
    expect(cases.map((c) => noSpeechMatters(c, thresholds, prompt))).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it("where it does not matter, the decision is the same whatever the probability (or unmeasured)", () => {
    for (const c of cases.filter((c) => !noSpeechMatters(c, thresholds, prompt))) {
      const decisions = [0, 0.99, null].map((p) => dropReason({ ...c, noSpeechProb: p }, thresholds, prompt));
      expect(new Set(decisions).size).toBe(1);
    }
    for (const c of cases.filter((c) => noSpeechMatters(c, thresholds, prompt))) {
      const decisions = [0, 0.99].map((p) => dropReason({ ...c, noSpeechProb: p }, thresholds, prompt));
      expect(new Set(decisions).size).toBe(2);
    }
  });
});

describe("repetitionCut", () => {
  it("leaves ordinary text and short genuine repeats alone", () => {
    expect(repetitionCut([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBeNull();
    expect(repetitionCut([5, 9, 9, 9])).toBeNull(); // "no no no"
    expect(repetitionCut([1, 2, 1, 2, 1, 2])).toBeNull(); // three copies of a 2-token pattern: not yet 8 tokens
  });

  it("cuts a single token repeated eight times back to one copy", () => {
    expect(repetitionCut([4, 7, 7, 7, 7, 7, 7, 7, 7])).toBe(2);
  });

  it("cuts a phrase loop back to its first copy", () => {
    const phrase = [10, 11, 12];
    expect(repetitionCut([1, ...phrase, ...phrase, ...phrase])).toBe(4);
    expect(repetitionCut([1, 2, 1, 2, 1, 2, 1, 2])).toBe(2);
  });
});

describe("listsPromptNames", () => {
  const prompt =
    "Hey Jarvis, kitchen light, living room lamp, floor lamp, bedroom light, thermostat, kitchen, hall.";
  const wake = "Hey Jarvis,";

  it("is two or more of the prompt's names in any order, each maybe one word off", () => {
    expect(listsPromptNames("Hey Jarvis, kitchen light, bathroom", prompt, wake)).toBe(true);
    expect(listsPromptNames("Here Jarvis, kitchen light, hall, bedroom light, bedroom", prompt, wake)).toBe(
      true,
    );
    // A name of the home the prompt does not list, not one word off one it does.
    expect(listsPromptNames("Hey Jarvis, kitchen light, garden shed lights, hall", prompt, wake)).toBe(false);
    expect(listsPromptNames("Hey Jarvis, kitchen light, kitchen lamp, floor", prompt, wake)).toBe(true);
    expect(listsPromptNames("Hey Jarvis, bathroom light, floor lamp", prompt, wake)).toBe(true);
    expect(listsPromptNames("Here Jarvis, floor lamp, kitchen light.", prompt, wake)).toBe(true);
    expect(listsPromptNames("kitchen light, thermostat, hall", "kitchen light, thermostat, hall.")).toBe(
      true,
    );
  });

  it("is not a command, a number or a state at the end, one name alone, or a long item", () => {
    expect(listsPromptNames("Hey Jarvis, turn on the kitchen light.", prompt, wake)).toBe(false);
    expect(listsPromptNames("Hey Jarvis, kitchen light, on.", prompt, wake)).toBe(false);
    expect(listsPromptNames("Hey Jarvis, bathroom light, off.", prompt, wake)).toBe(false);
    expect(listsPromptNames("Hey Jarvis, kitchen light, 20%.", prompt, wake)).toBe(false);
    expect(listsPromptNames("Hey Jarvis, kitchen light, twenty", prompt, wake)).toBe(false);
    expect(listsPromptNames("Hey Jarvis, kitchen light, twelve", prompt, wake)).toBe(false);
    expect(listsPromptNames("Hey Jarvis, kitchen light.", prompt, wake)).toBe(false);
    expect(listsPromptNames("Hey Jarvis, kitchen light, tell me a joke.", prompt, wake)).toBe(false);
    expect(listsPromptNames("Hey Jarvis, what is the time, kitchen light", prompt, wake)).toBe(false);
    // The wake phrase is no name: "Hey Jarvis" and one name is one name.
    expect(listsPromptNames("Hey Jarvis, hey jarvis", prompt, wake)).toBe(false);
    expect(listsPromptNames("", prompt, wake)).toBe(false);
  });
});
