import { TENS_WORDS, UNIT_WORDS } from "../text/numbers.js";
import type { Network } from "./graph.js";

const UNITS = UNIT_WORDS;
const TENS = TENS_WORDS;

/** Unit words of durations, as text/duration.ts reads them. */
const DURATION_UNITS = [
  "hour",
  "hours",
  "minute",
  "minutes",
  "second",
  "seconds",
  "min",
  "mins",
  "sec",
  "secs",
];

/**
 * Numbers 0-100 in the forms Whisper writes them: digits ("40", "18.5") and words ("forty",
 * "forty five", "forty-five" spells the same, "a hundred"), optionally "and a half" or
 * "point five". The
 * slot's range (brightness 0-100, temperature) is checked by the matcher and the policy.
 */
export function buildNumber(net: Network): void {
  const end = net.node();
  net.final(end);
  for (let n = 0; n <= 100; n++) net.word(0, end, String(n));
  // Halves as Whisper writes them ("18.5 degrees"); "twenty one point five" below.
  for (let n = 0; n < 100; n++) net.word(0, end, `${n}.5`);
  for (const unit of UNITS) net.word(0, end, unit);
  const tens = net.node();
  for (const ten of TENS) net.word(0, tens, ten);
  net.empty(tens, end);
  for (const unit of UNITS.slice(1, 10)) net.word(tens, end, unit);
  const hundred = net.node();
  net.word(0, hundred, "a");
  net.word(0, hundred, "one");
  net.word(hundred, end, "hundred");
  const fraction = net.node();
  net.final(fraction);
  net.phrase(end, ["and", "a", "half"], fraction);
  const point = net.node();
  net.word(end, point, "point");
  for (const digit of [...UNITS.slice(0, 10), ..."0123456789"]) net.word(point, fraction, digit);
}

/**
 * Timer durations: "10 minutes", "ten minutes", "an hour", "an hour and a half", "half an
 * hour", "a quarter of an hour", "one and a half hours", "2 hours and 5 minutes".
 */
export function buildDuration(net: Network, number: Network): void {
  const amount = net.node();
  const unit = net.node();
  net.final(unit);
  net.call(0, amount, number);
  for (const article of ["a", "an"]) net.word(0, amount, article);
  net.phrase(0, ["half", "a"], amount);
  net.phrase(0, ["half", "an"], amount);
  for (const start of [
    ["a", "quarter", "of", "an"],
    ["quarter", "of", "an"],
    ["three", "quarters", "of", "an"],
  ]) {
    net.phrase(0, start, amount);
  }
  for (const word of DURATION_UNITS) net.word(amount, unit, word);
  const done = net.node();
  net.final(done);
  net.phrase(unit, ["and", "a", "half"], done);
  const second = net.node();
  net.empty(unit, second);
  net.word(unit, second, "and");
  const secondAmount = net.node();
  net.call(second, secondAmount, number);
  for (const word of DURATION_UNITS) net.word(secondAmount, done, word);
}

/** A list of phrases ("kitchen light", "living room lamp") as a word trie: shared prefixes once. */
export function buildPhrases(net: Network, phrases: Iterable<readonly string[]>): void {
  const children = new Map<string, number>();
  for (const words of phrases) {
    if (words.length === 0) continue;
    let at = 0;
    for (const word of words) {
      const key = `${at}:${word}`;
      let next = children.get(key);
      if (next === undefined) {
        next = net.node();
        children.set(key, next);
        net.word(at, next, word);
      }
      at = next;
    }
    net.final(at);
  }
}
