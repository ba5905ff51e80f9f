import type { TimerRecord } from "./engine.js";

/**
 * The words of the timer answers, pure functions of the timers so every phrase is tested.
 * Digits, not number words: espeak-ng reads "4 minutes 12 seconds" well, and the text
 * published on hermes/tts/say stays short for a display.
 */

/** "1 hour 30 minutes", "4 minutes 12 seconds", "45 seconds"; seconds are left out from an hour up. */
export function durationWords(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const parts: string[] = [];
  if (hours) parts.push(plural(hours, "hour"));
  if (minutes) parts.push(plural(minutes, "minute"));
  if (seconds && !hours) parts.push(plural(seconds, "second"));
  return parts.length ? parts.join(" ") : "0 seconds";
}

/** "10 minute", "1 hour 30 minute": a duration used before a noun ("a 10 minute timer"). */
export function durationAdjective(totalSeconds: number): string {
  return durationWords(totalSeconds).replace(/(hour|minute|second)s\b/g, "$1");
}

/** "pasta timer", or by its duration when it has no name: "10 minute timer". */
export function timerLabel(timer: Pick<TimerRecord, "name" | "seconds">): string {
  return timer.name ? `${timer.name} timer` : `${durationAdjective(timer.seconds)} timer`;
}

/** Time left, rounded up to a whole second (never "0 seconds" for a timer that still runs). */
export function leftWords(timer: Pick<TimerRecord, "remainingMs">): string {
  return durationWords(Math.max(1, Math.ceil(timer.remainingMs / 1000)));
}

export function startedSpeech(timer: TimerRecord): string {
  return `${timer.name ? `${timer.name} timer` : "timer"} set for ${durationWords(timer.seconds)}`;
}

/** "your pasta timer has 4 minutes 12 seconds left", "your 5 minute timer is paused with 3 minutes left". */
export function statusSpeech(timers: readonly TimerRecord[]): string {
  if (timers.length === 0) return "no timers are running";
  const lines = timers.map((t) =>
    t.paused
      ? `your ${timerLabel(t)} is paused with ${leftWords(t)} left`
      : `your ${timerLabel(t)} has ${leftWords(t)} left`,
  );
  return joinAnd(lines);
}

/** When the request did not say which: "which one: the pasta timer or the 10 minute timer?" */
export function whichSpeech(timers: readonly TimerRecord[]): string {
  return `which one: ${joinOr(timers.map((t) => `the ${timerLabel(t)}`))}?`;
}

/** "pasta timer cancelled", "3 timers cancelled". */
export function manySpeech(timers: readonly TimerRecord[], done: string): string {
  const [only] = timers;
  return timers.length === 1 && only ? `${timerLabel(only)} ${done}` : `${timers.length} timers ${done}`;
}

/** What rings: "your pasta timer is done". */
export function finishedSpeech(timer: Pick<TimerRecord, "name" | "seconds">): string {
  return `your ${timerLabel(timer)} is done`;
}

/** Said once at start for a timer that ended while the daemon was down: "your 10 minute timer ended 3 minutes ago". */
export function overdueSpeech(timer: Pick<TimerRecord, "name" | "seconds">, lateSeconds: number): string {
  const ago =
    lateSeconds < 60 ? durationWords(lateSeconds) : durationWords(Math.round(lateSeconds / 60) * 60);
  return `your ${timerLabel(timer)} ended ${ago} ago`;
}

function plural(n: number, unit: string): string {
  return `${n} ${n === 1 ? unit : `${unit}s`}`;
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/** Late by more than this, a finished timer is announced once with how long ago, not rung. */
export const OVERDUE_SECONDS = 30;

/** The words feedback's TimerRinger says for a finished timer. */
export function ringWords(event: { timer: Pick<TimerRecord, "name" | "seconds">; lateSeconds: number }): {
  text: string;
  overdue: boolean;
} {
  return event.lateSeconds > OVERDUE_SECONDS
    ? { text: overdueSpeech(event.timer, event.lateSeconds), overdue: true }
    : { text: finishedSpeech(event.timer), overdue: false };
}
