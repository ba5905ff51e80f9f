import { canTarget } from "./domains.js";
import type { Device } from "./registry.js";
import { relativeWithIt } from "./relative.js";
import { tokenize } from "./text/normalize.js";
import type { IntentContext, RecognizedIntent } from "./types.js";

/** Words that point back at the previous run's targets: "turn it off", "switch them on". */
const PRONOUNS = new Set(["it", "them", "that", "those", "this", "these"]);
/** Said before or after a new target to repeat the previous action: "and the hall light too". */
const LEADING = [["and", "also"], ["and"], ["also"], ["what", "about"], ["how", "about"], ["same", "for"]];
const TRAILING = [["too"], ["also"], ["as", "well"]];

/**
 * How long the previous run's intent stays the meaning of "it" and "too": a follow-up window
 * or a new wake word soon after ("hey jarvis, turn it off"), not a question from this morning.
 */
export const PREVIOUS_FRESH_SECONDS = 120;

/** The previous run's intent when it is recent enough to be what "it" means, else null. */
export function freshPrevious(context: IntentContext): RecognizedIntent | null {
  const { previous } = context;
  if (!previous) return null;
  const age = context.wallSeconds - previous.wallSeconds;
  return age >= 0 && age <= PREVIOUS_FRESH_SECONDS ? previous.intent : null;
}

export interface FollowUpParts {
  /** The templates, with the board's area (context as for any utterance). */
  recognize: (text: string) => RecognizedIntent | null;
  device: (id: string) => Device | undefined;
}

/**
 * Reads a follow-up in the light of the previous run's intent, for the words the templates do
 * not understand alone. "it"/"them"/"that" stand for the previous targets (the pronoun becomes
 * the first target's name, then the intent acts on every previous target it can); "too"/"also"
 * repeat the previous action on a new target ("and the hall light too" after "turn on the
 * kitchen light"). The result is a new utterance's intent, so the safety policy still judges
 * it (unlocking still needs a yes). A follow-up never reaches further than what was named: a
 * kind with no name or room ("and the lights too") that would mean the whole house is refused.
 * Pure; null when the words do not resolve.
 */
export function resolveFollowUp(
  text: string,
  previous: RecognizedIntent,
  parts: FollowUpParts,
): RecognizedIntent | null {
  const tokens = tokenize(text);
  if (tokens.some((t) => PRONOUNS.has(t))) return pronoun(tokens, previous, parts);
  // "brighter", "a bit warmer", "down": a relative change of the previous target.
  const relative = relativeWithIt(tokens);
  if (relative) return pronoun(relative, previous, parts);
  const rest = withoutMarkers(tokens);
  if (rest === null || rest.length === 0) return null;
  // "turn off the fan too": a whole command of its own, with "too" for politeness.
  const whole = parts.recognize(rest.join(" "));
  if (whole) return houseWide(whole) ? null : whole;
  const sentence = repeatSentence(previous, rest.join(" "));
  if (sentence === null) return null;
  const recognized = parts.recognize(sentence);
  if (!recognized || recognized.intent !== previous.intent) return null;
  if (houseWide(recognized)) return null;
  return { ...recognized, slots: { ...carriedSlots(previous), ...recognized.slots } };
}

function pronoun(
  tokens: string[],
  previous: RecognizedIntent,
  parts: FollowUpParts,
): RecognizedIntent | null {
  const devices = previous.targets.map(parts.device).filter((d): d is Device => d !== undefined);
  const [first] = devices;
  if (!first) return null;
  const named = `the ${first.name}${first.area ? ` in the ${first.area.replace(/_/g, " ")}` : ""}`;
  // "turn it back on": "back" only says it was on before.
  const words = tokens.filter((t) => t !== "back");
  const sentence = words.map((t) => (PRONOUNS.has(t) ? named : t)).join(" ");
  const recognized = parts.recognize(sentence);
  if (recognized?.targets.length !== 1 || recognized.targets[0] !== first.id) return null;
  const targets = devices.filter((d) => canTarget(recognized.intent, d)).map((d) => d.id);
  const { name: _name, ...slots } = recognized.slots;
  const sameArea = devices.every((d) => d.area === first.area);
  if (!sameArea) delete slots.area;
  return { ...recognized, targets, slots: targets.length === 1 ? recognized.slots : slots };
}

/** Said after a name to point at it: "the living room one". */
const ONE = new Set(["one", "ones"]);

/**
 * An answer to a guess asked back that names only what was meant: "did you mean turn on the
 * bedroom light?" - "no, the living room one" ("the hall light", "living room"). People
 * correct a question by the part it got wrong, not by saying the whole request again. Read
 * as the asked request about what the answer names: as said, then with the kind of the asked
 * device ("living room" -> "living room light", since "turn on the living room" is no
 * request of the templates). The same intent as asked, or null; never the whole house (a
 * kind with no name: "no, the lights"). Pure.
 */
export function resolveCorrection(
  text: string,
  asked: RecognizedIntent,
  parts: FollowUpParts,
): RecognizedIntent | null {
  const tokens = tokenize(text);
  const words = ONE.has(tokens.at(-1) ?? "") ? tokens.slice(0, -1) : tokens;
  if (words.filter((w) => w !== "the").length === 0) return null;
  const target = words.join(" ");
  const kinds = new Set(asked.targets.map((id) => parts.device(id)?.domain).filter((d) => d !== undefined));
  for (const said of [target, ...[...kinds].map((kind) => `${target} ${kind}`)]) {
    const sentence = repeatSentence(asked, said);
    const recognized = sentence === null ? null : parts.recognize(sentence);
    if (recognized && recognized.intent === asked.intent && !houseWide(recognized))
      return { ...recognized, slots: { ...carriedSlots(asked), ...recognized.slots } };
  }
  return null;
}

/** The words without "and ... too", "also", "what about": null when there was no such marker. */
export function withoutMarkers(tokens: string[]): string[] | null {
  let words = tokens;
  let marked = false;
  for (const lead of LEADING)
    if (lead.every((w, i) => words[i] === w)) {
      words = words.slice(lead.length);
      marked = true;
      break;
    }
  for (const trail of TRAILING)
    if (words.length > trail.length && trail.every((w, i) => words[words.length - trail.length + i] === w)) {
      words = words.slice(0, -trail.length);
      marked = true;
      break;
    }
  return marked ? words : null;
}

/** The previous request said again about `target` ("turn on the hall light"). */
export function repeatSentence(previous: RecognizedIntent, target: string): string | null {
  const { slots } = previous;
  switch (previous.intent) {
    case "HassTurnOn":
      return `turn on ${target}`;
    case "HassTurnOff":
      return `turn off ${target}`;
    case "HassLightSet":
      if (typeof slots.brightness === "number") return `set ${target} to ${slots.brightness} percent`;
      return typeof slots.color === "string" ? `set ${target} to ${slots.color}` : null;
    case "HassClimateSetTemperature":
      return typeof slots.temperature === "number" ? `set ${target} to ${slots.temperature} degrees` : null;
    case "HassGetState":
      if (slots.device_class === "temperature")
        return `what is the temperature ${/^(in|on|at|for) /.test(target) ? target : `in ${target}`}`;
      return typeof slots.state === "string"
        ? `is ${target} ${slots.state}`
        : `what is the state of ${target}`;
    default:
      return null;
  }
}

/** What the repeated request keeps that its sentence could not say (a light's colour with its brightness). */
function carriedSlots(previous: RecognizedIntent): Record<string, unknown> {
  const { brightness, color } = previous.slots;
  if (previous.intent !== "HassLightSet") return {};
  return { ...(brightness !== undefined ? { brightness } : {}), ...(color !== undefined ? { color } : {}) };
}

/** A kind said with no name or room, that reached beyond one area (see resolve.ts). */
function houseWide(intent: RecognizedIntent): boolean {
  const { slots } = intent;
  return typeof slots.domain === "string" && slots.area === undefined && slots.name === undefined;
}
