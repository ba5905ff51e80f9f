import { describe, expect, it } from "vitest";
import { createIntentHandler } from "../../../src/intent/create.js";
import type { IntentContext } from "../../../src/intent/types.js";
import { StateSkill, stateAnswer } from "../../../src/skills/state.js";
import { DeviceStateStore } from "../../../src/skills/state-store.js";
import { silentLogger } from "../../../src/util/logger.js";
import { homeConfig, homeRegistry } from "../intent/home.js";

const config = homeConfig({
  area: "living room",
  devices: [
    ...homeConfig().devices,
    {
      id: "living_room_temperature",
      name: "living room sensor",
      area: "living_room",
      domain: "sensor",
      device_class: "temperature",
      command_topic: "home/living_room_temperature/unused",
    },
    {
      id: "kitchen_humidity",
      name: "kitchen humidity",
      area: "kitchen",
      domain: "sensor",
      command_topic: "x/y",
    },
  ],
});
const registry = homeRegistry(config);
const handler = await createIntentHandler(config, registry, silentLogger());
const context = (runId: string): IntentContext => ({
  runId,
  site: runId,
  area: config.area,
  origin: "voice",
  nowSeconds: 0,
  wallSeconds: 0,
});

/** What the board answers to `text` given these states (recognized by the real templates). */
async function ask(text: string, states: Record<string, string | number | boolean>): Promise<string | null> {
  const store = new DeviceStateStore();
  for (const [id, value] of Object.entries(states)) store.set(id, value, 0);
  const skill = new StateSkill({ device: (id) => registry.get(id), states: store });
  const decision = await handler.handle(text, context(text));
  if (decision.kind !== "execute") throw new Error(`${text}: ${decision.kind} ${decision.reason}`);
  expect(skill.handles(decision.intent)).toBe(true);
  const answer = await skill.perform(decision.intent, { runId: "r", site: "s", area: config.area });
  return answer.speech;
}

describe("state answers (HassGetState)", () => {
  it("says a lock's, a light's and a cover's state", async () => {
    expect(await ask("is the front door locked", { front_door: "LOCKED" })).toBe("the front door is locked");
    expect(await ask("is the front door locked", { front_door: "UNLOCKED" })).toBe(
      "the front door is unlocked",
    );
    expect(await ask("is the kitchen light on", { kitchen_light: "OFF" })).toBe("the kitchen light is off");
    expect(await ask("is the garage door open", { garage_door: 0 })).toBe("the garage door is closed");
    expect(await ask("is the garage door open", { garage_door: "opening" })).toBe(
      "the garage door is opening",
    );
  });

  it("says so when it does not know, and never guesses", async () => {
    expect(await ask("is the front door locked", {})).toBe("I don't know whether the front door is locked");
    // A value that means nothing for a lock is not a state.
    expect(await ask("is the front door locked", { front_door: 42 })).toBe(
      "I don't know whether the front door is locked",
    );
    expect(await ask("what's the status of the back door", {})).toBe(
      "I don't know the state of the back door",
    );
  });

  it("groups several devices by state", async () => {
    expect(
      await ask("are the lights in the bedroom off", { bedroom_ceiling: "OFF", bedroom_light: "OFF" }),
    ).toBe("the ceiling light and the bedside lamp are off");
    expect(await ask("are the lights in the bedroom off", { bedroom_ceiling: "ON" })).toBe(
      "the ceiling light is on, and I don't know whether the bedside lamp is off",
    );
  });

  it("answers the temperature from a sensor or a thermostat, in the room said or the board's", async () => {
    expect(await ask("what is the temperature in the living room", { living_room_temperature: 21.5 })).toBe(
      "it's 21.5 degrees in the living room",
    );
    expect(
      await ask("what's the temperature", { living_room_thermostat: 20, living_room_temperature: 21 }),
    ).toBe("it's 21 degrees in the living room");
    expect(await ask("how warm is it in the bedroom", { bedroom_thermostat: 19 })).toBe(
      "it's 19 degrees in the bedroom",
    );
    expect(await ask("what is the temperature in the bedroom", {})).toBe(
      "I don't know the temperature in the bedroom",
    );
    expect(await ask("what is the temperature in the kitchen", { kitchen_humidity: 55 })).toBe(
      "I don't know the temperature in the kitchen",
    );
    expect(await ask("what is the outside temperature", { outdoor_temperature: 4 })).toBe(
      "the outside temperature is 4 degrees",
    );
  });

  it("reads names people write with a plural", () => {
    const spots = registry.get("kitchen_spots");
    if (!spots) throw new Error("sample home changed");
    const store = new DeviceStateStore();
    store.set("kitchen_spots", "ON", 0);
    expect(stateAnswer({}, [spots], store, null)).toBe("the kitchen spotlights are on");
  });
});

describe("DeviceStateStore", () => {
  it("keeps at most its size of devices", () => {
    const store = new DeviceStateStore(2);
    expect(store.set("a", "ON", 1)).toBe(true);
    expect(store.set("b", "ON", 1)).toBe(true);
    expect(store.set("c", "ON", 1)).toBe(false);
    expect(store.set("a", "OFF", 2)).toBe(true);
    expect(store.get("a")).toEqual({ value: "OFF", at: 2 });
    store.delete("a");
    expect(store.get("a")).toBeUndefined();
    expect(store.size).toBe(1);
  });
});
