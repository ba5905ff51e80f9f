import { describe, expect, it } from "vitest";
import { midPauseSplit } from "../../../scripts/hearing-utterances.js";

describe("midPauseSplit: where a person pauses inside a command (bench/hearing.ts --mid-pause)", () => {
  it.each([
    ["set the bedroom light to forty percent", ["set the bedroom light to", "forty percent"]],
    ["set a timer for 10 minutes", ["set a timer for", "10 minutes"]],
    ["turn on the kitchen light", ["turn on the", "kitchen light"]],
    ["put the bedroom light on", ["put the bedroom", "light on"]],
  ])("%j", (text, expected) => {
    expect(midPauseSplit(text)).toEqual(expected);
  });

  it("leaves short commands whole", () => {
    expect(midPauseSplit("lock the door")).toBeNull();
    expect(midPauseSplit("what time")).toBeNull();
  });
});
