import { describe, expect, it } from "vitest";
import { deviceSchema } from "../../../src/config/sections/devices.js";
import type { Device } from "../../../src/intent/registry.js";
import { planDeviceCommands } from "../../../src/mqtt/device-commands.js";

function device(input: Record<string, unknown>): Device {
  return {
    ...deviceSchema.parse({ id: "d", name: "d", command_topic: "d/set", ...input }),
    source: "config",
  };
}
function plan(d: Device, intent: string, slots: Record<string, unknown> = {}, id: string | null = null) {
  return planDeviceCommands(d, { intent, targets: [d.id], slots, source: "template", confidence: 1 }, id);
}

describe("planDeviceCommands", () => {
  const jsonLight = device({ domain: "light", schema: "json", brightness_scale: 254 });
  const plainLight = device({
    domain: "light",
    schema: "default",
    brightness_command_topic: "d/bri",
    brightness_scale: 100,
    payload_on: "1",
    payload_off: "0",
  });

  it("json schema: absolute state, brightness on the entity's scale, colour, and the intent id", () => {
    expect(plan(jsonLight, "HassTurnOn", {}, "i-1")).toEqual({
      commands: [{ topic: "d/set", payload: '{"state":"ON","intent_id":"i-1"}' }],
    });
    expect(plan(jsonLight, "HassLightSet", { brightness: 40, color: "blue" })).toEqual({
      commands: [
        { topic: "d/set", payload: '{"state":"ON","brightness":102,"color":{"r":0,"g":0,"b":255}}' },
      ],
    });
    expect(plan(jsonLight, "HassLightSet", { brightness: 1 })).toMatchObject({
      commands: [{ payload: '{"state":"ON","brightness":3}' }],
    });
    expect(plan(jsonLight, "HassLightSet", { brightness: 0 })).toMatchObject({
      commands: [{ payload: '{"state":"OFF"}' }],
    });
    expect(plan(jsonLight, "HassLightSet", { brightness: 250 })).toMatchObject({
      commands: [{ payload: '{"state":"ON","brightness":254}' }],
    });
  });

  it("default schema: the entity's own payloads, brightness on its own topic before ON", () => {
    expect(plan(plainLight, "HassTurnOff", {}, "ignored")).toEqual({
      commands: [{ topic: "d/set", payload: "0" }],
    });
    expect(plan(plainLight, "HassLightSet", { brightness: "75" })).toEqual({
      commands: [
        { topic: "d/bri", payload: "75" },
        { topic: "d/set", payload: "1" },
      ],
    });
    expect(plan(plainLight, "HassLightSet", { color: "red" })).toHaveProperty("unsupported");
    expect(
      plan(device({ domain: "light", schema: "default" }), "HassLightSet", { brightness: 50 }),
    ).toHaveProperty("unsupported");
  });

  it("locks and covers: turn on/off = LOCK/UNLOCK and OPEN/CLOSE, unless the entity names its own payloads", () => {
    expect(plan(device({ domain: "lock", schema: "default" }), "HassTurnOn")).toMatchObject({
      commands: [{ payload: "LOCK" }],
    });
    expect(plan(device({ domain: "lock", schema: "default" }), "HassTurnOff")).toMatchObject({
      commands: [{ payload: "UNLOCK" }],
    });
    expect(plan(device({ domain: "cover", schema: "json" }), "HassTurnOn")).toMatchObject({
      commands: [{ payload: '{"state":"OPEN"}' }],
    });
    expect(
      plan(device({ domain: "cover", schema: "default", payload_off: "down" }), "HassTurnOff"),
    ).toMatchObject({ commands: [{ payload: "down" }] });
  });

  it("climate: target temperature on its topic, or in the json body", () => {
    const thermostat = device({ domain: "climate", schema: "default", temperature_command_topic: "d/temp" });
    expect(plan(thermostat, "HassClimateSetTemperature", { temperature: 20.5 })).toEqual({
      commands: [{ topic: "d/temp", payload: "20.5" }],
    });
    expect(
      plan(
        device({ domain: "climate", schema: "json" }),
        "HassClimateSetTemperature",
        { temperature: 19 },
        "i",
      ),
    ).toEqual({
      commands: [{ topic: "d/set", payload: '{"temperature":19,"intent_id":"i"}' }],
    });
    expect(plan(thermostat, "HassClimateSetTemperature", {})).toHaveProperty("unsupported");
  });

  it("never toggles and sends nothing for intents without a device command", () => {
    for (const intent of ["HassTurnOn", "HassTurnOff", "HassLightSet"]) {
      const result = plan(jsonLight, intent, { brightness: 50 });
      if ("commands" in result)
        for (const c of result.commands) expect(c.payload.toUpperCase()).not.toContain("TOGGLE");
    }
    expect(plan(jsonLight, "HassStartTimer", { minutes: 5 })).toHaveProperty("unsupported");
    expect(plan(device({ domain: "scene" }), "HassTurnOff")).toHaveProperty("unsupported");
  });
});

describe("planDeviceCommands: a relative step (intent/relative.ts left it unsettled)", () => {
  const jsonLight = device({ domain: "light", schema: "json", brightness_scale: 254 });
  const plainLight = device({ domain: "light", schema: "default", brightness_command_topic: "d/bri" });
  const thermostat = device({ domain: "climate", schema: "json" });
  it("a JSON light gets zigbee2mqtt's brightness_step on its own scale", () => {
    expect(plan(jsonLight, "HassLightSet", { brightness_step: 20 })).toEqual({
      commands: [{ topic: "d/set", payload: '{"brightness_step":51}' }],
    });
    expect(plan(jsonLight, "HassLightSet", { brightness_step: -20 }, "i-2")).toEqual({
      commands: [{ topic: "d/set", payload: '{"brightness_step":-51,"intent_id":"i-2"}' }],
    });
  });
  it("a default-schema light and a thermostat with no known level get nothing, and say why", () => {
    expect(plan(plainLight, "HassLightSet", { brightness_step: 20 })).toMatchObject({
      unsupported: expect.stringContaining("absolute brightness"),
    });
    expect(plan(thermostat, "HassClimateSetTemperature", { temperature_step: 1 })).toMatchObject({
      unsupported: expect.stringContaining("setpoint is not known"),
    });
  });
});
