import { describe, expect, it } from "vitest";
import { createIntentHandler } from "../../../src/intent/create.js";
import { parseAnswer } from "../../../src/intent/llm/answer.js";
import { relativeWithIt, settleRelative } from "../../../src/intent/relative.js";
import type { IntentDecision, RecognizedIntent } from "../../../src/intent/types.js";
import { silentLogger } from "../../../src/util/logger.js";
import { homeConfig, homeRegistry } from "./home.js";

const config = homeConfig();
const handler = await createIntentHandler(config, homeRegistry(config), silentLogger());
let n = 0;

async function say(text: string, previous?: RecognizedIntent): Promise<IntentDecision> {
  const base = { site: `s${n++}`, area: null, origin: "voice" as const, nowSeconds: 0, wallSeconds: 1 };
  return handler.handle(text, {
    ...base,
    runId: "r",
    ...(previous ? { previous: { runId: "p", intent: previous, wallSeconds: 0 } } : {}),
  });
}

function executed(decision: IntentDecision): RecognizedIntent {
  if (decision.kind !== "execute") throw new Error(`not executed: ${JSON.stringify(decision)}`);
  return decision.intent;
}

/** `first`, then each of `then` with the one before as the previous intent. */
async function conversation(first: string, ...then: string[]): Promise<RecognizedIntent[]> {
  const out = [executed(await say(first))];
  for (const text of then) out.push(executed(await say(text, out.at(-1))));
  return out;
}

describe("relative changes: templates", () => {
  it("a named light or thermostat gets a signed step", async () => {
    const cases: Array<[string, string, string[], Record<string, unknown>]> = [
      ["make the kitchen light brighter", "HassLightSet", ["kitchen_light"], { brightness_step: 20 }],
      ["make the kitchen light a bit dimmer", "HassLightSet", ["kitchen_light"], { brightness_step: -20 }],
      ["turn up the hall light", "HassLightSet", ["hallway_light"], { brightness_step: 20 }],
      ["dim the bedside lamp", "HassLightSet", ["bedroom_light"], { brightness_step: -20 }],
      [
        "turn the bedroom thermostat up",
        "HassClimateSetTemperature",
        ["bedroom_thermostat"],
        { temperature_step: 1 },
      ],
      [
        "make the bedroom thermostat cooler",
        "HassClimateSetTemperature",
        ["bedroom_thermostat"],
        { temperature_step: -1 },
      ],
      [
        "turn down the heating in the living room",
        "HassClimateSetTemperature",
        ["living_room_thermostat"],
        { temperature_step: -1 },
      ],
    ];
    for (const [text, intent, targets, slots] of cases)
      expect(executed(await say(text)), text).toMatchObject({ intent, targets, slots });
  });

  it("'it' or no target at all never acts alone", async () => {
    for (const text of ["make it brighter", "turn it up", "brighter", "a bit warmer", "turn it down"])
      expect(await say(text), text).toMatchObject({ kind: "reject", reason: "not-recognized" });
  });

  it("warmer is a thermostat's word, not a light's", async () => {
    expect(await say("make the kitchen light warmer")).toMatchObject({ kind: "reject" });
  });
});

describe("relative changes: follow-ups", () => {
  it("after a level, the step is made absolute (and chains)", async () => {
    const [, brighter, again, dimmer] = await conversation(
      "set the kitchen light to 40 percent",
      "make it brighter",
      "brighter",
      "a little dimmer",
    );
    expect(brighter).toMatchObject({
      intent: "HassLightSet",
      targets: ["kitchen_light"],
      slots: { brightness: 60 },
    });
    expect(brighter?.slots.brightness_step).toBeUndefined();
    expect(again?.slots.brightness).toBe(80);
    expect(dimmer?.slots.brightness).toBe(60);
  });

  it("stays within 1 to 100 percent: dimmer never switches the light off", async () => {
    const [, up, , down] = await conversation(
      "set the kitchen light to 90 percent",
      "turn it up",
      "set it to 10 percent",
      "turn it down",
    );
    expect(up?.slots.brightness).toBe(100);
    expect(down?.slots.brightness).toBe(1);
  });

  it("after a command without a level, the step stays (for MQTT to send)", async () => {
    const [, brighter] = await conversation("turn on the hall light", "brighter");
    expect(brighter).toMatchObject({ targets: ["hallway_light"], slots: { brightness_step: 20 } });
  });

  it("a thermostat: warmer and cooler in degrees, turn it up", async () => {
    const [, warmer, up, cooler] = await conversation(
      "set the bedroom thermostat to 20 degrees",
      "make it warmer",
      "turn it up",
      "cooler",
    );
    expect(warmer).toMatchObject({
      intent: "HassClimateSetTemperature",
      targets: ["bedroom_thermostat"],
      slots: { temperature: 21 },
    });
    expect(up?.slots.temperature).toBe(22);
    expect(cooler?.slots.temperature).toBe(21);
  });

  it("a thermostat in °F stays in °F's range", async () => {
    const [, warmer] = await conversation("set the bedroom thermostat to 70 degrees", "make it warmer");
    expect(warmer?.slots.temperature).toBe(71);
  });

  it("'brighter' after a lock or a switch means nothing", async () => {
    const [lock] = await conversation("lock the front door");
    expect(await say("brighter", lock)).toMatchObject({ kind: "reject", reason: "not-recognized" });
  });
});

describe("relative changes: the pure parts", () => {
  const light: RecognizedIntent = {
    intent: "HassLightSet",
    targets: ["a"],
    slots: { brightness_step: -20 },
    source: "template",
    confidence: 1,
  };
  it("settles only against the same targets' known level", () => {
    const before = { ...light, slots: { brightness: 50 } };
    expect(settleRelative(light, before).slots).toEqual({ brightness: 30 });
    expect(settleRelative(light, { ...before, targets: ["b"] }).slots).toEqual({ brightness_step: -20 });
    expect(settleRelative(light, null)).toBe(light);
    expect(settleRelative(light, { ...before, intent: "HassTurnOn", slots: {} })).toBe(light);
  });

  it("reads a relative change said alone", () => {
    expect(relativeWithIt(["a", "bit", "brighter"])).toEqual(["make", "it", "a", "bit", "brighter"]);
    expect(relativeWithIt(["down"])).toEqual(["turn", "it", "down"]);
    expect(relativeWithIt(["brighter", "down"])).toBeNull();
    expect(relativeWithIt(["pasta"])).toBeNull();
  });

  it("the LLM's brighten/warmer actions carry the step", () => {
    const allowed = {
      intents: new Set(["HassLightSet", "HassClimateSetTemperature"]),
      entityIds: new Set(["a"]),
    };
    expect(parseAnswer('{"action":"brighten","targets":["a"]}', allowed)).toMatchObject({
      kind: "intent",
      intent: { intent: "HassLightSet", slots: { brightness_step: 20 } },
    });
    expect(parseAnswer('{"action":"cooler","targets":["a"]}', allowed)).toMatchObject({
      intent: { intent: "HassClimateSetTemperature", slots: { temperature_step: -1 } },
    });
  });
});
