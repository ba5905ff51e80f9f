import { describe, expect, it } from "vitest";
import { sentenceSpace } from "../../../src/intent/create.js";
import { askedAbout, askedState, leadingWords } from "../../../src/intent/sentence-space/questions.js";
import { homeConfig, homeRegistry } from "./home.js";

describe("the question about a switched device (questions.ts)", () => {
  it("asks for the state the command switches to, only where that state is on or off", () => {
    expect(askedState("HassTurnOn", ["light"])).toBe("on");
    expect(askedState("HassTurnOff", ["fan", "switch"])).toBe("off");
    expect(askedState("HassTurnOn", ["lock"])).toBeNull();
    expect(askedState("HassTurnOff", ["light", "cover"])).toBeNull();
    expect(askedState("HassLightSet", ["light"])).toBeNull();
    expect(askedState("HassTurnOn", [])).toBeNull();
  });

  it("keeps the wake phrase as written, with what follows it", () => {
    expect(leadingWords("Hey Jarvis, kitchen light, on.", 2)).toBe("Hey Jarvis, ");
    expect(leadingWords("Here Jarvis kitchen light on", 2)).toBe("Here Jarvis ");
    expect(leadingWords("kitchen light on", 0)).toBe("");
    expect(leadingWords("Hey Jarvis", 2)).toBe("Hey Jarvis");
  });

  it("writes the question as Whisper does after it", () => {
    expect(askedAbout("Hey Jarvis, ", ["kitchen", "light", "on"])).toBe(
      "Hey Jarvis, is the kitchen light on?",
    );
    expect(askedAbout("", ["the", "bedroom", "fan", "off"])).toBe("Is the bedroom fan off?");
    expect(askedAbout("Hey Jarvis. ", ["hall", "light", "on"])).toBe("Hey Jarvis. Is the hall light on?");
    expect(askedAbout("", ["the", "lights", "in", "the", "kitchen", "off"])).toBe(
      "Are the lights in the kitchen off?",
    );
  });
});

describe("SentenceSpace.questions", () => {
  const space = sentenceSpace(homeConfig(), homeRegistry()).get();

  it("asks about the named device in the state the command switches it to", () => {
    expect(space.questions("Hey Jarvis, kitchen light, on.")).toEqual([
      "Hey Jarvis, is the kitchen light on?",
    ]);
    expect(space.questions("Bedroom fan, off.")).toEqual(["Is the bedroom fan off?"]);
    expect(space.questions("Here Jarvis, the hall light on.")).toEqual([
      "Here Jarvis, is the hall light on?",
    ]);
  });

  it("asks about devices picked by area or kind, and as Whisper writes a plural", () => {
    expect(space.questions("Hey Jarvis, kitchen lights on.")).toEqual([
      "Hey Jarvis, are the kitchen lights on?",
    ]);
    expect(space.questions("The lights in the kitchen, off.")).toEqual([
      "Are the lights in the kitchen off?",
    ]);
    expect(space.questions("Lights on.")).toEqual(["Are the lights on?"]);
  });

  it("has none for a command with a verb or words after its state, a lock, a question or no command", () => {
    expect(space.questions("Turn off the bedroom fan.")).toEqual([]);
    expect(space.questions("Turn the lights off.")).toEqual([]);
    expect(space.questions("Kitchen light on, please.")).toEqual([]);
    expect(space.questions("Lock the front door.")).toEqual([]);
    expect(space.questions("Is the kitchen light on?")).toEqual([]);
    expect(space.questions("Set the kitchen light to 40 percent.")).toEqual([]);
    expect(space.questions("Turn on the garden hose.")).toEqual([]);
  });
});
