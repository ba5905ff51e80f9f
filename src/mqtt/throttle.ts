/** Runs `run` after `delayMs`; returns a cancel function. */
export type Schedule = (run: () => void, delayMs: number) => () => void;

const timerSchedule: Schedule = (run, delayMs) => {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Runs an action at once on the first request, then at most once per `intervalMs`: requests
 * in between collapse into one run at the end of the interval. For answering messages
 * anyone can send (Home Assistant's `online`): 2,000 of them cost two rounds of publishes,
 * not 2,000, and the last one is still answered. The clock and timer are injected for tests.
 */
export class LeadingThrottle {
  #last = Number.NEGATIVE_INFINITY;
  #cancel: (() => void) | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly schedule: Schedule = timerSchedule,
  ) {}

  request(action: () => void): void {
    if (this.#cancel) return; // a run at the end of this interval is already due
    const wait = this.#last + this.intervalMs - this.now();
    if (wait <= 0) {
      this.#last = this.now();
      action();
      return;
    }
    this.#cancel = this.schedule(() => {
      this.#cancel = null;
      this.#last = this.now();
      action();
    }, wait);
  }

  dispose(): void {
    this.#cancel?.();
    this.#cancel = null;
  }
}
