/**
 * The other values a number in a command could have had: whisper-tiny mixes up numbers
 * that are not only teen/ten partners ("seventy five percent" came out as 25, 35 and 15 on
 * the bench), so a command's number is checked against every value of its slot (0-100, as
 * the sentence space's number network has them), written as the command writes its own.
 */

import { TENS_WORDS, UNIT_WORDS } from "../util/number-words.js";

const UNITS: readonly string[] = UNIT_WORDS;
const TENS: readonly string[] = TENS_WORDS;
/** The highest value of a number slot (brightness 0-100; temperatures and durations are lower). */
const MAX_VALUE = 100;

const byLength = (words: readonly string[]) => [...words].sort((a, b) => b.length - a.length);
// Longest first, so "seventeen" is not read as "seven", nor "one hundred" as "one".
const WORDS = `(?:a|one)[\\s-]+hundred|(?:${TENS.join("|")})(?:([\\s-]+)(?:${UNITS.slice(1, 10).join("|")}))?|${byLength(UNITS).join("|")}`;
const NUMBER = new RegExp(`\\b(?:(\\d+)(\\.\\d+)?|(${WORDS}))\\b`, "gi");
/** Any number at all, durations' "half" and "quarter" and a bare "hundred" too. */
const ANY_NUMBER = new RegExp(`\\d|\\b(?:${WORDS}|hundred|half|quarter)\\b`, "i");

/** True when the text has a number: digits or a number word ("21", "fifty", "an hour and a half"). */
export function hasNumber(text: string): boolean {
  return ANY_NUMBER.test(text);
}

/** A value 0-100 in words, the tens and units joined by `joiner` (" " or "-", as Whisper writes it). */
export function numberInWords(value: number, joiner = " "): string {
  if (value >= 100) return "one hundred";
  if (value < 20) return UNITS[value] as string;
  const ten = TENS[Math.floor(value / 10) - 2] as string;
  return value % 10 === 0 ? ten : `${ten}${joiner}${UNITS[value % 10]}`;
}

/** One number of a text: the text with each other value in its place. */
export interface NumberChoice {
  alternatives: string[];
  /**
   * One of them, with a value next to the text's own (75 -> 76): if the number is a slot
   * (not a digit in a device's name), the templates read it as the same command with
   * another value. One question to the templates per number, not one per value.
   */
  probe: string;
}

/**
 * For each number in the text (digits "75", "21.5", or words "seventy five", "seventy-five",
 * "a hundred"), the text with that number replaced by each other value 0-100 in the same
 * form: digits stay digits (with the same decimals), words stay words (same joiner, same
 * capital). Numbers above 100 are no slot's value and are left alone. Pure.
 */
export function numberChoices(text: string): NumberChoice[] {
  const out: NumberChoice[] = [];
  for (const match of text.matchAll(NUMBER)) {
    const [whole, digits, decimals, words, joiner] = match;
    const at = match.index ?? 0;
    const before = text.slice(0, at);
    const after = text.slice(at + whole.length);
    const own = digits !== undefined ? Number(digits) : wordsValue(words ?? "");
    if (own > MAX_VALUE) continue;
    const capital = /^[A-Z]/.test(whole);
    const write = (value: number) => {
      if (digits !== undefined) return `${value}${decimals ?? ""}`;
      const written = numberInWords(value, joiner?.includes("-") ? "-" : " ");
      return capital ? written.charAt(0).toUpperCase() + written.slice(1) : written;
    };
    const alternatives: string[] = [];
    for (let value = 0; value <= MAX_VALUE; value++) {
      if (value !== own) alternatives.push(before + write(value) + after);
    }
    out.push({ alternatives, probe: before + write(own < MAX_VALUE ? own + 1 : own - 1) + after });
  }
  return out;
}

/** Every alternative of every number (numberChoices), once. */
export function numberAlternatives(text: string): string[] {
  return [...new Set(numberChoices(text).flatMap((c) => c.alternatives))].filter((t) => t !== text);
}

/** A teen written in digits ("14%", "18 degrees"), not part of a longer number or a decimal. */
const TEEN_DIGITS = /(?<![\d.])(1[3-9])(?![\d]|\.\d)(\s*%)?/;

/** A command with its teen in words, and the same command with the teen's ten in words and digits. */
export interface TeenWords {
  /** "Set the lamp to fourteen percent." */
  own: string;
  /** "Set the lamp to forty percent." */
  partner: string;
  /** "Set the lamp to 40%.": what the templates are asked whether it is a command at all. */
  partnerDigits: string;
}

/**
 * The text's first teen in digits (13-19) spelled out, and its ten (14 -> 40) spelled out
 * too; null without one. Whisper writes "14%" whether it heard "fourteen" or "forty", and
 * the digits' tokens say little of how the number sounded; spelled out, "-teen" and "-ty"
 * are different tokens: on the hearing clips of seven voices, a ten said and written as a
 * teen was found out in words where the digits were not (forty: 3 of 3 en-gb-scotland
 * clips; thirty: 3 of 3), and no teen said lost its lead in words. Pure.
 */
export function teenInWords(text: string): TeenWords | null {
  const match = TEEN_DIGITS.exec(text);
  if (!match) return null;
  const [whole, digits, percent] = match;
  const teen = Number(digits);
  const ten = (teen - 10) * 10;
  const at = match.index;
  const before = text.slice(0, at);
  const after = text.slice(at + whole.length);
  const unit = percent ? " percent" : "";
  return {
    own: `${before}${numberInWords(teen)}${unit}${after}`,
    partner: `${before}${numberInWords(ten)}${unit}${after}`,
    partnerDigits: `${before}${ten}${percent ?? ""}${after}`,
  };
}

/** The value of number words as numberChoices() finds them ("seventy-five", "a hundred"). */
function wordsValue(words: string): number {
  const parts = words.toLowerCase().split(/[\s-]+/);
  if (parts.includes("hundred")) return 100;
  const [first, second] = parts as [string, string | undefined];
  const ten = TENS.indexOf(first);
  if (ten < 0) return UNITS.indexOf(first);
  return 20 + 10 * ten + (second ? UNITS.indexOf(second) : 0);
}
