import type { Device } from "../intent/registry.js";
import type { RecognizedIntent } from "../intent/types.js";
import { colorToRgb } from "./colors.js";

export interface DeviceCommand {
  topic: string;
  payload: string;
}

export type CommandPlan = { commands: DeviceCommand[] } | { unsupported: string };

/**
 * The MQTT messages that put one registry entity into the state an intent asks for, in the
 * entity's own schema (Home Assistant MQTT conventions). Only absolute states (ON, OFF,
 * LOCK, brightness 40 %), never toggles, so a QoS 1 duplicate changes nothing. Topics
 * come only from the registry entry. Pure.
 */
export function planDeviceCommands(
  device: Device,
  intent: RecognizedIntent,
  intentId: string | null,
): CommandPlan {
  switch (intent.intent) {
    case "HassTurnOn":
    case "HassTurnOff":
      return onOff(device, intent.intent === "HassTurnOn", intentId);
    case "HassLightSet":
      return lightSet(device, intent.slots, intentId);
    case "HassClimateSetTemperature":
      return setTemperature(device, intent.slots, intentId);
    default:
      return { unsupported: `${intent.intent} has no device command` };
  }
}

/** Locks and covers follow Home Assistant: turn on = lock / open, turn off = unlock / close. */
function stateWord(device: Device, on: boolean): string {
  if (device.domain === "lock") return on ? "LOCK" : "UNLOCK";
  if (device.domain === "cover") return on ? "OPEN" : "CLOSE";
  return on ? "ON" : "OFF";
}

/** Default-schema payload: the entity's own payload_on/off; for locks and covers the HA defaults replace ON/OFF. */
function plainPayload(device: Device, on: boolean): string {
  const configured = on ? device.payload_on : device.payload_off;
  const genericDefault = on ? "ON" : "OFF";
  if ((device.domain === "lock" || device.domain === "cover") && configured === genericDefault)
    return stateWord(device, on);
  return configured;
}

function onOff(device: Device, on: boolean, intentId: string | null): CommandPlan {
  if (device.domain === "scene" && !on) return { unsupported: "a scene can only be turned on" };
  if (device.domain === "climate" && device.command_topic === device.temperature_command_topic)
    return { unsupported: `${device.id} has no power command topic` };
  if (device.schema === "json")
    return { commands: [json(device.command_topic, { state: stateWord(device, on) }, intentId)] };
  return { commands: [{ topic: device.command_topic, payload: plainPayload(device, on) }] };
}

function lightSet(device: Device, slots: Record<string, unknown>, intentId: string | null): CommandPlan {
  const brightness = numberSlot(slots.brightness);
  const color = slots.color === undefined ? null : colorToRgb(slots.color);
  if (slots.color !== undefined && !color)
    return { unsupported: `unknown color ${JSON.stringify(slots.color)}` };
  if (brightness === null && !color) return lightStep(device, slots, intentId);
  const percent = brightness === null ? null : Math.min(100, Math.max(0, brightness));
  if (percent === 0) return onOff(device, false, intentId);
  const scaled = percent === null ? null : Math.max(1, Math.round((percent / 100) * device.brightness_scale));
  if (device.schema === "json") {
    const body: Record<string, unknown> = { state: "ON" };
    if (scaled !== null) body.brightness = scaled;
    if (color) body.color = color;
    return { commands: [json(device.command_topic, body, intentId)] };
  }
  if (color) return { unsupported: `${device.id} (default schema) has no color command topic` };
  if (!device.brightness_command_topic || scaled === null)
    return { unsupported: `${device.id} has no brightness_command_topic` };
  // Brightness first, then ON: Home Assistant's default (on_command_type "last").
  return {
    commands: [
      { topic: device.brightness_command_topic, payload: String(scaled) },
      { topic: device.command_topic, payload: device.payload_on },
    ],
  };
}

/**
 * A brightness step whose level the conversation did not know (intent/relative.ts makes the
 * known ones absolute): zigbee2mqtt's relative `brightness_step` (in the device's brightness
 * units, signed) for a JSON light. Home Assistant's MQTT lights take only an absolute
 * brightness, so a default-schema light gets none. Unlike every other command this one is
 * relative: a QoS 1 duplicate would step twice (rare: the broker lost its acknowledgement).
 */
function lightStep(device: Device, slots: Record<string, unknown>, intentId: string | null): CommandPlan {
  const step = numberSlot(slots.brightness_step);
  if (step === null || step === 0) return { unsupported: "HassLightSet without brightness or color" };
  if (device.schema !== "json")
    return { unsupported: `${device.id} takes only an absolute brightness: say a level ("to 60 percent")` };
  const units = Math.sign(step) * Math.max(1, Math.round((Math.abs(step) / 100) * device.brightness_scale));
  return { commands: [json(device.command_topic, { brightness_step: units }, intentId)] };
}

function setTemperature(
  device: Device,
  slots: Record<string, unknown>,
  intentId: string | null,
): CommandPlan {
  const temperature = numberSlot(slots.temperature);
  if (temperature === null && numberSlot(slots.temperature_step) !== null)
    return {
      unsupported: `${device.id}'s setpoint is not known, so "warmer" has nothing to add to: say a temperature`,
    };
  if (temperature === null) return { unsupported: "HassClimateSetTemperature without a temperature" };
  if (device.temperature_command_topic)
    return { commands: [{ topic: device.temperature_command_topic, payload: String(temperature) }] };
  if (device.schema === "json") return { commands: [json(device.command_topic, { temperature }, intentId)] };
  return { commands: [{ topic: device.command_topic, payload: String(temperature) }] };
}

function json(topic: string, body: Record<string, unknown>, intentId: string | null): DeviceCommand {
  return { topic, payload: JSON.stringify(intentId ? { ...body, intent_id: intentId } : body) };
}

function numberSlot(value: unknown): number | null {
  const number = typeof value === "string" ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number) ? number : null;
}
