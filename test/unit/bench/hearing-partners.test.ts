import { describe, expect, it } from "vitest";
import { confusableAlternatives } from "../../../bench/hearing-partners.js";

describe("confusableAlternatives", () => {
  const rows: Array<[string, string[]]> = [
    ["Set the living room lamp to 15%.", ["Set the living room lamp to 50%."]],
    ["Set the living room lamp to 50 percent.", ["Set the living room lamp to 15 percent."]],
    ["set a timer for fifteen minutes", ["set a timer for fifty minutes"]],
    ["Set a timer for Thirty seconds.", ["Set a timer for Thirteen seconds."]],
    ["set the thermostat to 19 degrees", ["set the thermostat to 90 degrees"]],
    // One alternative per confusable number.
    ["from 14 to 40", ["from 40 to 40", "from 14 to 14"]],
    // Part of a larger number, or not confusable: nothing.
    ["set the lamp to forty five percent", []],
    ["set the lamp to forty-five percent", []],
    ["set the lamp to 45%", []],
    ["set the lamp to 150", []],
    ["set the thermostat to 21 degrees", []],
    ["set a timer for 10 minutes", []],
    ["turn on the kitchen light", []],
  ];
  for (const [text, expected] of rows) {
    it(`${text} -> ${JSON.stringify(expected)}`, () => {
      expect(confusableAlternatives(text)).toEqual(expected);
    });
  }
});
