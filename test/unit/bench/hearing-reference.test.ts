import { describe, expect, it } from "vitest";
import { referenceConstraint, referenceForms, withDigits } from "../../../bench/hearing-reference.js";

/** Walks a text (spelled as the guided decoder spells a token) through the constraint. */
function accepts(forms: string[], pieces: string[]): boolean {
  const c = referenceConstraint(forms);
  let state: ReturnType<typeof c.step> = c.start;
  for (const piece of pieces) {
    const spelled = c.spell(piece);
    if (spelled === null) continue;
    for (const char of spelled) {
      if (state === null) return false;
      state = c.step(state, char);
    }
  }
  return state !== null && c.isComplete(state);
}

describe("the said sentence as a constraint (bench/hearing-diagnose)", () => {
  it("writes numbers in digits as Whisper does", () => {
    expect(withDigits("set the lamp to seventy five percent".split(" "))).toEqual(
      "set the lamp to 75 percent".split(" "),
    );
    expect(withDigits(["one", "hundred", "percent"])).toEqual(["100", "percent"]);
    expect(withDigits(["twenty", "one", "degrees"])).toEqual(["21", "degrees"]);
  });

  it("accepts the sentence in any casing and punctuation, with or without the wake phrase", () => {
    const forms = referenceForms("set the thermostat to twenty one degrees");
    expect(
      accepts(forms, ["Hey", " Jarvis", ",", " set", " the", " thermostat", " to", " 21", " degrees", "."]),
    ).toBe(true);
    expect(accepts(forms, [" Set", " the", " thermostat", " to", " twenty", "-one", " degrees"])).toBe(true);
    expect(accepts(forms, [" Set", " the", " thermostat", " to", " 20", " degrees"])).toBe(false);
    expect(accepts(forms, [" Set", " the", " thermostat", " to", " 21°C"])).toBe(true);
  });

  it("refuses other words, words run together, and a sentence cut short", () => {
    const forms = referenceForms("unlock the front door");
    expect(accepts(forms, [" lock", " the", " front", " door"])).toBe(false);
    expect(accepts(forms, [" unlock", "the", " front", " door"])).toBe(false);
    expect(accepts(forms, [" unlock", " the", " front"])).toBe(false);
    expect(accepts(forms, [" Un", "lock", " the", " front", " door", "."])).toBe(true);
  });
});
