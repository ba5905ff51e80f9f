import type { RejectReason, RunOutcome } from "../events/types.js";

/**
 * What edge-voice says back: short confirmations in the words people use ("kitchen light on",
 * "front door locked", "timer request sent: 5 minutes"), never the entity ids. Pure functions of the
 * intent and the device names, so every phrase is tested.
 */

export interface DeviceInfo {
  name: string;
  domain: string;
}

/** Device id -> what people call it; undefined for an unknown id. */
export type DeviceLookup = (id: string) => DeviceInfo | undefined;

export interface IntentSummary {
  intent: string;
  targets: readonly string[];
  slots: Readonly<Record<string, unknown>>;
}

export const NOT_UNDERSTOOD = "sorry, I didn't get that";
export const FAILED = "sorry, something went wrong";
/** The command expired before the broker took it (broker down for longer than mqtt.command_expiry_seconds). */
export const NOT_DELIVERED = "sorry, I couldn't send that";

/** The confirmation for a command that was carried out, or null when there is nothing to say. */
export function replyForIntent(intent: IntentSummary, lookup: DeviceLookup): string | null {
  const devices = intent.targets.map((id) => lookup(id) ?? { name: id.replace(/_/g, " "), domain: "" });
  const names = joinNames(devices.map((d) => d.name));
  const domain = devices[0]?.domain ?? "";
  // "The lights" with no name and no room reached every such device (no `area:` set for this
  // board, or none of that kind in its area): say so, so nobody is surprised by the whole house.
  const where = houseWide(intent.slots) ? ", in the whole house" : "";
  switch (intent.intent) {
    case "HassTurnOn":
    case "HassTurnOff":
      return names ? switched(names, domain, intent.intent === "HassTurnOn") + where : null;
    case "HassLightSet": {
      const set = names ? lightSet(names, intent.slots) : null;
      return set && set + where;
    }
    case "HassClimateSetTemperature": {
      const temperature = numberSlot(intent.slots.temperature);
      const step = numberSlot(intent.slots.temperature_step);
      if (temperature === null && step !== null)
        return `${names || "thermostat"} ${step > 0 ? "warmer" : "cooler"}`;
      if (temperature === null) return null;
      return `${names || "thermostat"} set to ${temperature} degrees`;
    }
    // With timers.enabled off the board runs no timers: it publishes the intent (Hermes) for
    // whatever runs them, so the reply says the request went out, not that a timer is running.
    // When the board runs them (src/skills/timers/) the run ends `answered` and the reply is the
    // skill's own answer (intent-end.speech: "pasta timer set for 10 minutes").
    case "HassStartTimer": {
      const duration = durationPhrase(intent.slots);
      return duration ? `timer request sent: ${duration}` : "timer request sent";
    }
    case "HassCancelTimer":
      return "timer cancel request sent";
    default:
      // HassGetState needs the device's state, which only Home Assistant knows; HassNevermind is silence.
      return null;
  }
}

/** What to say when an intent was refused, e.g. "say yes to unlock the front door". */
export function replyForRejection(
  reason: RejectReason,
  intent: Omit<IntentSummary, "slots"> | undefined,
  lookup: DeviceLookup,
  guessed?: string,
  alternatives: readonly string[] = [],
): string | null {
  switch (reason) {
    case "not-recognized":
      return NOT_UNDERSTOOD;
    case "needs-confirmation": {
      const asked = guessed ? askedPhrase(guessed) : "";
      const offered = alternatives.map(askedPhrase).join(" or ");
      if (asked) return `did you mean ${asked}? say yes${offered ? `, or say ${offered}` : ""}`;
      const action = intent ? sensitiveAction(intent, lookup) : null;
      return action ? `say yes to ${action}` : "say yes to confirm";
    }
    case "not-allowed":
      return "sorry, I'm not allowed to do that";
    case "confirmation-expired":
      return "no answer, so I did nothing";
    case "cancelled":
      return "okay, cancelled";
    case "voice-only":
      return "sorry, that needs to be asked for by voice";
  }
}

/** Words that only lead into a command, dropped from a guess said back to the person. */
const LEAD_INS = new Set(["and", "so", "okay", "ok", "now", "well", "please", "oh"]);

/**
 * A guessed sentence as the board says it back: "Can you switch off the coffee maker?" ->
 * "can you switch off the coffee maker"; "And, timer for 10 minutes." -> "timer for 10
 * minutes". Lower case, no punctuation, no lead-in words.
 */
export function askedPhrase(guessed: string): string {
  const words = guessed
    .toLowerCase()
    .replace(/[^\p{L}\p{N}%' ]+/gu, " ")
    .split(/\s+/)
    .filter(Boolean);
  while (words.length > 1 && LEAD_INS.has(words[0] as string)) words.shift();
  return words.join(" ");
}

/** What to say when a run ended badly without a rejection. */
export function replyForOutcome(outcome: RunOutcome): string | null {
  if (outcome === "dropped") return NOT_DELIVERED;
  return outcome === "error" || outcome === "timeout" ? FAILED : null;
}

/** A kind of device said without a name or a room ("turn off the lights"). */
function houseWide(slots: Readonly<Record<string, unknown>>): boolean {
  return typeof slots.domain === "string" && slots.area === undefined && slots.name === undefined;
}

function switched(names: string, domain: string, on: boolean): string {
  // Home Assistant's convention: turn on/off = lock/unlock for locks, open/close for covers.
  if (domain === "lock") return `${names} ${on ? "locked" : "unlocked"}`;
  if (domain === "cover") return `${on ? "opening" : "closing"} ${names}`;
  if ((domain === "scene" || domain === "script") && on) return `${names} activated`;
  return `${names} ${on ? "on" : "off"}`;
}

function lightSet(names: string, slots: Readonly<Record<string, unknown>>): string | null {
  const parts: string[] = [];
  if (typeof slots.color === "string" && slots.color) parts.push(slots.color);
  const brightness = numberSlot(slots.brightness);
  if (brightness !== null) parts.push(`at ${brightness} percent`);
  const step = numberSlot(slots.brightness_step);
  if (brightness === null && step !== null) parts.push(step > 0 ? "brighter" : "dimmer");
  return parts.length ? `${names} ${parts.join(" ")}` : null;
}

function sensitiveAction(intent: Omit<IntentSummary, "slots">, lookup: DeviceLookup): string | null {
  const device = intent.targets[0] ? lookup(intent.targets[0]) : undefined;
  if (!device) return null;
  const names = joinNames(intent.targets.map((id) => lookup(id)?.name ?? id.replace(/_/g, " ")));
  const on = intent.intent === "HassTurnOn";
  const the = /^(the|my|our) /i.test(names) ? "" : "the ";
  if (device.domain === "lock") return `${on ? "lock" : "unlock"} ${the}${names}`;
  if (device.domain === "cover") return `${on ? "open" : "close"} ${the}${names}`;
  return `turn ${on ? "on" : "off"} ${the}${names}`;
}

function durationPhrase(slots: Readonly<Record<string, unknown>>): string | null {
  const parts: string[] = [];
  for (const unit of ["hours", "minutes", "seconds"] as const) {
    const value = numberSlot(slots[unit]);
    if (value) parts.push(`${value} ${value === 1 ? unit.slice(0, -1) : unit}`);
  }
  return parts.length ? joinNames(parts) : null;
}

function numberSlot(value: unknown): number | null {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

/** "a", "a and b", "a, b and c"; more than three become "N devices". */
function joinNames(names: string[]): string {
  if (names.length > 3) return `${names.length} devices`;
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
