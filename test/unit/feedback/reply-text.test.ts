import { describe, expect, it } from "vitest";
import {
  askedPhrase,
  type DeviceInfo,
  replyForIntent,
  replyForOutcome,
  replyForRejection,
} from "../../../src/feedback/reply-text.js";

const DEVICES: Record<string, DeviceInfo> = {
  kitchen_light: { name: "kitchen light", domain: "light" },
  hall_light: { name: "hall light", domain: "light" },
  porch_light: { name: "porch light", domain: "light" },
  front_door: { name: "front door", domain: "lock" },
  garage_door: { name: "garage door", domain: "cover" },
  thermostat: { name: "living room thermostat", domain: "climate" },
  movie_scene: { name: "movie time", domain: "scene" },
};
const lookup = (id: string) => DEVICES[id];
const say = (intent: string, targets: string[], slots: Record<string, unknown> = {}) =>
  replyForIntent({ intent, targets, slots }, lookup);

describe("replyForIntent", () => {
  it.each([
    ["HassTurnOn", ["kitchen_light"], {}, "kitchen light on"],
    ["HassTurnOff", ["kitchen_light"], {}, "kitchen light off"],
    ["HassTurnOff", ["kitchen_light", "hall_light"], {}, "kitchen light and hall light off"],
    [
      "HassTurnOn",
      ["kitchen_light", "hall_light", "porch_light"],
      {},
      "kitchen light, hall light and porch light on",
    ],
    ["HassTurnOn", ["kitchen_light", "hall_light", "porch_light", "front_door"], {}, "4 devices on"],
    ["HassTurnOn", ["front_door"], {}, "front door locked"],
    ["HassTurnOff", ["front_door"], {}, "front door unlocked"],
    ["HassTurnOn", ["garage_door"], {}, "opening garage door"],
    ["HassTurnOff", ["garage_door"], {}, "closing garage door"],
    ["HassTurnOn", ["movie_scene"], {}, "movie time activated"],
    ["HassTurnOn", ["unknown_fan"], {}, "unknown fan on"],
    ["HassLightSet", ["kitchen_light"], { brightness: 40 }, "kitchen light at 40 percent"],
    ["HassLightSet", ["kitchen_light"], { color: "red" }, "kitchen light red"],
    [
      "HassLightSet",
      ["kitchen_light"],
      { color: "blue", brightness: "70" },
      "kitchen light blue at 70 percent",
    ],
    [
      "HassClimateSetTemperature",
      ["thermostat"],
      { temperature: 21 },
      "living room thermostat set to 21 degrees",
    ],
    ["HassClimateSetTemperature", [], { temperature: 19.5 }, "thermostat set to 19.5 degrees"],
    ["HassStartTimer", [], { minutes: 5 }, "timer request sent: 5 minutes"],
    ["HassStartTimer", [], { hours: 1, minutes: 30 }, "timer request sent: 1 hour and 30 minutes"],
    ["HassStartTimer", [], { minutes: 1, seconds: 10 }, "timer request sent: 1 minute and 10 seconds"],
    ["HassCancelTimer", [], {}, "timer cancel request sent"],
    // "The lights" with no name and no room: the reply says the whole house was switched.
    [
      "HassTurnOff",
      ["kitchen_light", "hall_light"],
      { domain: "light" },
      "kitchen light and hall light off, in the whole house",
    ],
    [
      "HassLightSet",
      ["kitchen_light"],
      { domain: "light", brightness: 30 },
      "kitchen light at 30 percent, in the whole house",
    ],
    // ... and not when the board's area (or a spoken one) picked them.
    ["HassTurnOn", ["kitchen_light"], { domain: "light", area: "kitchen" }, "kitchen light on"],
  ])("%s %j %j -> %s", (intent, targets, slots, expected) => {
    expect(say(intent, targets, slots)).toBe(expected);
  });

  it("says nothing where there is nothing true to say", () => {
    expect(say("HassGetState", ["kitchen_light"])).toBeNull();
    expect(say("HassNevermind", [])).toBeNull();
    expect(say("HassTurnOn", [])).toBeNull();
    expect(say("HassLightSet", ["kitchen_light"])).toBeNull();
    expect(say("HassClimateSetTemperature", ["thermostat"])).toBeNull();
  });
});

describe("replyForRejection", () => {
  it("asks for a yes naming the action and the device", () => {
    const unlock = { intent: "HassTurnOff", targets: ["front_door"] };
    expect(replyForRejection("needs-confirmation", unlock, lookup)).toBe("say yes to unlock the front door");
    const open = { intent: "HassTurnOn", targets: ["garage_door"] };
    expect(replyForRejection("needs-confirmation", open, lookup)).toBe("say yes to open the garage door");
    expect(replyForRejection("needs-confirmation", undefined, lookup)).toBe("say yes to confirm");
  });

  it("says a guess back in plain words: lower case, no punctuation, no lead-in", () => {
    const off = { intent: "HassTurnOff", targets: ["kitchen_light"] };
    expect(replyForRejection("needs-confirmation", off, lookup, "And, turn off the kitchen light.")).toBe(
      "did you mean turn off the kitchen light? say yes",
    );
    expect(askedPhrase("Set the bedroom light to 40%.")).toBe("set the bedroom light to 40%");
    expect(askedPhrase("So, now, the coffee maker's on?")).toBe("the coffee maker's on");
    expect(askedPhrase("Okay.")).toBe("okay");
    // No words left to say back: the action by its device's name.
    expect(replyForRejection("needs-confirmation", off, lookup, "...")).toBe(
      "say yes to turn off the kitchen light",
    );
  });

  it("apologizes when not understood or not allowed", () => {
    expect(replyForRejection("not-recognized", undefined, lookup)).toBe("sorry, I didn't get that");
    expect(replyForRejection("not-allowed", { intent: "HassTurnOff", targets: ["front_door"] }, lookup)).toBe(
      "sorry, I'm not allowed to do that",
    );
    expect(replyForRejection("cancelled", undefined, lookup)).toBe("okay, cancelled");
    expect(replyForRejection("confirmation-expired", undefined, lookup)).toBe("no answer, so I did nothing");
  });
});

describe("replyForOutcome", () => {
  it("reports failures and keeps quiet otherwise", () => {
    expect(replyForOutcome("error")).toBe("sorry, something went wrong");
    expect(replyForOutcome("timeout")).toBe("sorry, something went wrong");
    expect(replyForOutcome("dropped")).toBe("sorry, I couldn't send that");
    expect(replyForOutcome("recognized")).toBeNull();
    expect(replyForOutcome("no-speech")).toBeNull();
    expect(replyForOutcome("aborted")).toBeNull();
  });
});
