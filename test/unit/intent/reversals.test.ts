import { describe, expect, it } from "vitest";
import { reversedForms } from "../../../src/intent/sentence-space/reversals.js";

describe("reversedForms", () => {
  it("adds the syllable, keeping the word's capital and the text around it", () => {
    expect(reversedForms("Lock the front door.")).toEqual(["Unlock the front door."]);
    expect(reversedForms("please arm the alarm")).toEqual(["please disarm the alarm"]);
  });

  it("also reads a short word before as the syllable misheard", () => {
    expect(reversedForms("And lock the front door.")).toEqual([
      "And unlock the front door.",
      "Unlock the front door.",
    ]);
    expect(reversedForms("I'm lock the front door.")).toContain("Unlock the front door.");
    expect(reversedForms("Hey Jarvis, lock the front door")).toEqual(["Hey Jarvis, unlock the front door"]);
  });

  it("takes the syllable away from the reverse", () => {
    expect(reversedForms("Unlock the front door.")).toEqual(["Lock the front door."]);
    expect(reversedForms("Disarm, the alarm")).toEqual(["Arm, the alarm"]);
  });

  it("leaves words that only hold the action alone", () => {
    expect(reversedForms("Turn on the kitchen light.")).toEqual([]);
    expect(reversedForms("I'm locked in front door.")).toEqual([]);
    expect(reversedForms("Set the clock")).toEqual([]);
  });
});
