import { describe, expect, it } from "vitest";
import {
  changesNumber,
  forHeardAsForty,
  numberAlternatives,
  numberChoices,
  numberInWords,
  slotValues,
  teenInWords,
} from "../../../src/stt/number-values.js";

describe("slotValues", () => {
  it("reads digits, decimals and number words, and leaves out what no slot holds", () => {
    expect(slotValues("Set the lamp to 40% and the heating to 21.5 degrees.")).toEqual([40, 21.5]);
    expect(slotValues("Set the bedroom light to forty-five percent.")).toEqual([45]);
    expect(slotValues("Set the thermostat to 201 degrees.")).toEqual([]);
    expect(slotValues("Turn on the kitchen light.")).toEqual([]);
  });
});

describe("forHeardAsForty", () => {
  it.each([
    // "timer for five" and "time of forty-five" are the same sounds.
    ["Here Jarvis, take time of 45 minutes.", "Here, Jarvis. Set, timer 45 minutes.", true],
    ["See, time of 42 minutes.", "Set, timer 42 minutes.", true],
    ["Hey Jarvis, set a timer of 45 minutes.", "Hey Jarvis, set a timer of 45 minutes.", true],
    // The guess heard the "for"; "for 45" heard says the forty; other values and units.
    ["Hey Jarvis, shut up time of 45 minutes.", "Hey Jarvis, set the timer for five minutes.", false],
    ["Set a timer for 45 minutes.", "Set a timer for 45 minutes.", false],
    ["Time of 35 minutes.", "Set a timer for 35 minutes.", false],
    ["Set the lamp of 45%.", "Set the lamp to 45%.", false],
  ])("%j -> %j: %s", (free, text, ambiguous) => {
    expect(forHeardAsForty(free, text)).toBe(ambiguous);
  });
});

describe("changesNumber", () => {
  const rows: Array<[string, string, boolean]> = [
    ["Time for 10 minutes.", "Set, timer 14 minutes.", true],
    ["Set the bedroom light to 14%.", "Set the bedroom light to forty percent.", true],
    ["Time for 10 minutes.", "Set a timer for ten minutes.", false],
    ["Set the lamp to 40%.", "Set the lamp to 40%.", false],
    // Nothing heard, nothing changed (number-not-heard is the rule for a guess's own number).
    ["The kitchen light is the same.", "Set the kitchen light to 35 percent.", false],
    // Out of every slot's range: no evidence of what was said.
    ["Set the thermostat to 201 degrees.", "Set the thermostat to 21 degrees.", false],
    ["I like the front door.", "Lock the front door.", false],
    // A compound written in parts, or only its units heard (tuning clips, session 14).
    [
      "Hey Jarvis, set the first time to 20-1 degrees.",
      "Hey Jarvis, set the thermostat to 21 degrees.",
      false,
    ],
    ["kitchen light, family 5%.", "The kitchen light to 75%", false],
    ["kitchen light, family 5%.", "The kitchen light to 5%", false],
    ["I'm not 4 minutes.", "Set a timer for 14 minutes.", true],
    // "for ten" sounds as "fourteen": the free pass's 14 may be the guess's "for 10", not the reverse.
    ["At a time of 14 minutes.", "Set a timer for 10 minutes.", false],
    ["At a time of 14 minutes.", "Set the lamp to 10%.", true],
    ["Set the lamp to 20%.", "Set the lamp to 25%.", true],
    // "for five" sounds as "forty-five": the free pass heard the "for" the guess's 45 drops.
    ["Hey Jarvis, thank you for five minutes.", "Hey Jarvis, set, timer 45 minutes.", true],
    ["Hey Jarvis, time for five minutes.", "Set a timer for five minutes.", false],
    ["Hey Jarvis, timer 45 minutes.", "Hey Jarvis, timer for five minutes.", false],
    ["Shut up time of 45 minutes.", "Set the timer for 5 minutes.", false],
    // "for 45" heard: the "for" is its own word, and 45 the number.
    ["Set a timer for 45 minutes.", "Set a timer for five minutes.", true],
    ["Hey Jarvis, timer 45 minutes.", "Hey Jarvis, timer for six minutes.", true],
  ];
  for (const [free, guess, changed] of rows) {
    it(`${JSON.stringify(free)} -> ${JSON.stringify(guess)}: ${changed}`, () =>
      expect(changesNumber(free, guess)).toBe(changed));
  }
});

describe("numberInWords", () => {
  const rows: Array<[number, string, string]> = [
    [0, " ", "zero"],
    [7, " ", "seven"],
    [13, " ", "thirteen"],
    [40, "-", "forty"],
    [75, " ", "seventy five"],
    [75, "-", "seventy-five"],
    [100, " ", "one hundred"],
  ];
  for (const [value, joiner, words] of rows) {
    it(`${value} (${JSON.stringify(joiner)}) -> ${words}`, () =>
      expect(numberInWords(value, joiner)).toBe(words));
  }
});

describe("numberAlternatives", () => {
  // [text, how many, some that must be there, some that must not]
  const rows: Array<[string, number, string[], string[]]> = [
    [
      "Set the kitchen light to 75%.",
      100,
      ["Set the kitchen light to 25%.", "Set the kitchen light to 0%.", "Set the kitchen light to 100%."],
      ["Set the kitchen light to 75%."],
    ],
    [
      "set the kitchen light to seventy-five percent",
      100,
      [
        "set the kitchen light to twenty-five percent",
        "set the kitchen light to seventy percent",
        "set the kitchen light to five percent",
        "set the kitchen light to one hundred percent",
      ],
      ["set the kitchen light to seventy five percent"],
    ],
    // A capital stays a capital; words stay words.
    ["Seventy five percent.", 100, ["Twenty five percent.", "Fifteen percent."], ["25 percent."]],
    // Decimals kept: the integer part is the value.
    ["Set the thermostat to 21.5 degrees.", 100, ["Set the thermostat to 20.5 degrees."], []],
    // "a hundred" is one hundred: not its own alternative.
    [
      "set the lamp to a hundred percent",
      100,
      ["set the lamp to ninety nine percent"],
      ["set the lamp to one hundred percent"],
    ],
    // "seventeen" is not "seven" followed by "teen".
    [
      "set a timer for seventeen minutes",
      100,
      ["set a timer for seven minutes", "set a timer for seventy minutes"],
      [],
    ],
    // Each number on its own.
    [
      "set a timer for 2 hours and 5 minutes",
      200,
      ["set a timer for 3 hours and 5 minutes", "set a timer for 2 hours and 6 minutes"],
      [],
    ],
    // No slot's value, or no number.
    ["set the lamp to 150", 0, [], []],
    ["turn on the kitchen light", 0, [], []],
    ["what's the weather like", 0, [], []],
  ];
  for (const [text, count, present, absent] of rows) {
    it(`${text}: ${count} alternatives`, () => {
      const out = numberAlternatives(text);
      expect(out).toHaveLength(count);
      expect(new Set(out).size).toBe(out.length);
      for (const alt of present) expect(out).toContain(alt);
      for (const alt of absent) expect(out).not.toContain(alt);
      expect(out).not.toContain(text);
    });
  }

  it("every alternative of a word number is the sentence with other words in its place", () => {
    for (const alt of numberAlternatives("set a timer for seventeen minutes")) {
      expect(alt).toMatch(/^set a timer for [a-z ]+ minutes$/);
    }
  });

  it("one choice per number, with a neighbouring value to ask the templates about", () => {
    const choices = numberChoices("set a timer for 2 hours and 5 minutes");
    expect(choices.map((c) => c.probe)).toEqual([
      "set a timer for 3 hours and 5 minutes",
      "set a timer for 2 hours and 6 minutes",
    ]);
    expect(numberChoices("Set the lamp to One hundred percent.")[0]?.probe).toBe(
      "Set the lamp to Ninety nine percent.",
    );
    expect(numberChoices("set it to seventy-five")[0]?.probe).toBe("set it to seventy-six");
  });
});

describe("teenInWords", () => {
  it("spells a teen in digits and its ten, keeping the unit", () => {
    expect(teenInWords("Set the bedroom light to 14%.")).toEqual({
      own: "Set the bedroom light to fourteen percent.",
      partner: "Set the bedroom light to forty percent.",
      partnerDigits: "Set the bedroom light to 40%.",
    });
    expect(teenInWords("Set the thermostat to 18 degrees.")).toEqual({
      own: "Set the thermostat to eighteen degrees.",
      partner: "Set the thermostat to eighty degrees.",
      partnerDigits: "Set the thermostat to 80 degrees.",
    });
    expect(teenInWords("Start a timer for 13 seconds")?.partner).toBe("Start a timer for thirty seconds");
  });

  it("leaves other numbers, decimals and numbers in words alone", () => {
    for (const text of [
      "Set the lamp to 40%.",
      "Set the lamp to 114%.",
      "Set the thermostat to 18.5 degrees.",
      "Set the thermostat to 21.15 degrees.",
      "Set the lamp to fourteen percent.",
      "Turn on the kitchen light.",
    ]) {
      expect(teenInWords(text), text).toBeNull();
    }
  });
});
