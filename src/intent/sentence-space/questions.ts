import { tokenize } from "../text/normalize.js";
import type { RecognizedIntent } from "../types.js";

/**
 * "Is the kitchen light on?" said in one breath with the wake word came out of whisper-tiny
 * as "Hey Jarvis, kitchen light, on." (the "is" lost in "Jarvis", the "the" unstressed), and
 * a guess made it "Hey Jarvis, the kitchen light on.": asking switched the light on (hearing
 * bench, session 37: 16 of 18 clips). The two differ by two short words, so a command said
 * as a state question's words without its "is" is scored against that question before it is
 * taken (stt.guided_min_question_lead): the question changes nothing.
 */

/** The state word a question about a switched device asks for, by the command's intent. */
const STATE_OF: Readonly<Record<string, string>> = { HassTurnOn: "on", HassTurnOff: "off" };

/** Domains whose state is "on" or "off" (a lock is "locked", a cover "open": not asked this way). */
const ON_OFF_DOMAINS: ReadonlySet<string> = new Set(["light", "switch", "fan"]);

/** Words that make the question "are ...?" ("are the lights on?"). */
const PLURAL_KINDS: ReadonlySet<string> = new Set(["lights", "lamps", "fans", "switches"]);

const WORD = /[A-Za-z0-9']+/g;

/**
 * The question whether what the command switches is in the state it asks for ("[the] kitchen
 * light on" -> "is the kitchen light on?", "the lights in the kitchen off" -> "are the lights
 * in the kitchen off?"), after the text's `wake` first words as written, when `command` (its
 * words after the wake phrase and fillers) ends in that state word and the templates read the
 * question about the same devices; empty otherwise. A command with a verb ("turn on the
 * kitchen light") makes no question the templates read: it is not a question misheard, and
 * the check costs about 100 ms of decoder calls. Pure but for `read`.
 */
export function questionsAbout(
  text: string,
  wake: number,
  command: readonly string[],
  home: { read: (command: string) => RecognizedIntent | null; domainOf: (id: string) => string },
): string[] {
  // Most commands do not end in "on" or "off": they cost no call to the templates here.
  const last = command.at(-1);
  if (last !== "on" && last !== "off") return [];
  const intent = home.read(command.join(" "));
  if (!intent || askedState(intent.intent, intent.targets.map(home.domainOf)) !== last) return [];
  const question = askedAbout(leadingWords(text, wake), command);
  const asked = home.read(tokenize(question).slice(wake).join(" "));
  const same = asked?.intent === "HassGetState" && asked.targets.join() === intent.targets.join();
  return same ? [question] : [];
}

/** The state word of the question about a command's device: "on" / "off"; null when it has none. Pure. */
export function askedState(intent: string, domains: readonly string[]): string | null {
  const state = STATE_OF[intent];
  if (state === undefined || domains.length === 0) return null;
  return domains.every((d) => ON_OFF_DOMAINS.has(d)) ? state : null;
}

/**
 * The text's first `words` words as written, with the punctuation and space after them:
 * ("Hey Jarvis, kitchen light, on.", 2) -> "Hey Jarvis, "; 0 -> "". Pure.
 */
export function leadingWords(text: string, words: number): string {
  if (words <= 0) return "";
  const match = [...text.matchAll(WORD)][words - 1];
  if (!match || match.index === undefined) return text;
  const end = match.index + match[0].length;
  const gap = /^[^A-Za-z0-9']*/.exec(text.slice(end))?.[0] ?? "";
  return text.slice(0, end) + gap;
}

/**
 * The command's words asked as a question, in the form Whisper writes it after `prefix` (the
 * text's wake phrase as written, or ""): ("Hey Jarvis, ", kitchen light on) -> "Hey Jarvis, is
 * the kitchen light on?"; "are" of a plural. ("Is the lights off?" as well scored within 11 nats
 * of "lights off" said: commands would be answered as questions; session 37.) Pure.
 */
export function askedAbout(prefix: string, command: readonly string[]): string {
  const words = command[0] === "the" ? command : ["the", ...command];
  const be = words.some((w) => PLURAL_KINDS.has(w)) ? "are" : "is";
  const question = `${be} ${words.join(" ")}?`;
  // A new sentence starts with a capital: at the start, or after the prefix's full stop.
  if (prefix !== "" && !/[.!?]\s*$/.test(prefix)) return prefix + question;
  return prefix + question.charAt(0).toUpperCase() + question.slice(1);
}
