import { BRIGHTNESS_STEP, TEMPERATURE_STEP } from "../templates/relative.js";

/**
 * What the model writes: a plain verb ("unlock", "set_brightness"), each standing for exactly
 * one Home Assistant intent and the kinds of device it may name. Measured with TinyLlama
 * 1.1B: asked for Hass* names it composes its own ("HassCoffeeMakerOff") and the grammar
 * then funnels that into whichever allowed name shares the prefix ("HassClimate..."); verbs
 * it reads and picks correctly. The mapping is fixed here and checked again after parsing.
 */
export interface Action {
  label: string;
  intent: string;
  /** Kinds of device the targets must be; null for intents without targets. */
  domains: readonly string[] | null;
  /** Extra properties the answer carries for this action. */
  fields: readonly ("brightness" | "color" | "temperature" | "timer")[];
  /** How the prompt explains it. */
  help: string;
  /** Fixed slots the action stands for (a relative change's step, templates/relative.ts). */
  slots?: Readonly<Record<string, number>>;
}

const SWITCHABLE = ["light", "switch", "fan", "media_player", "climate"];

export const ACTIONS: readonly Action[] = [
  {
    label: "turn_on",
    intent: "HassTurnOn",
    domains: [...SWITCHABLE, "scene", "script"],
    fields: [],
    help: "switch something on",
  },
  { label: "turn_off", intent: "HassTurnOff", domains: SWITCHABLE, fields: [], help: "switch something off" },
  { label: "lock", intent: "HassTurnOn", domains: ["lock"], fields: [], help: "lock a lock" },
  { label: "unlock", intent: "HassTurnOff", domains: ["lock"], fields: [], help: "unlock a lock" },
  {
    label: "open",
    intent: "HassTurnOn",
    domains: ["cover"],
    fields: [],
    help: "open a door, gate, blind or curtain",
  },
  {
    label: "close",
    intent: "HassTurnOff",
    domains: ["cover"],
    fields: [],
    help: "close a door, gate, blind or curtain",
  },
  {
    label: "disarm",
    intent: "HassTurnOff",
    domains: ["alarm_control_panel"],
    fields: [],
    help: "disarm an alarm",
  },
  {
    label: "set_brightness",
    intent: "HassLightSet",
    domains: ["light"],
    fields: ["brightness"],
    help: "set a light's brightness (0-100 percent)",
  },
  {
    label: "set_color",
    intent: "HassLightSet",
    domains: ["light"],
    fields: ["color"],
    help: "set a light's colour",
  },
  {
    label: "set_temperature",
    intent: "HassClimateSetTemperature",
    domains: ["climate"],
    fields: ["temperature"],
    help: "set a thermostat",
  },
  // Relative changes (templates/relative.ts): after the absolute ones, which labelFor() prefers.
  ...(
    [
      ["brighten", "HassLightSet", "light", { brightness_step: BRIGHTNESS_STEP }, "make a light brighter"],
      ["dim", "HassLightSet", "light", { brightness_step: -BRIGHTNESS_STEP }, "make a light dimmer"],
      [
        "warmer",
        "HassClimateSetTemperature",
        "climate",
        { temperature_step: TEMPERATURE_STEP },
        "make a thermostat warmer",
      ],
      [
        "cooler",
        "HassClimateSetTemperature",
        "climate",
        { temperature_step: -TEMPERATURE_STEP },
        "make a thermostat cooler",
      ],
    ] as const
  ).map(([label, intent, domain, slots, help]) => ({
    label,
    intent,
    domains: [domain],
    fields: [],
    help,
    slots,
  })),
  { label: "start_timer", intent: "HassStartTimer", domains: null, fields: ["timer"], help: "start a timer" },
  {
    label: "cancel_timer",
    intent: "HassCancelTimer",
    domains: null,
    fields: [],
    help: "stop or cancel a timer",
  },
  {
    label: "add_time",
    intent: "HassIncreaseTimer",
    domains: null,
    fields: ["timer"],
    help: "add time to a timer",
  },
  {
    label: "take_time",
    intent: "HassDecreaseTimer",
    domains: null,
    fields: ["timer"],
    help: "take time off a timer",
  },
  {
    label: "timer_status",
    intent: "HassTimerStatus",
    domains: null,
    fields: [],
    help: "how long a timer has left",
  },
  { label: "pause_timer", intent: "HassPauseTimer", domains: null, fields: [], help: "pause a timer" },
  {
    label: "resume_timer",
    intent: "HassUnpauseTimer",
    domains: null,
    fields: [],
    help: "resume a paused timer",
  },
  {
    label: "get_state",
    intent: "HassGetState",
    domains: null,
    fields: [],
    help: "ask if something is on, off, open or locked",
  },
  { label: "get_time", intent: "HassGetCurrentTime", domains: null, fields: [], help: "ask what time it is" },
  {
    label: "get_date",
    intent: "HassGetCurrentDate",
    domains: null,
    fields: [],
    help: "ask today's date or day",
  },
  {
    label: "never_mind",
    intent: "HassNevermind",
    domains: null,
    fields: [],
    help: "the person takes the request back",
  },
];

/** get_state may name any device; its targets are limited by the intent's own domains. */
export const ANY_TARGET = "get_state";

export function actionFor(label: string): Action | undefined {
  return ACTIONS.find((a) => a.label === label);
}

/** The action a worked example should show for an intent on a device of `domain`. */
export function labelFor(intent: string, domain: string | null): string | undefined {
  return ACTIONS.find(
    (a) => a.intent === intent && (a.domains === null || domain === null || a.domains.includes(domain)),
  )?.label;
}
