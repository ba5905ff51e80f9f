/**
 * Spoken and written numbers: "21", "21.5", "twenty one", "twenty-one" (tokenised as two
 * words), "a hundred", "one hundred and five", "twenty one point five", "one and a half".
 * The whole span must be a number: "twenty one lights" is not one, so template matching
 * can try spans of different lengths and only whole numbers match.
 */

import { TENS_WORDS, UNIT_WORDS } from "../../util/number-words.js";

export { TENS_WORDS, UNIT_WORDS };

/** A whole number 0-999 in words, as people say it: 21 -> "twenty one", 105 -> "one hundred five". */
export function numberToWords(n: number): string {
  if (n < 20) return UNIT_WORDS[n] as string;
  if (n < 100) {
    const tens = TENS_WORDS[Math.floor(n / 10) - 2] as string;
    return n % 10 ? `${tens} ${UNIT_WORDS[n % 10]}` : tens;
  }
  const rest = n % 100;
  return `${UNIT_WORDS[Math.floor(n / 100)]} hundred${rest ? ` ${numberToWords(rest)}` : ""}`;
}

/** Read as well: "oh" for zero, the common misspelling "fourty". */
const UNITS: Record<string, number> = { ...Object.fromEntries(UNIT_WORDS.map((w, i) => [w, i])), oh: 0 };
const TENS: Record<string, number> = {
  ...Object.fromEntries(TENS_WORDS.map((w, i) => [w, 20 + 10 * i])),
  fourty: 40,
};

const DIGITS = /^\d+(\.\d+)?$/;

export function parseNumber(words: readonly string[]): number | null {
  if (words.length === 0) return null;
  let end = words.length;
  let half = 0;
  if (end >= 4 && words[end - 3] === "and" && words[end - 2] === "a" && words[end - 1] === "half") {
    half = 0.5;
    end -= 3;
  }
  const pointAt = words.indexOf("point");
  const intEnd = pointAt >= 0 && pointAt < end ? pointAt : end;
  const whole = parseWhole(words.slice(0, intEnd));
  if (whole === null) return null;
  if (intEnd === end) return whole + half;
  if (half) return null;
  const decimals = parseDecimals(words.slice(intEnd + 1, end));
  return decimals === null ? null : Number(`${whole}.${decimals}`);
}

function parseWhole(words: readonly string[]): number | null {
  const [first] = words;
  if (first === undefined) return null;
  if (words.length === 1 && DIGITS.test(first)) return Number(first);
  let total = 0;
  let current = 0;
  let last: "none" | "unit" | "teen" | "tens" | "hundred" | "and" | "a" = "none";
  for (const word of words) {
    const unit = UNITS[word];
    const tens = TENS[word];
    if (unit !== undefined) {
      if (last === "unit" || last === "teen" || last === "a" || (last === "tens" && unit >= 10)) return null;
      if (last === "tens" && unit === 0) return null;
      current += unit;
      last = unit >= 10 ? "teen" : "unit";
    } else if (tens !== undefined) {
      if (last === "unit" || last === "teen" || last === "tens" || last === "a") return null;
      current += tens;
      last = "tens";
    } else if ((word === "a" || word === "an") && last === "none") {
      current = 1;
      last = "a";
    } else if (word === "hundred") {
      if (last === "none" || last === "hundred" || last === "and" || current >= 100) return null;
      current *= 100;
      last = "hundred";
    } else if (word === "thousand") {
      if (last === "none" || last === "and") return null;
      total += current * 1000;
      current = 0;
      last = "hundred";
    } else if (word === "and" && last === "hundred") {
      last = "and";
    } else return null;
  }
  if (last === "a" || last === "and") return null;
  return total + current;
}

function parseDecimals(words: readonly string[]): string | null {
  if (words.length === 0) return null;
  let out = "";
  for (const word of words) {
    if (/^\d+$/.test(word)) out += word;
    else {
      const unit = UNITS[word];
      if (unit === undefined || unit > 9) return null;
      out += String(unit);
    }
  }
  return out;
}
