/**
 * The timers of one board, as a pure object: every call takes the time (`Now`), nothing here
 * reads a clock or starts a timer, so tests step through hours in microseconds. A running timer
 * counts down on the monotonic clock (a wall-clock jump from NTP must not ring it early); its
 * wall-clock end (`endsAt`) is what survives a restart, when the monotonic clock starts over.
 */

/** The two clocks, in milliseconds: `mono` only ever moves forward; `wall` is the epoch time. */
export interface Now {
  mono: number;
  wall: number;
}

/** What is stored and published about a timer. */
export interface TimerRecord {
  id: string;
  /** "pasta" for "pasta timer"; null when none was given. */
  name: string | null;
  area: string | null;
  site: string;
  /** The duration it was set for, in seconds, adjustments included ("add five minutes"). */
  seconds: number;
  /** Wall-clock ms when it was started. */
  startedAt: number;
  /** Wall-clock ms when it ends; null while paused. */
  endsAt: number | null;
  paused: boolean;
  /** Ms left when paused (for a running timer, at the time the record was taken). */
  remainingMs: number;
}

/** Which timers a request is about: by name, by duration, "the last one", "all timers", or the only one. */
export interface TimerSelector {
  site: string;
  name?: string | null;
  /** The duration it was set for, in seconds ("cancel the 10 minute timer"). */
  seconds?: number | null;
  area?: string | null;
  which?: "only" | "last" | "all";
}

export type Selection =
  | { kind: "found"; timers: TimerRecord[] }
  | { kind: "none" }
  /** Several match and the request did not say which (nor "all"). */
  | { kind: "ambiguous"; timers: TimerRecord[] };

export interface FinishedTimer {
  timer: TimerRecord;
  /** How long after its end it was taken (0 on time; minutes when the daemon was down). */
  lateMs: number;
}

interface Live {
  record: Omit<TimerRecord, "remainingMs" | "endsAt">;
  /** Ms left at `anchorMono`. */
  remainingAtAnchor: number;
  anchorMono: number;
  /** Wall ms at `anchorMono`: endsAt = anchorWall + remainingAtAnchor while running. */
  anchorWall: number;
}

export const MAX_TIMER_SECONDS = 86_400;
/** A flood of "set a timer" cannot grow the state without bound. */
export const MAX_TIMERS_PER_SITE = 20;

export class TimerEngine {
  readonly #timers = new Map<string, Live>();
  #nextId = 1;

  /** Starts a timer; null when the site already has MAX_TIMERS_PER_SITE or the duration is out of range. */
  start(
    request: { seconds: number; name?: string | null; area?: string | null; site: string },
    now: Now,
  ): TimerRecord | null {
    if (!(request.seconds > 0 && request.seconds <= MAX_TIMER_SECONDS)) return null;
    if (this.list(request.site, now).length >= MAX_TIMERS_PER_SITE) return null;
    const id = `t${this.#nextId++}`;
    this.#timers.set(id, {
      record: {
        id,
        name: request.name ?? null,
        area: request.area ?? null,
        site: request.site,
        seconds: request.seconds,
        startedAt: now.wall,
        paused: false,
      },
      remainingAtAnchor: request.seconds * 1000,
      anchorMono: now.mono,
      anchorWall: now.wall,
    });
    return this.#snapshot(id, now);
  }

  /** Timers of `site` (every site when null), the one ending soonest first. */
  list(site: string | null, now: Now): TimerRecord[] {
    return [...this.#timers.values()]
      .filter((t) => site === null || t.record.site === site)
      .map((t) => this.#snapshot(t.record.id, now))
      .sort((a, b) => a.remainingMs - b.remainingMs || a.startedAt - b.startedAt);
  }

  get(id: string, now: Now): TimerRecord | null {
    return this.#timers.has(id) ? this.#snapshot(id, now) : null;
  }

  select(selector: TimerSelector, now: Now): Selection {
    let timers = this.list(selector.site, now);
    if (selector.name) timers = timers.filter((t) => t.name === selector.name);
    if (selector.seconds) timers = timers.filter((t) => t.seconds === selector.seconds);
    if (selector.area) timers = timers.filter((t) => t.area === selector.area);
    if (timers.length === 0) return { kind: "none" };
    if (selector.which === "all") return { kind: "found", timers };
    if (selector.which === "last") {
      const later = (a: TimerRecord, b: TimerRecord) =>
        b.startedAt > a.startedAt || (b.startedAt === a.startedAt && idNumber(b.id) > idNumber(a.id));
      const last = timers.reduce((a, b) => (later(a, b) ? b : a));
      return { kind: "found", timers: [last] };
    }
    return timers.length === 1 ? { kind: "found", timers } : { kind: "ambiguous", timers };
  }

  /** Removes a timer; its last record, or null when there was none. */
  cancel(id: string, now: Now): TimerRecord | null {
    const record = this.get(id, now);
    this.#timers.delete(id);
    return record;
  }

  /**
   * Adds (or with a negative delta takes away) seconds. Taking away more than is left ends
   * it at once (the next takeDue() finishes it); null when there is no such timer or it would
   * run past MAX_TIMER_SECONDS.
   */
  adjust(id: string, deltaSeconds: number, now: Now): TimerRecord | null {
    const live = this.#timers.get(id);
    if (!live) return null;
    this.#reanchor(live, now);
    const remaining = Math.max(0, live.remainingAtAnchor + deltaSeconds * 1000);
    if (remaining > MAX_TIMER_SECONDS * 1000) return null;
    live.remainingAtAnchor = remaining;
    live.record.seconds = Math.max(1, live.record.seconds + deltaSeconds);
    return this.#snapshot(id, now);
  }

  pause(id: string, now: Now): TimerRecord | null {
    const live = this.#timers.get(id);
    if (!live) return null;
    this.#reanchor(live, now);
    live.record.paused = true;
    return this.#snapshot(id, now);
  }

  unpause(id: string, now: Now): TimerRecord | null {
    const live = this.#timers.get(id);
    if (!live) return null;
    this.#reanchor(live, now);
    live.record.paused = false;
    return this.#snapshot(id, now);
  }

  /** Ms until the next running timer ends (0 when one is due); null when none runs. */
  nextDueMs(now: Now): number | null {
    const running = this.list(null, now).filter((t) => !t.paused);
    return running.length === 0 ? null : Math.max(0, running[0]?.remainingMs ?? 0);
  }

  /** Removes and returns the running timers that have ended, the earliest end first. */
  takeDue(now: Now): FinishedTimer[] {
    const due = this.list(null, now).filter((t) => !t.paused && t.remainingMs <= 0);
    for (const timer of due) this.#timers.delete(timer.id);
    return due.map((timer) => ({
      timer: { ...timer, remainingMs: 0 },
      lateMs: Math.max(0, -timer.remainingMs),
    }));
  }

  /**
   * Puts back the timers of a previous process (the records it stored). A running timer's
   * time left is its wall-clock end minus now, so it continues where it would have been; one
   * whose end passed while the daemon was down is due at once and takeDue() reports how late.
   * Records that make no sense (a duplicate id, a duration out of range) are skipped.
   */
  restore(records: readonly TimerRecord[], now: Now): number {
    let restored = 0;
    for (const record of records) {
      if (this.#timers.has(record.id) || !(record.seconds > 0 && record.seconds <= MAX_TIMER_SECONDS))
        continue;
      const remaining = record.paused ? record.remainingMs : (record.endsAt ?? now.wall) - now.wall;
      this.#timers.set(record.id, {
        record: {
          id: record.id,
          name: record.name,
          area: record.area,
          site: record.site,
          seconds: record.seconds,
          startedAt: record.startedAt,
          paused: record.paused,
        },
        remainingAtAnchor: Math.min(remaining, MAX_TIMER_SECONDS * 1000),
        anchorMono: now.mono,
        anchorWall: now.wall,
      });
      const n = idNumber(record.id);
      if (n >= this.#nextId) this.#nextId = n + 1;
      restored++;
    }
    return restored;
  }

  /** Moves the anchor to now, so later changes count from here. */
  #reanchor(live: Live, now: Now): void {
    if (!live.record.paused) live.remainingAtAnchor -= now.mono - live.anchorMono;
    live.anchorMono = now.mono;
    live.anchorWall = now.wall;
  }

  #snapshot(id: string, now: Now): TimerRecord {
    const live = this.#timers.get(id) as Live;
    const elapsed = live.record.paused ? 0 : now.mono - live.anchorMono;
    const remainingMs = live.remainingAtAnchor - elapsed;
    return {
      ...live.record,
      remainingMs,
      endsAt: live.record.paused ? null : live.anchorWall + live.remainingAtAnchor,
    };
  }
}

/** t12 -> 12 (ids count up, so a higher number was started later); 0 for any other id. */
function idNumber(id: string): number {
  const n = Number(/^t(\d+)$/.exec(id)?.[1]);
  return Number.isSafeInteger(n) ? n : 0;
}
