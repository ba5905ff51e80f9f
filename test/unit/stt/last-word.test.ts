import { describe, expect, it } from "vitest";
import {
  completesHalfSentence,
  endsDangling,
  guessUnfinished,
  lastWordLead,
  stopsShortOfHeard,
} from "../../../src/stt/last-word.js";

// Token ids stand for their text; 0 is end-of-text.
const TEXTS = [
  "<eot>",
  "Hey",
  " Jarvis",
  ",",
  " turn",
  " on",
  " the",
  " lights",
  ".",
  " 40",
  "%",
  " kitchen",
  "...",
];
const text = (id: number) => TEXTS[id] ?? "?";

describe("lastWordLead: the last word against ending the sentence before it", () => {
  it("sums the word and all after it against the stop where the word began", () => {
    // Hey Jarvis, turn on the lights. <eot>
    const found = lastWordLead(
      {
        tokenIds: [1, 2, 3, 4, 5, 6, 7, 8],
        logprobs: [-0.1, -0.1, -0.1, -0.2, -0.1, -0.1, -0.9, -0.2, -0.05],
        stopLogprobs: [-9, -9, -9, -9, -9, -9, -1.4, -3, -0.05],
      },
      text,
    );
    expect(found?.word).toBe("lights");
    expect(found?.before).toBe("Hey Jarvis, turn on the");
    // (-0.9 - 0.2 - 0.05) - (-1.4)
    expect(found?.lead).toBeCloseTo(0.25, 6);
  });

  it("counts what follows the word with it ('40' and its '%')", () => {
    const found = lastWordLead(
      {
        tokenIds: [4, 5, 9, 10],
        logprobs: [-0.1, -0.1, -0.3, -0.1, -0.2],
        stopLogprobs: [-5, -5, -4, -6, -0.2],
      },
      text,
    );
    expect(found?.word).toBe("40");
    expect(found?.lead).toBeCloseTo(-0.6 + 4, 6);
  });

  it("reads past trailing punctuation ('...')", () => {
    const found = lastWordLead(
      {
        tokenIds: [4, 5, 6, 11, 12],
        logprobs: [-0.1, -0.1, -0.1, -2, -0.5, -0.1],
        stopLogprobs: [-5, -5, -5, -1, -0.5, -0.1],
      },
      text,
    );
    expect(found?.word).toBe("kitchen");
    expect(found?.before).toBe("turn on the");
    expect(found?.lead).toBeCloseTo(-2.6 + 1, 6);
  });

  it("is null without end-of-text, a word before the last, or the scores", () => {
    // Cut by the token budget: no end-of-text score.
    expect(
      lastWordLead({ tokenIds: [4, 5], logprobs: [-0.1, -0.1], stopLogprobs: [-3, -3] }, text),
    ).toBeNull();
    // One word.
    expect(
      lastWordLead({ tokenIds: [7, 8], logprobs: [-0.1, -0.1, -0.1], stopLogprobs: [-3, -3, -3] }, text),
    ).toBeNull();
    expect(lastWordLead({ tokenIds: [4, 5] }, text)).toBeNull();
  });
});

describe("endsDangling: a word no sentence ends on", () => {
  it.each([
    ["Hey Jarvis, turn on the", true],
    ["Set the...", true],
    ["Set the bedroom light to", true],
    ["Turn off the bedroom", false],
    ["Kitchen light", false],
    ["", false],
  ])("%j -> %s", (text, expected) => {
    expect(endsDangling(text)).toBe(expected);
  });
});

describe("completesHalfSentence: the guess goes on where Whisper stopped", () => {
  it.each([
    ["Hey Jarvis, turn on the", "Hey Jarvis, turn on the light.", true],
    ["Turn on the...", "Turn on the kitchen light.", true],
    // The same words, ended as Whisper ended them: nothing added.
    ["Turn on the", "Turn on the", false],
    // Whisper did not stop on a dangling word.
    ["Turn on the kitchen", "Turn on the kitchen light.", false],
    // The guess rewrites what was heard rather than going on from it: other checks judge it.
    ["Join us in the", "Turn off the lights in the kitchen.", false],
    ["Talk about the", "Turn off the light.", false],
  ])("%j -> %j: %s", (free, guess, expected) => {
    expect(completesHalfSentence(free, guess)).toBe(expected);
  });

  const names = new Set(["bedroom", "kitchen", "light", "lamp", "fan"]);
  it.each([
    // Whisper stopped on a name and the guess names a device after it: not heard.
    ["Please turn on the bedroom.", "Please turn on the bedroom lamp.", true],
    ["Turn on the kitchen", "Turn on the kitchen light.", true],
    // What the guess adds is no name: the scores judge it.
    ["Hey Jarvis, kitchen light,", "Hey Jarvis, kitchen light, on.", false],
    // Whisper's own last word is no name.
    ["Switch on the coffee", "Switch on the coffee light.", false],
    ["Turn on the bedroom lamp.", "Turn on the bedroom lamp.", false],
  ])("names %j -> %j: %s", (free, guess, expected) => {
    expect(completesHalfSentence(free, guess, (word) => names.has(word))).toBe(expected);
  });
});

describe("stopsShortOfHeard: the guess ends where the free text goes on", () => {
  it.each([
    // The search had no bathroom and ended early: the board's own area would have been lit.
    ["Hey Jarvis, turn on the light in the bathroom.", "Hey Jarvis, turn on the light", true],
    ["Hey Jarvis, turn off the light, kitchen.", "Hey Jarvis, turn off the light", true],
    // "lights" heard, "light" guessed: the same word.
    ["Hey Jarvis, turn on the lights in the bathroom.", "Hey Jarvis, turn on the light", true],
    // Nothing that says what or which was dropped.
    ["Turn on the kitchen light, please.", "Turn on the kitchen light.", false],
    ["Turn on the kitchen light, thanks.", "Turn on the kitchen light.", false],
    ["Turn on the kitchen light.", "Turn on the kitchen light.", false],
    // The guess mends the end rather than dropping it.
    ["Turn on the kitchen flight.", "Turn on the kitchen light.", false],
    // Whisper ended the sentence there: what follows is another one.
    ["What time is it? I think it's almost half past seven.", "What time is it?", false],
    // The verb misheard ("join" for *turn on*): the last word alone still finds what was dropped.
    ["Hey Jarvis, join the lights in the bedroom.", "Hey Jarvis, turn on the light", true],
    // What follows the last word is in the guess already, said in another order.
    ["Turn the light on in the kitchen.", "Turn on the kitchen light.", false],
    ["Switch the lamp on, thanks.", "Turn on the lamp.", false],
    // "%" guessed is "percent" heard.
    ["Hey Jarvis, kitchen light, floor lamp, 30 percent.", "Hey Jarvis, set the floor lamp to 30%.", false],
    ["Set the kitchen light to 20 percent.", "Set the kitchen light to 20%.", false],
    ["Hey Jarvis, light and living room lamp, 100%", "Hey Jarvis, brighten living room lamp to 100", false],
    // Heard twice: the last time counts, and nothing follows it.
    ["Turn on the light in the den, turn on the light", "Turn on the light", false],
  ])("%j -> %j: %s", (free, guess, expected) => {
    expect(stopsShortOfHeard(free, guess)).toBe(expected);
  });
});

describe("guessUnfinished: a guess that is the start of what was said at best", () => {
  it.each([
    ["Hey Jarvis, turn off the floor lamp, please.", "Hey Jarvis, turn on, kitchen light,", true],
    // A trailing filler the grammar allows: "and" ends no sentence.
    ["Here Jarvis, turn off the lights and kitchen.", "Hey Jarvis, turn off, light, and", true],
    ["Hey Jarvis, turn on the light in the bathroom.", "Hey Jarvis, turn on the light", true],
    ["Hey Jarvis, turn on the kitchen light.", "Hey Jarvis, turn on the kitchen light.", false],
    ["Hey Jarvis, kitchen light, home.", "Hey Jarvis, kitchen light, on.", false],
  ])("%j -> %j: %s", (free, guess, expected) => {
    expect(guessUnfinished(free, guess)).toBe(expected);
  });
});
