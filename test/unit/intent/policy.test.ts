import { describe, expect, it } from "vitest";
import { INTENT_NAMES } from "../../../src/config/sections/intent.js";
import { parseAnswer } from "../../../src/intent/llm/answer.js";
import { checkIntent } from "../../../src/intent/policy.js";
import type { RecognizedIntent } from "../../../src/intent/types.js";
import { homeConfig, homeRegistry } from "./home.js";

const registry = homeRegistry();
const options = { allowedIntents: [...INTENT_NAMES], confirmSensitive: true, allowSensitiveFromText: false };
const spoken = { origin: "voice", confirmed: false } as const;
const intent = (i: string, targets: string[], slots: Record<string, unknown> = {}): RecognizedIntent => ({
  intent: i,
  targets,
  slots,
  source: "llm",
  confidence: 0.5,
});

describe("checkIntent", () => {
  it.each([
    ["unknown entity", intent("HassTurnOn", ["home/kitchen_light/set"]), "not-allowed"],
    ["wrong domain", intent("HassLightSet", ["front_door"], { brightness: 10 }), "not-allowed"],
    ["timer with targets", intent("HassStartTimer", ["kitchen_light"], { minutes: 1 }), "not-allowed"],
    ["unknown intent", intent("HassSelfDestruct", []), "not-recognized"],
    ["no targets", intent("HassTurnOn", []), "not-recognized"],
    ["repeated target", intent("HassTurnOn", ["kitchen_light", "kitchen_light"]), "not-recognized"],
    [
      "brightness overflow",
      intent("HassLightSet", ["kitchen_light"], { brightness: Number.POSITIVE_INFINITY }),
      "not-recognized",
    ],
    ["brightness 101", intent("HassLightSet", ["kitchen_light"], { brightness: 101 }), "not-recognized"],
    [
      "brightness fraction",
      intent("HassLightSet", ["kitchen_light"], { brightness: 40.5 }),
      "not-recognized",
    ],
    ["brightness text", intent("HassLightSet", ["kitchen_light"], { brightness: "40" }), "not-recognized"],
    ["nothing to set", intent("HassLightSet", ["kitchen_light"]), "not-recognized"],
    [
      "temperature 1e9",
      intent("HassClimateSetTemperature", ["living_room_thermostat"], { temperature: 1e9 }),
      "not-recognized",
    ],
    // No room is set to 2 degrees in either unit: whisper-tiny's "2" for *twenty two*.
    [
      "temperature 2",
      intent("HassClimateSetTemperature", ["living_room_thermostat"], { temperature: 2 }),
      "not-recognized",
    ],
    [
      "temperature 38",
      intent("HassClimateSetTemperature", ["living_room_thermostat"], { temperature: 38 }),
      "not-recognized",
    ],
    ["zero timer", intent("HassStartTimer", [], { minutes: 0 }), "not-recognized"],
    ["object slot", intent("HassTurnOn", ["kitchen_light"], { name: { toString: "x" } }), "not-recognized"],
  ])("%s is rejected", (_what, i, reason) => {
    expect(checkIntent(i, registry, options, spoken)).toMatchObject({ kind: "reject", reason });
  });

  it("accepts a valid intent", () => {
    expect(
      checkIntent(intent("HassLightSet", ["kitchen_light"], { brightness: 40 }), registry, options, spoken),
    ).toMatchObject({
      kind: "execute",
    });
  });

  it("sets a thermostat to a room temperature in °C or °F, or within its own range", () => {
    const set = (temperature: number, reg = registry) =>
      checkIntent(
        intent("HassClimateSetTemperature", ["living_room_thermostat"], { temperature }),
        reg,
        options,
        spoken,
      ).kind;
    expect([5, 21.5, 35, 40, 70, 95].map((t) => set(t))).toEqual(Array(6).fill("execute"));
    const config = homeConfig();
    const thermostat = config.devices.find((d) => d.id === "living_room_thermostat");
    if (thermostat) Object.assign(thermostat, { min_temp: 16, max_temp: 26 });
    const ranged = homeRegistry(config);
    expect([15, 16, 26, 27, 70].map((t) => set(t, ranged))).toEqual([
      "reject",
      "execute",
      "execute",
      "reject",
      "reject",
    ]);
    const verdict = checkIntent(
      intent("HassClimateSetTemperature", ["living_room_thermostat"], { temperature: 27 }),
      ranged,
      options,
      spoken,
    );
    expect(verdict).toMatchObject({ why: "temperature 27 outside the thermostat's range (16 to 26)" });
  });

  it("asks about every sensitive target of a group", () => {
    const verdict = checkIntent(
      intent("HassTurnOff", ["back_door", "front_door"]),
      registry,
      options,
      spoken,
    );
    expect(verdict).toMatchObject({
      kind: "confirm",
      prompt: "say yes to unlock the back door and the front door",
    });
  });
});

describe("parseAnswer (the LLM's output, validated again)", () => {
  const allowed = {
    intents: new Set<string>(INTENT_NAMES),
    entityIds: new Set(registry.all().map((d) => d.id)),
    domainOf: (id: string) => registry.get(id)?.domain,
  };
  it.each([
    ["not JSON", "turn on the kitchen light"],
    ["truncated", '{"action":"turn_on","targets":["kitchen_li'],
    ["extra key", '{"action":"turn_on","targets":["kitchen_light"],"topic":"home/#"}'],
    ["exponent overflow", '{"action":"set_brightness","targets":["kitchen_light"],"brightness":967E7407760}'],
    ["unknown entity", '{"action":"turn_on","targets":["home/+/set"]}'],
    ["unknown action", '{"action":"shell_exec","targets":["kitchen_light"]}'],
    ["a Hass name instead of an action", '{"action":"HassTurnOn","targets":["kitchen_light"]}'],
    ["unlock on a light", '{"action":"unlock","targets":["kitchen_light"]}'],
    ["array", "[]"],
    ["nested", '{"action":{"x":1}}'],
    ["string number", '{"action":"set_brightness","targets":["kitchen_light"],"brightness":"40"}'],
  ])("%s is invalid", (_what, text) => {
    expect(parseAnswer(text, allowed).kind).toBe("invalid");
  });

  it("unknown is a refusal", () => {
    expect(parseAnswer('{"action":"unknown"}', allowed)).toEqual({ kind: "unknown" });
  });

  it("a good answer becomes an llm intent with deduplicated targets and spoken timer units", () => {
    expect(
      parseAnswer('{"action":"turn_on","targets":["kitchen_light","kitchen_light"]}', allowed),
    ).toMatchObject({
      kind: "intent",
      intent: { intent: "HassTurnOn", targets: ["kitchen_light"], source: "llm" },
    });
    expect(parseAnswer('{"action":"unlock","targets":["front_door"]}', allowed)).toMatchObject({
      intent: { intent: "HassTurnOff", targets: ["front_door"] },
    });
    expect(parseAnswer('{"action":"start_timer","hours":0,"minutes":5,"seconds":0}', allowed)).toMatchObject({
      intent: { slots: { minutes: 5 } },
    });
  });
});

describe("sensitivity follows the topic, not the name (issue 13 item 3)", () => {
  it("refuses a learned device on a configured device's command topic, whatever it claims to be", () => {
    const home = homeRegistry();
    home.upsert(
      {
        ...(home.get("kitchen_light") as NonNullable<ReturnType<typeof home.get>>),
        id: "porch_light",
        name: "porch light",
        domain: "switch",
        command_topic: "home/front_door/set",
      },
      "discovery",
    );
    expect(checkIntent(intent("HassTurnOn", ["porch_light"]), home, options, spoken)).toMatchObject({
      kind: "reject",
      reason: "not-allowed",
      why: "porch_light uses a command topic of front_door",
    });
  });

  it("refuses sensitive actions from text with voice-only, and allows them with allowSensitiveFromText", () => {
    const typed = { origin: "text", confirmed: false } as const;
    expect(checkIntent(intent("HassTurnOff", ["front_door"]), registry, options, typed)).toMatchObject({
      kind: "reject",
      reason: "voice-only",
    });
    const allowed = { ...options, allowSensitiveFromText: true };
    expect(checkIntent(intent("HassTurnOff", ["front_door"]), registry, allowed, typed)).toMatchObject({
      kind: "confirm",
    });
    expect(checkIntent(intent("HassTurnOn", ["front_door"]), registry, options, typed)).toMatchObject({
      kind: "execute",
    });
  });
});
