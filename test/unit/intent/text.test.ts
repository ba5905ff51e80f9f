import { describe, expect, it } from "vitest";
import { parseDuration } from "../../../src/intent/text/duration.js";
import { similarity, soundFold } from "../../../src/intent/text/fuzzy.js";
import { normalizeText, tokenize } from "../../../src/intent/text/normalize.js";
import { numberToWords, parseNumber } from "../../../src/intent/text/numbers.js";

const words = (s: string) => tokenize(s);

describe("normalize", () => {
  it.each([
    ["Turn on the Kitchen Light.", "turn on the kitchen light"],
    ["Set it to 40%!", "set it to 40 percent"],
    ["21.5°C", "21.5 degrees"],
    ["What's the time?", "whats the time"],
    ["twenty-one", "twenty one"],
    ["AC/Heater + TV+ #2", "ac heater tv 2"],
    ["5min", "5 min"],
    ["  lots   of\tspace\n", "lots of space"],
    ["It's 1,000 degrees.", "its 1000 degrees"],
  ])("%s -> %s", (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe("parseNumber", () => {
  it.each([
    ["21", 21],
    ["21.5", 21.5],
    ["zero", 0],
    ["twenty one", 21],
    ["twenty-one", 21],
    ["forty", 40],
    ["one hundred", 100],
    ["a hundred", 100],
    ["one hundred and five", 105],
    ["nineteen", 19],
    ["twenty one point five", 21.5],
    ["one and a half", 1.5],
    ["two thousand", 2000],
  ])("%s = %d", (text, value) => {
    expect(parseNumber(words(text))).toBe(value);
  });

  it.each(["", "twenty twenty", "one two", "twenty lights", "hundred", "a", "point five", "and", "ten nine"])(
    "%s is not a number",
    (text) => {
      expect(parseNumber(words(text))).toBeNull();
    },
  );
});

describe("parseDuration", () => {
  it.each([
    ["90 seconds", { seconds: 90 }],
    ["five minutes", { minutes: 5 }],
    ["an hour and a half", { hours: 1, minutes: 30 }],
    ["half an hour", { minutes: 30 }],
    ["one and a half hours", { hours: 1, minutes: 30 }],
    ["2 hours and 15 minutes", { hours: 2, minutes: 15 }],
    ["1 minute 30 seconds", { minutes: 1, seconds: 30 }],
    ["a minute and a half", { minutes: 1, seconds: 30 }],
    ["a quarter of an hour", { minutes: 15 }],
    ["10 minute", { minutes: 10 }],
  ])("%s", (text, expected) => {
    expect(parseDuration(words(text))).toEqual(expected);
  });

  it.each([
    "minutes",
    "five",
    "five apples",
    "5 minutes 3 minutes",
    "and a half",
    "a half second and a half",
  ])("%s is not a duration", (text) => {
    expect(parseDuration(words(text))).toBeNull();
  });
});

describe("fuzzy similarity", () => {
  it("is 1 for equal text and for spacing differences", () => {
    expect(similarity("kitchen light", "kitchen light")).toBe(1);
    expect(similarity("bed room fan", "bedroom fan")).toBe(1);
  });

  it("scores speech-to-text errors above 0.8 and different names below", () => {
    expect(similarity("kitchen lite", "kitchen light")).toBeGreaterThanOrEqual(0.8);
    expect(similarity("chrismas tree", "christmas tree")).toBeGreaterThanOrEqual(0.8);
    expect(similarity("extracter fan", "extractor fan")).toBeGreaterThanOrEqual(0.8);
    expect(similarity("front door", "back door")).toBeLessThan(0.8);
    expect(similarity("bedroom fan", "bathroom fan")).toBeLessThan(0.8);
    expect(similarity("garage door", "front door")).toBeLessThan(0.8);
  });

  it("returns 0 early when the threshold cannot be met", () => {
    expect(similarity("a", "a much longer device name", 0.8)).toBe(0);
  });

  it("folds sound-alikes", () => {
    expect(soundFold("light")).toBe(soundFold("lite"));
    expect(soundFold("phone")).toBe(soundFold("fone"));
  });
});

describe("numberToWords", () => {
  it("spells whole numbers as people say them, and parseNumber reads them back", () => {
    const cases: Array<[number, string]> = [
      [0, "zero"],
      [7, "seven"],
      [19, "nineteen"],
      [20, "twenty"],
      [21, "twenty one"],
      [90, "ninety"],
      [100, "one hundred"],
      [105, "one hundred five"],
      [999, "nine hundred ninety nine"],
    ];
    for (const [n, words] of cases) {
      expect(numberToWords(n)).toBe(words);
      expect(parseNumber(words.split(" "))).toBe(n);
    }
  });
});
