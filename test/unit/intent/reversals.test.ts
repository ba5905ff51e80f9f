import { describe, expect, it } from "vitest";
import { sentenceSpace } from "../../../src/intent/create.js";
import { reversedForms, swappedStates } from "../../../src/intent/sentence-space/reversals.js";
import { homeConfig, homeRegistry } from "./home.js";

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

describe("swappedStates and SentenceSpace.stateFlips: an on or off the other way", () => {
  it("swaps each state word in turn, keeping its capital and the text around it", () => {
    expect(swappedStates("Hey Jarvis, turn off the fan in the bedroom.")).toEqual([
      "Hey Jarvis, turn on the fan in the bedroom.",
    ]);
    expect(swappedStates("Turn the floor lamp On.")).toEqual(["Turn the floor lamp Off."]);
    expect(swappedStates("turn on the light and turn off the fan")).toEqual([
      "turn off the light and turn off the fan",
      "turn on the light and turn on the fan",
    ]);
    expect(swappedStates("Turn the bonfire online.")).toEqual([]);
  });

  const space = sentenceSpace(homeConfig(), homeRegistry()).get();
  it("keeps only another command the templates read, and none for a question", () => {
    expect(space.stateFlips("Hey Jarvis, turn off the hall light.")).toEqual([
      "Hey Jarvis, turn on the hall light.",
    ]);
    expect(space.stateFlips("Is the hall light on?")).toEqual([]);
    expect(space.stateFlips("Hey Jarvis, set the hall light to 40 percent.")).toEqual([]);
    expect(space.stateFlips("Turn off the garden hose.")).toEqual([]);
  });
});
