import { tokenize } from "../text/normalize.js";
import type { RecognizedIntent } from "../types.js";

/**
 * "Is the kitchen light on?" said in one breath with the wake word came out of whisper-tiny
 * as "Hey Jarvis, kitchen light, on." (the "is" lost in "Jarvis", the "the" unstressed), and
 * a guess made it "Hey Jarvis, the kitchen light on.": asking switched the light on (hearing
 * bench, session 37: 16 of 18 clips). The two differ by two short words, so a command that
 * switches a named device on or off is scored against the question about that device in
 * that state before it is taken (stt.guided_min_question_lead): the question changes nothing.
 */

/**
 * The question whether the command's named device is in the state it asks for, after the
 * text's `wake` first words as written, when `command` (its words after the wake phrase and
 * fillers) is the question's without its "is" and the templates read the question about the
 * same devices; empty otherwise. A command with a verb ("turn on the kitchen light") is not
 * a question misheard, and the check costs about 80 ms of decoder calls. Pure but for `read`.
 */
export function questionsAbout(
  text: string,
  wake: number,
  command: readonly string[],
  home: { read: (command: string) => RecognizedIntent | null; domainOf: (id: string) => string },
): string[] {
  const intent = home.read(command.join(" "));
  const name = intent?.slots.name;
  if (!intent || typeof name !== "string" || !isQuestionWithoutIs(command, tokenize(name))) return [];
  const state = askedState(intent.intent, intent.targets.map(home.domainOf));
  if (state === null) return [];
  const question = stateQuestion(leadingWords(text, wake), name, state);
  const asked = home.read(tokenize(question).slice(wake).join(" "));
  const same = asked?.intent === "HassGetState" && asked.targets.join() === intent.targets.join();
  return same ? [question] : [];
}

/** The state word a question about a switched device asks for, by the command's intent. */
const STATE_OF: Readonly<Record<string, string>> = { HassTurnOn: "on", HassTurnOff: "off" };

/** Domains whose state is "on" or "off" (a lock is "locked", a cover "open": not asked this way). */
const ON_OFF_DOMAINS: ReadonlySet<string> = new Set(["light", "switch", "fan"]);

const WORD = /[A-Za-z0-9']+/g;

/** The state word of the question about a command's device: "on" / "off"; null when it has none. Pure. */
export function askedState(intent: string, domains: readonly string[]): string | null {
  const state = STATE_OF[intent];
  if (state === undefined || domains.length === 0) return null;
  return domains.every((d) => ON_OFF_DOMAINS.has(d)) ? state : null;
}

/**
 * True when a command's words (after the wake phrase and fillers) are a question's without
 * its "is": [the] <name> on|off ("the kitchen light on", "kitchen light off"). Pure.
 */
export function isQuestionWithoutIs(command: readonly string[], name: readonly string[]): boolean {
  const words = command[0] === "the" ? command.slice(1) : command;
  const state = words.at(-1);
  if (state !== "on" && state !== "off") return false;
  const said = words.slice(0, -1);
  // "kitchen lights" names the kitchen light as well.
  const plural = (w: string, i: number) => w === name[i] || (i === name.length - 1 && w === `${name[i]}s`);
  return said.length === name.length && said.every(plural);
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
 * The question whether `name` is `state`, in the form Whisper writes it after `prefix` (the
 * text's wake phrase as written, or ""): "Hey Jarvis, is the kitchen light on?". Pure.
 */
export function stateQuestion(prefix: string, name: string, state: string): string {
  const question = `is the ${name.toLowerCase()} ${state}?`;
  if (prefix === "") return question.charAt(0).toUpperCase() + question.slice(1);
  // After a sentence's end Whisper starts a new one with a capital.
  return /[.!?]\s*$/.test(prefix)
    ? `${prefix}${question.charAt(0).toUpperCase()}${question.slice(1)}`
    : prefix + question;
}
