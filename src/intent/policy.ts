import {
  actionVerb,
  canTarget,
  INTENT_DOMAINS,
  needsTargets,
  ROOM_CELSIUS,
  ROOM_FAHRENHEIT,
  sensitiveVerb,
} from "./domains.js";
import type { Device, DeviceRegistry } from "./registry.js";
import type { IntentOrigin, RecognizedIntent } from "./types.js";

export interface PolicyOptions {
  /** config intent.allowed_intents. */
  allowedIntents: readonly string[];
  /** config intent.confirm_sensitive: ask for a yes (true) or refuse outright (false). */
  confirmSensitive: boolean;
  /** config intent.allow_sensitive_from_text: text runs may request (and confirm by text) sensitive actions. */
  allowSensitiveFromText: boolean;
}

export type PolicyVerdict =
  | { kind: "execute"; intent: RecognizedIntent }
  | {
      kind: "reject";
      reason: "not-allowed" | "not-recognized" | "voice-only";
      intent: RecognizedIntent;
      why: string;
    }
  | { kind: "confirm"; intent: RecognizedIntent; prompt: string };

/** Slots whose values are numbers, with the range each may take (checked after parsing, see numbers()). */
const NUMBER_SLOTS: Record<string, { min: number; max: number; integer: boolean }> = {
  brightness: { min: 0, max: 100, integer: true },
  temperature: { min: 0, max: 100, integer: false },
  // Relative changes (intent/relative.ts): signed steps.
  brightness_step: { min: -100, max: 100, integer: true },
  temperature_step: { min: -10, max: 10, integer: false },
  hours: { min: 0, max: 24, integer: true },
  minutes: { min: 0, max: 1440, integer: true },
  seconds: { min: 0, max: 86_400, integer: true },
};
const MAX_SLOT_TEXT = 64;

/**
 * The last gate before anything acts, whichever path produced the intent: an allowed
 * intent, targets that exist in the registry right now and that the intent can act on,
 * sane slot values, and a spoken request and yes for sensitive actions. Nothing here trusts
 * the recognizer, so a prompt-injected LLM answer meets the same rules as a template match;
 * nor the transport: text (MQTT set/text) may not ask for a sensitive action at all unless
 * intent.allow_sensitive_from_text is on. `confirmed` says a yes from the same origin came in time.
 */
export function checkIntent(
  intent: RecognizedIntent,
  registry: DeviceRegistry,
  options: PolicyOptions,
  request: { origin: IntentOrigin; confirmed: boolean },
): PolicyVerdict {
  const reject = (reason: "not-allowed" | "not-recognized" | "voice-only", why: string): PolicyVerdict => ({
    kind: "reject",
    reason,
    intent,
    why,
  });
  if (!(intent.intent in INTENT_DOMAINS)) return reject("not-recognized", `unknown intent ${intent.intent}`);
  if (!options.allowedIntents.includes(intent.intent)) return reject("not-allowed", "intent not allowed");
  const devices: Device[] = [];
  for (const id of new Set(intent.targets)) {
    const device = registry.get(id);
    if (!device) return reject("not-allowed", `unknown entity ${id}`);
    if (!canTarget(intent.intent, device))
      return reject("not-allowed", `${intent.intent} cannot act on ${id}`);
    // The learner refuses these; this holds in between too (a SIGHUP that adds a device).
    const owner = device.source === "discovery" ? registry.topicConflict(device) : null;
    if (owner) return reject("not-allowed", `${id} uses a command topic of ${owner.id}`);
    devices.push(device);
  }
  if (devices.length !== intent.targets.length) return reject("not-recognized", "repeated target");
  if (needsTargets(intent.intent) && devices.length === 0) return reject("not-recognized", "no target");
  const slotProblem = checkSlots(intent) ?? temperatureProblem(intent, devices);
  if (slotProblem) return reject("not-recognized", slotProblem);
  const sensitive = devices.filter((d) => sensitiveVerb(intent.intent, d));
  if (sensitive.length > 0 && request.origin === "text" && !options.allowSensitiveFromText) {
    return reject(
      "voice-only",
      `"${describeAction(intent.intent, sensitive)}" must be spoken (intent.allow_sensitive_from_text is off)`,
    );
  }
  if (sensitive.length > 0 && !request.confirmed) {
    if (!options.confirmSensitive) return reject("not-allowed", "sensitive action and confirmation is off");
    return { kind: "confirm", intent, prompt: confirmationPrompt(intent.intent, sensitive) };
  }
  return { kind: "execute", intent };
}

function checkSlots(intent: RecognizedIntent): string | null {
  for (const [key, value] of Object.entries(intent.slots)) {
    const range = NUMBER_SLOTS[key];
    if (range) {
      if (typeof value !== "number" || !Number.isFinite(value)) return `${key} is not a number`;
      if (value < range.min || value > range.max) return `${key} ${value} out of range`;
      if (range.integer && !Number.isInteger(value)) return `${key} is not a whole number`;
    } else if (typeof value === "string") {
      if (value.length > MAX_SLOT_TEXT) return `${key} too long`;
    } else if (typeof value !== "number" || !Number.isFinite(value)) {
      return `${key} has an unexpected value`;
    }
  }
  if (
    intent.intent === "HassLightSet" &&
    intent.slots.brightness === undefined &&
    intent.slots.brightness_step === undefined &&
    intent.slots.color === undefined
  ) {
    return "nothing to set";
  }
  if (
    intent.intent === "HassClimateSetTemperature" &&
    intent.slots.temperature === undefined &&
    intent.slots.temperature_step === undefined
  )
    return "no temperature";
  if (["HassStartTimer", "HassIncreaseTimer", "HassDecreaseTimer"].includes(intent.intent)) {
    const total =
      Number(intent.slots.hours ?? 0) * 3600 +
      Number(intent.slots.minutes ?? 0) * 60 +
      Number(intent.slots.seconds ?? 0);
    if (!(total > 0 && total <= 86_400)) return "timer duration out of range";
  }
  return null;
}

/**
 * A target temperature the thermostat does not take: its own range (min_temp, max_temp), else
 * one no room is set to in either unit. whisper-tiny hears *twenty two degrees* as "2 degrees"
 * (hearing bench, session 30), and a heating set to 2 would go cold without a word.
 */
function temperatureProblem(intent: RecognizedIntent, devices: readonly Device[]): string | null {
  const t = intent.slots.temperature;
  if (intent.intent !== "HassClimateSetTemperature" || typeof t !== "number") return null;
  for (const device of devices) {
    if (device.domain !== "climate") continue;
    const { min_temp: min, max_temp: max } = device;
    if (min !== null || max !== null) {
      if ((min !== null && t < min) || (max !== null && t > max))
        return `temperature ${t} outside the ${device.name}'s range (${min ?? "-"} to ${max ?? "-"})`;
    } else if (![ROOM_CELSIUS, ROOM_FAHRENHEIT].some((room) => t >= room.min && t <= room.max)) {
      const [c, f] = [ROOM_CELSIUS, ROOM_FAHRENHEIT];
      return `temperature ${t} is no room temperature (${c.min}-${c.max} °C or ${f.min}-${f.max} °F)`;
    }
  }
  return null;
}

/** "say yes to unlock the front door" (names come from the registry, never from the transcript). */
export function confirmationPrompt(intent: string, devices: readonly Device[]): string {
  return devices.length === 0 ? "say yes to confirm" : `say yes to ${describeAction(intent, devices)}`;
}

/** "unlock the front door", "open the garage door and the gate". */
function describeAction(intent: string, devices: readonly Device[]): string {
  const [first] = devices;
  if (!first) return intent;
  const names = devices.map((d) => `the ${d.name}`);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return `${sensitiveVerb(intent, first) ?? actionVerb(intent, first)} ${list}`;
}
