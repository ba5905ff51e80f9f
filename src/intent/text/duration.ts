import { parseNumber } from "./numbers.js";

/** Home Assistant's timer slots. Only the units that were spoken (or carried into) are present. */
export interface Duration {
  hours?: number;
  minutes?: number;
  seconds?: number;
}

type Unit = "hours" | "minutes" | "seconds";

const UNIT_WORDS: Record<string, Unit> = {
  hour: "hours",
  hours: "hours",
  hr: "hours",
  hrs: "hours",
  minute: "minutes",
  minutes: "minutes",
  min: "minutes",
  mins: "minutes",
  second: "seconds",
  seconds: "seconds",
  sec: "seconds",
  secs: "seconds",
};

const UNIT_SECONDS: Record<Unit, number> = { hours: 3600, minutes: 60, seconds: 1 };
const SMALLER: Record<Unit, Unit | null> = { hours: "minutes", minutes: "seconds", seconds: null };

/**
 * "90 seconds", "an hour and a half", "half an hour", "one and a half hours",
 * "2 hours and 5 minutes", "a quarter of an hour". The whole span must be a duration.
 * A fraction carries into the next smaller unit: 1.5 hours -> {hours: 1, minutes: 30}.
 */
export function parseDuration(words: readonly string[]): Duration | null {
  const out: Duration = {};
  let amountWords: string[] = [];
  let lastUnit: Unit | null = null;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const unit = UNIT_WORDS[word];
    if (unit === undefined) {
      if (word === "and" && amountWords.length === 0 && lastUnit) {
        if (words[i + 1] === "a" && words[i + 2] === "half" && i + 3 === words.length) {
          if (!addAmount(out, lastUnit, 0.5)) return null;
          return out;
        }
        continue;
      }
      amountWords.push(word);
      continue;
    }
    const amount = parseAmount(amountWords);
    if (amount === null || out[unit] !== undefined) return null;
    if (!addAmount(out, unit, amount)) return null;
    amountWords = [];
    lastUnit = unit;
  }
  if (amountWords.length > 0 || lastUnit === null) return null;
  return out;
}

function parseAmount(words: readonly string[]): number | null {
  const text = words.join(" ");
  if (text === "a" || text === "an" || text === "one") return 1;
  if (text === "half a" || text === "half an") return 0.5;
  if (text === "a quarter of an" || text === "quarter of an" || text === "a quarter of a") return 0.25;
  if (text === "three quarters of an") return 0.75;
  return parseNumber(words);
}

/** Adds `amount` of `unit`, carrying fractions down; false when it cannot be expressed. */
function addAmount(out: Duration, unit: Unit, amount: number): boolean {
  if (!Number.isFinite(amount) || amount < 0) return false;
  const whole = Math.floor(amount);
  const fraction = amount - whole;
  if (whole > 0 || fraction === 0) out[unit] = (out[unit] ?? 0) + whole;
  if (fraction === 0) return true;
  const smaller = SMALLER[unit];
  if (!smaller) return false;
  const carried = (fraction * UNIT_SECONDS[unit]) / UNIT_SECONDS[smaller];
  return addAmount(out, smaller, Math.round(carried * 1000) / 1000);
}

export function durationSeconds(duration: Duration): number {
  return (duration.hours ?? 0) * 3600 + (duration.minutes ?? 0) * 60 + (duration.seconds ?? 0);
}
