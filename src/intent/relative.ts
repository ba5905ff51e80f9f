import { roomRangeOf } from "./domains.js";
import type { RecognizedIntent } from "./types.js";

/** The words of a relative change said alone as a follow-up: "brighter", "a bit warmer", "down". */
const CHANGE_WORDS = new Set([
  "brighter",
  "lighter",
  "dimmer",
  "darker",
  "warmer",
  "hotter",
  "cooler",
  "colder",
]);
const DIRECTION_WORDS = new Set(["up", "down"]);
const DEGREE_WORDS = new Set(["a", "little", "bit", "lot", "much", "slightly", "some", "less", "bright"]);

/**
 * A relative change said with no target ("a bit brighter", "down") as the sentence with "it"
 * that follow-ups read ("make it a bit brighter", "turn it down"); null for other words.
 */
export function relativeWithIt(tokens: readonly string[]): string[] | null {
  const change = tokens.filter((t) => CHANGE_WORDS.has(t) || (t === "bright" && tokens.includes("less")));
  const direction = tokens.filter((t) => DIRECTION_WORDS.has(t));
  if (change.length + direction.length !== 1) return null;
  if (!tokens.every((t) => CHANGE_WORDS.has(t) || DIRECTION_WORDS.has(t) || DEGREE_WORDS.has(t))) return null;
  return [...(direction.length > 0 ? ["turn", "it"] : ["make", "it"]), ...tokens];
}

/** Dimming never switches a light off. */
const BRIGHTNESS = { min: 1, max: 100 } as const;

/**
 * Makes a relative change absolute when the conversation knows the level: "set the kitchen
 * light to 40 percent", then "brighter" is brightness 60 (percentage points, kept within 1 to
 * 100: dimming never switches a light off), and "set the thermostat to 20", then "warmer" is
 * 21. An absolute value is what every MQTT light and thermostat takes, and a QoS 1 duplicate
 * of it changes nothing. Otherwise the step stays (`brightness_step`, `temperature_step`) for
 * the command publisher. Pure.
 */
export function settleRelative(
  intent: RecognizedIntent,
  previous: RecognizedIntent | null,
): RecognizedIntent {
  const rules = [
    { intent: "HassLightSet", step: "brightness_step", level: "brightness", range: () => BRIGHTNESS },
    // A thermostat set in °F (70) stays in °F's room range: clamped to 35 it would go cold.
    {
      intent: "HassClimateSetTemperature",
      step: "temperature_step",
      level: "temperature",
      range: roomRangeOf,
    },
  ] as const;
  const rule = rules.find((r) => r.intent === intent.intent);
  const step = rule ? intent.slots[rule.step] : undefined;
  if (!rule || typeof step !== "number" || intent.slots[rule.level] !== undefined) return intent;
  const known = previous?.intent === rule.intent ? previous.slots[rule.level] : undefined;
  const sameTargets =
    previous !== null &&
    intent.targets.length > 0 &&
    intent.targets.every((id) => previous.targets.includes(id));
  if (typeof known !== "number" || !sameTargets) return intent;
  const { [rule.step]: _step, ...slots } = intent.slots;
  const { min, max } = rule.range(known);
  const level = Math.min(max, Math.max(min, Math.round((known + step) * 2) / 2));
  return { ...intent, slots: { ...slots, [rule.level]: level } };
}
