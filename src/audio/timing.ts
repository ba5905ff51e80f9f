import { setTimeout as delay } from "node:timers/promises";

/** Waits `ms`, or less if the signal aborts; never rejects. Injected so tests need no timers. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** Monotonic milliseconds. Injected so pacing can be tested with a fake clock. */
export type Clock = () => number;

export const realSleep: Sleep = async (ms, signal) => {
  if (signal.aborted || ms <= 0) return;
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if ((error as Error).name !== "AbortError") throw error;
  }
};

export const realClock: Clock = () => performance.now();

/**
 * How long to wait before handing out audio that ends `audioEndMs` into the input, when
 * `elapsedMs` have passed since the first frame: a microphone delivers a frame once its
 * last sample has been spoken. Scheduling against the start (not frame to frame) keeps
 * sleep overshoot from accumulating into drift.
 */
export function paceDelayMs(audioEndMs: number, elapsedMs: number): number {
  return Math.max(0, audioEndMs - elapsedMs);
}
