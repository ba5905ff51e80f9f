import { type Clock, realClock } from "../../audio/timing.js";
import type { EventBus } from "../../events/bus.js";
import type { TimerInfo } from "../../events/types.js";
import type { Logger } from "../../util/logger.js";
import { realTimer, type StartTimer } from "../../util/timer.js";
import { type Now, type Selection, TimerEngine, type TimerRecord, type TimerSelector } from "./engine.js";
import type { TimerStore } from "./store.js";

export interface TimerServiceOptions {
  bus: EventBus;
  /** Where the timers survive a restart; null keeps them in memory only. */
  store: TimerStore | null;
  logger: Logger;
  /** Monotonic ms (tests: ManualTimers.clock). */
  clock?: Clock;
  /** Epoch ms (tests: a number they set). */
  wallClock?: () => number;
  /** Wakes the service when the next timer ends (tests: ManualTimers.timer). */
  timer?: StartTimer;
}

/**
 * The board's timers, running: the pure engine with the clocks, one pending timer for the
 * next end, the state file, and the events. Every change is saved at once and emitted
 * (`timer-started`, `-updated`, `-cancelled`, `-finished`); what rings is feedback's business,
 * driven by `timer-finished`.
 */
export class TimerService {
  readonly #engine = new TimerEngine();
  readonly #options: TimerServiceOptions;
  readonly #clock: Clock;
  readonly #wall: () => number;
  readonly #timer: StartTimer;
  #cancelWake: (() => void) | null = null;
  #started = false;

  constructor(options: TimerServiceOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#wall = options.wallClock ?? Date.now;
    this.#timer = options.timer ?? realTimer;
  }

  now(): Now {
    return { mono: this.#clock(), wall: this.#wall() };
  }

  /**
   * Restores the stored timers: those still running continue, those that ended while the
   * daemon was down finish now with their `lateSeconds` (feedback says "ended 3 minutes ago").
   * An unreadable file is logged once, kept aside, and the board starts with no timers.
   */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const { store, logger } = this.#options;
    const loaded = store?.load(this.#wall()) ?? { kind: "ok" as const, timers: [] };
    if (loaded.kind === "bad") {
      logger.warn(
        { file: store?.file, keptAs: loaded.keptAs, reason: loaded.reason },
        "timers: the state file is unreadable; starting with no timers (the bad file is kept aside)",
      );
    } else if (loaded.timers.length > 0) {
      const restored = this.#engine.restore(loaded.timers, this.now());
      logger.info({ restored }, "timers: restored from the state file");
    }
    this.#wake();
  }

  /** Stops waking for timer ends (the stored list stays for the next start). Idempotent. */
  stop(): void {
    this.#started = false;
    this.#cancelWake?.();
    this.#cancelWake = null;
  }

  list(site: string | null): TimerRecord[] {
    return this.#engine.list(site, this.now());
  }

  select(selector: TimerSelector): Selection {
    return this.#engine.select(selector, this.now());
  }

  startTimer(
    request: { seconds: number; name?: string | null; area?: string | null; site: string },
    runId?: string,
  ): TimerRecord | null {
    const timer = this.#engine.start(request, this.now());
    if (timer) this.#changed("timer-started", timer, runId);
    return timer;
  }

  cancel(id: string, runId?: string): TimerRecord | null {
    const timer = this.#engine.cancel(id, this.now());
    if (timer) this.#changed("timer-cancelled", timer, runId);
    return timer;
  }

  adjust(id: string, deltaSeconds: number, runId?: string): TimerRecord | null {
    const timer = this.#engine.adjust(id, deltaSeconds, this.now());
    if (timer) this.#changed("timer-updated", timer, runId);
    return timer;
  }

  pause(id: string, runId?: string): TimerRecord | null {
    const timer = this.#engine.pause(id, this.now());
    if (timer) this.#changed("timer-updated", timer, runId);
    return timer;
  }

  unpause(id: string, runId?: string): TimerRecord | null {
    const timer = this.#engine.unpause(id, this.now());
    if (timer) this.#changed("timer-updated", timer, runId);
    return timer;
  }

  #changed(
    type: "timer-started" | "timer-updated" | "timer-cancelled",
    timer: TimerRecord,
    runId?: string,
  ): void {
    this.#save();
    this.#options.bus.emit({ type, timer: timerInfo(timer), ...(runId ? { runId } : {}) });
    this.#wake();
  }

  /** Finishes what is due, then sets one pending timer for the next end. */
  #wake(): void {
    this.#cancelWake?.();
    this.#cancelWake = null;
    if (!this.#started) return;
    const due = this.#engine.takeDue(this.now());
    if (due.length > 0) this.#save();
    for (const { timer, lateMs } of due) {
      this.#options.bus.emit({
        type: "timer-finished",
        timer: timerInfo(timer),
        lateSeconds: Math.floor(lateMs / 1000),
      });
    }
    const next = this.#engine.nextDueMs(this.now());
    // A listener above may have stopped the service or changed the timers (and woken it again).
    if (next === null || !this.#started || this.#cancelWake) return;
    this.#cancelWake = this.#timer(Math.max(1, next), () => {
      this.#cancelWake = null;
      this.#wake();
    });
  }

  #save(): void {
    const { store, logger } = this.#options;
    if (!store) return;
    try {
      store.save(this.#engine.list(null, this.now()));
    } catch (error) {
      // The timers still run; only a restart would lose them. Said each time, as each save is one.
      logger.warn(
        { file: store.file, err: (error as Error).message },
        "timers: could not save the state file",
      );
    }
  }
}

export function timerInfo(timer: TimerRecord): TimerInfo {
  return {
    id: timer.id,
    name: timer.name,
    seconds: timer.seconds,
    endsAt: timer.endsAt === null ? null : new Date(timer.endsAt).toISOString(),
    site: timer.site,
    area: timer.area,
    paused: timer.paused,
    remainingSeconds: Math.max(0, Math.ceil(timer.remainingMs / 1000)),
  };
}
