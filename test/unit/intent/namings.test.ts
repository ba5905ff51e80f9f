import { describe, expect, it } from "vitest";
import { namedForms, namingWords } from "../../../src/intent/sentence-space/namings.js";

describe("namingWords", () => {
  it("takes the kinds from names' last words and the modifiers from their other words and the areas", () => {
    const { kinds, modifiers } = namingWords(
      ["kitchen light", "cooker light", "living room lamp", "thermostat", "front door"],
      ["kitchen", "living room", "hall"],
    );
    expect([...kinds].sort()).toEqual(["door", "doors", "lamp", "lamps", "light", "lights"]);
    expect(modifiers).toEqual(["kitchen", "cooker", "living room", "front", "hall"]);
  });
});

describe("namedForms", () => {
  const { kinds, modifiers } = namingWords(["bedroom light", "floor lamp"], ["kitchen"]);

  it("puts each modifier before the text's last word of a kind, the rest as written", () => {
    expect(namedForms("Hey Jarvis, turn off the light.", kinds, modifiers)).toEqual([
      "Hey Jarvis, turn off the bedroom light.",
      "Hey Jarvis, turn off the floor light.",
      "Hey Jarvis, turn off the kitchen light.",
    ]);
    expect(namedForms("Turn off all the Lights, please", kinds, ["bedroom"])).toEqual([
      "Turn off all the bedroom Lights, please",
    ]);
    expect(namedForms("Set the lamp to 40%.", kinds, ["floor"])).toEqual(["Set the floor lamp to 40%."]);
  });

  it("is nothing without a word of a kind, or for a word that only contains one", () => {
    expect(namedForms("Cancel the timer.", kinds, modifiers)).toEqual([]);
    expect(namedForms("Turn on the lightning.", kinds, modifiers)).toEqual([]);
  });
});
