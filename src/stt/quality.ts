import { deflateSync } from "node:zlib";
import { hasNumber } from "./number-values.js";

/** Whisper's reference checks on a decoded window (openai/whisper transcribe.py), as config thresholds. */
export interface QualityThresholds {
  /** No-speech probability above which the window is silence, unless the text is confident. */
  noSpeech: number;
  /** Average log-probability at or below which the text is not confident. */
  logprob: number;
  /** zlib compression ratio above which the text is a repetition loop. */
  compressionRatio: number;
}

export type DropReason = "no-speech" | "repetition" | "no-words";

export interface WindowScores {
  text: string;
  /** Null: not measured, allowed only where noSpeechMatters() is false. */
  noSpeechProb: number | null;
  avgLogprob: number;
}

/** UTF-8 bytes over zlib-compressed bytes: high for "the the the the ...". */
export function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length === 0) return 0;
  return bytes.length / deflateSync(bytes).length;
}

/**
 * What Whisper says on silence and noise (measured on whisper-tiny: " you" on digital silence
 * with a confident -0.6 average log-probability, "Thank you." on white noise; the peers'
 * issue trackers list the rest). Normalised: lower case, no punctuation.
 */
const SILENCE_PHRASES = new Set([
  "you",
  "thank you",
  "thank you very much",
  "thanks for watching",
  "thank you for watching",
  "thanks for watching and see you next time",
  "please subscribe",
  "bye",
  "so",
]);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}']+/gu, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
}

/**
 * True when the text is a stock silence phrase, or only repeats words of the prompt: with
 * device names as the prompt, whisper-tiny answers noise with "living room".
 */
export function isSilenceEcho(text: string, prompt = ""): boolean {
  const said = words(text);
  if (SILENCE_PHRASES.has(said.join(" "))) return true;
  const prompted = new Set(words(prompt));
  return said.length > 0 && prompted.size > 0 && said.every((w) => prompted.has(w));
}

/**
 * True when the text only repeats items of the prompt's list in the prompt's order: after
 * "Hey Jarvis, kitchen light, kitchen lights, cooker light, living room lamp, ..." whisper-tiny
 * often writes "Hey Jarvis, kitchen light, living room lamp," for a command said after the
 * wake phrase, going on with its prompt instead of hearing the audio (hearing bench, session
 * 26: 29 of 223 misses on clean paused clips). Items are split at commas and full stops; the
 * last may stop short of its item's end ("Hey Jarvis, kitchen light, floor"). An item said
 * again counts as copied too, and the prompt's first item, `wakePhrase`, heard with its first
 * word wrong: "Here Jarvis, kitchen light, kitchen light, living room, hall" (34 clean clips of
 * the wake-phrase decode bench, session 30, none caught before).
 */
export function copiesPrompt(text: string, prompt: string, wakePhrase?: string): boolean {
  const said = listItems(text);
  const items = listItems(prompt);
  if (said.length === 0) return false;
  let at = 0;
  for (const [i, item] of said.entries()) {
    const last = i === said.length - 1;
    const isItem = (candidate: readonly string[]) =>
      startsWith(candidate, item) && (last || candidate.length === item.length);
    if (i === 0 && wakePhrase && sameButFirstWord(words(wakePhrase), item)) {
      at = items.findIndex((candidate) => sameButFirstWord(candidate, item)) + 1;
      continue;
    }
    // A loop back to an item already written ("kitchen light, living room, kitchen light").
    if (said.slice(0, i).some(isItem)) continue;
    const found = items.findIndex((candidate, k) => k >= at && isItem(candidate));
    if (found < 0) return false;
    at = found + 1;
  }
  return true;
}

/**
 * True when the text, after the wake phrase, is two or more of the prompt's names in any order,
 * each maybe one word off ("bathroom light" for "bedroom light", "kitchen lamp"), the last
 * maybe cut short or one word of Whisper's own: "Hey Jarvis, kitchen light, bathroom" for *set
 * the thermostat to eighteen degrees*, "Hey Jarvis, kitchen light, kitchen lamp, floor" for *dim
 * the kitchen light to twenty percent*. Whisper went on with its prompt's list, as copiesPrompt
 * says, but too loosely to be sure enough to decode again (read again, such texts gained 6
 * commands and made one wrong action: "switch off the living room lamp." for *on*, session 45):
 * the guided pass reads it as no evidence of what was said instead (guide.ts, other-words).
 * A last item that says on, off, up, down or a number is a command's, not a name.
 */
export function listsPromptNames(text: string, prompt: string, wakePhrase?: string): boolean {
  let said = listItems(text);
  const wake = wakePhrase ? words(wakePhrase) : [];
  const first = said[0];
  if (first && wake.length > 0 && (sameButFirstWord(wake, first) || sameWords(wake, first)))
    said = said.slice(1);
  if (said.length < 2 || said.some((item) => item.length > 3)) return false;
  const names = listItems(prompt).filter((item) => !sameWords(item, wake));
  const isName = (item: readonly string[]) =>
    names.some((name) => sameWords(name, item) || oneWordOff(name, item));
  const cutShort = (item: readonly string[]) => names.some((name) => startsWith(name, item));
  const last = said[said.length - 1] ?? [];
  const lastIsOwnWord = last.length === 1 && !STATE_WORDS.has(last[0] ?? "") && !hasNumber(last[0] ?? "");
  return said.slice(0, -1).every(isName) && (isName(last) || cutShort(last) || lastIsOwnWord);
}

/** Words that make a list's last item a command's, with numbers (hasNumber): a state or a direction. */
const STATE_WORDS = new Set(["on", "off", "up", "down"]);

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((w, i) => b[i] === w);
}

/** "bathroom light" for "bedroom light": two or more words, all but one the same. */
function oneWordOff(name: readonly string[], heard: readonly string[]): boolean {
  return (
    name.length >= 2 && heard.length === name.length && heard.filter((w, i) => name[i] !== w).length === 1
  );
}

/** "here jarvis" for "hey jarvis": two or more words, all but the first the same. */
function sameButFirstWord(expected: readonly string[], heard: readonly string[]): boolean {
  return (
    expected.length >= 2 &&
    heard.length === expected.length &&
    expected.every((word, i) => i === 0 || heard[i] === word)
  );
}

/** "Hey Jarvis, kitchen light." -> [["hey", "jarvis"], ["kitchen", "light"]]. */
function listItems(text: string): string[][] {
  return text
    .split(/[,.;]/)
    .map(words)
    .filter((item) => item.length > 0);
}

function startsWith(item: readonly string[], start: readonly string[]): boolean {
  return start.length <= item.length && start.every((w, i) => item[i] === w);
}

/**
 * Why a decoded window is not a transcript, or null when it is one. As the reference: a
 * window is silence when the no-speech probability is high and the text is not confident
 * (or, added for commands, the text is what Whisper says on silence or an echo of the
 * prompt); a repetition loop compresses too well; text with no letters or digits ("...",
 * "♪") is dropped too.
 */
export function dropReason(
  scores: WindowScores,
  thresholds: QualityThresholds,
  prompt = "",
): DropReason | null {
  if (!/[\p{L}\p{N}]/u.test(scores.text)) return "no-words";
  if (scores.noSpeechProb !== null && scores.noSpeechProb > thresholds.noSpeech) {
    if (scores.avgLogprob <= thresholds.logprob || isSilenceEcho(scores.text, prompt)) return "no-speech";
  }
  if (compressionRatio(scores.text) > thresholds.compressionRatio) return "repetition";
  return null;
}

/**
 * Whether dropReason() can depend on the no-speech probability: only for text with words
 * that is not confident or echoes silence or the prompt. Otherwise a prompted window need
 * not pay for the decoder call that measures it (decode.ts, probeNoSpeech).
 */
export function noSpeechMatters(
  scores: Omit<WindowScores, "noSpeechProb">,
  thresholds: QualityThresholds,
  prompt = "",
): boolean {
  if (!/[\p{L}\p{N}]/u.test(scores.text)) return false;
  return scores.avgLogprob <= thresholds.logprob || isSilenceEcho(scores.text, prompt);
}

/**
 * Where to cut generated tokens whose tail has become a loop (Whisper tiny can repeat one
 * phrase until the token budget runs out), keeping one copy; null while there is no loop.
 * A pattern of `period` tokens counts as a loop once it repeats max(3, ceil(8 / period))
 * times back to back, so "no no no" stays but eight identical tokens do not.
 */
export function repetitionCut(tokens: readonly number[], maxPeriod = 16): number | null {
  const n = tokens.length;
  for (let period = 1; period <= maxPeriod; period++) {
    const repeats = Math.max(3, Math.ceil(8 / period));
    const span = repeats * period;
    if (span > n) break;
    let looping = true;
    for (let i = n - span; i < n - period && looping; i++) {
      looping = tokens[i] === tokens[i + period];
    }
    if (looping) return n - (repeats - 1) * period;
  }
  return null;
}
