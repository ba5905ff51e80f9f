import type { EventBus } from "./bus.js";
import type { InputRejectedEvent } from "./types.js";

type Reason = InputRejectedEvent["reason"];

export interface RejectionReporterOptions {
  bus: EventBus;
  site: string;
  /** Monotonic ms. */
  clock: () => number;
  /** Runs `flush` after `ms` (setTimeout by default; tests pass their own). */
  schedule?: (flush: () => void, ms: number) => void;
  /** Least time between two events of one reason. */
  intervalMs?: number;
  /** What was refused (default `text`). */
  source?: "text" | "satellite";
}

/**
 * Turns refused inputs into `input-rejected` events without letting a flood become a flood of
 * events: the first refusal of a burst is reported at once, later ones are summed and reported
 * (with their count) at most once per interval, the remainder by a trailing flush. Every
 * refusal is counted in some event.
 */
export class RejectionReporter {
  readonly #pending = new Map<Reason, number>();
  readonly #lastAt = new Map<Reason, number>();
  readonly #scheduled = new Set<Reason>();
  readonly #intervalMs: number;

  constructor(private readonly options: RejectionReporterOptions) {
    this.#intervalMs = options.intervalMs ?? 1000;
  }

  reject(reason: Reason): void {
    this.#pending.set(reason, (this.#pending.get(reason) ?? 0) + 1);
    const last = this.#lastAt.get(reason);
    const now = this.options.clock();
    if (last === undefined || now - last >= this.#intervalMs) {
      this.#flush(reason);
      return;
    }
    if (this.#scheduled.has(reason)) return;
    this.#scheduled.add(reason);
    const schedule = this.options.schedule ?? ((flush, ms) => setTimeout(flush, ms).unref());
    schedule(
      () => {
        this.#scheduled.delete(reason);
        this.#flush(reason);
      },
      this.#intervalMs - (now - last),
    );
  }

  #flush(reason: Reason): void {
    const count = this.#pending.get(reason) ?? 0;
    if (count === 0) return;
    this.#pending.delete(reason);
    this.#lastAt.set(reason, this.options.clock());
    const source = this.options.source ?? "text";
    this.options.bus.emit({ type: "input-rejected", site: this.options.site, source, reason, count });
  }
}
