import type { Device } from "./registry.js";

/**
 * Target temperatures rooms are set to, in °C and in °F: what a thermostat with no range of
 * its own takes (policy.ts), and where "warmer" stops (relative.ts). Apart, so 2 (°C heard
 * for *twenty two*) is no setting, nor 38.
 */
export const ROOM_CELSIUS = { min: 5, max: 35 } as const;
export const ROOM_FAHRENHEIT = { min: 40, max: 95 } as const;

/** The room range of the unit a thermostat's level is in: 70 is °F's. */
export const roomRangeOf = (level: number) => (level >= ROOM_FAHRENHEIT.min ? ROOM_FAHRENHEIT : ROOM_CELSIUS);

/**
 * Which domains each intent can act on, following Home Assistant: HassTurnOn locks a lock
 * and opens a cover, HassTurnOff unlocks and closes. Templates, the LLM grammar and the
 * allow-list all read this one table, so they cannot disagree.
 */
export const INTENT_DOMAINS: Readonly<Record<string, readonly string[] | null>> = {
  HassTurnOn: ["light", "switch", "fan", "media_player", "climate", "lock", "cover", "scene", "script"],
  HassTurnOff: ["light", "switch", "fan", "media_player", "climate", "lock", "cover", "alarm_control_panel"],
  HassLightSet: ["light"],
  HassClimateSetTemperature: ["climate"],
  HassGetState: [
    "light",
    "switch",
    "fan",
    "media_player",
    "climate",
    "lock",
    "cover",
    "sensor",
    "binary_sensor",
    "alarm_control_panel",
  ],
  // Intents without targets.
  HassStartTimer: null,
  HassCancelTimer: null,
  HassIncreaseTimer: null,
  HassDecreaseTimer: null,
  HassTimerStatus: null,
  HassPauseTimer: null,
  HassUnpauseTimer: null,
  HassGetCurrentTime: null,
  HassGetCurrentDate: null,
  HassNevermind: null,
};

/** Whether `intent` needs at least one target entity. */
export function needsTargets(intent: string): boolean {
  return Array.isArray(INTENT_DOMAINS[intent]);
}

export function canTarget(intent: string, device: Device): boolean {
  return INTENT_DOMAINS[intent]?.includes(device.domain) ?? false;
}

const SENSITIVE_COVER_CLASSES = new Set(["garage", "door", "gate"]);

/**
 * Actions that need a spoken "yes": unlocking, opening a garage door / door / gate cover,
 * disarming an alarm. Locking and closing never do (Home Assistant's asymmetry: securing a
 * home should always be easy, opening it should not be one misheard sentence away).
 */
export function sensitiveVerb(intent: string, device: Device): string | null {
  const domain = device.domain as string;
  if (domain === "lock" && intent === "HassTurnOff") return "unlock";
  if (domain === "alarm_control_panel" && intent === "HassTurnOff") return "disarm";
  if (
    domain === "cover" &&
    intent === "HassTurnOn" &&
    SENSITIVE_COVER_CLASSES.has(device.device_class ?? "")
  ) {
    return "open";
  }
  return null;
}

/** The verb for a readable line ("unlock the front door", "turn on the kitchen light"). */
export function actionVerb(intent: string, device: Device): string {
  const domain = device.domain as string;
  if (intent === "HassTurnOn") return domain === "lock" ? "lock" : domain === "cover" ? "open" : "turn on";
  if (intent === "HassTurnOff") {
    if (domain === "lock") return "unlock";
    if (domain === "cover") return "close";
    if (domain === "alarm_control_panel") return "disarm";
    return "turn off";
  }
  return intent;
}
