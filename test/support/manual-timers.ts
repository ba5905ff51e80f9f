import type { Clock, Sleep } from "../../src/audio/timing.js";
import { withCeiling } from "./wait-for.js";

interface Pending {
  due: number;
  resolve: () => void;
}

/**
 * A clock that moves only when the test says so, for code that takes an injected Sleep and
 * Clock: a sleep stays pending until advance() passes its end, so a test steps through
 * timeouts and backoffs exactly, however busy the machine is, and never waits for them.
 * Like the real sleep, an aborted sleep returns at once.
 */
export class ManualTimers {
  private nowMs = 0;
  private readonly pending = new Set<Pending>();
  /** Checks run after each new sleep, for sleeping(). */
  private readonly watchers = new Set<() => void>();
  /** Every delay asked for, in order (aborted ones included). */
  readonly asked: number[] = [];

  readonly clock: Clock = () => this.nowMs;

  readonly sleep: Sleep = (ms, signal) => {
    this.asked.push(ms);
    if (signal.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry: Pending = {
        due: this.nowMs + ms,
        resolve: () => {
          this.pending.delete(entry);
          signal.removeEventListener("abort", entry.resolve);
          resolve();
        },
      };
      this.pending.add(entry);
      signal.addEventListener("abort", entry.resolve, { once: true });
      for (const watcher of [...this.watchers]) watcher();
    });
  };

  /** Time left of each pending sleep, soonest first. */
  pendingMs(): number[] {
    return [...this.pending].map((p) => p.due - this.nowMs).sort((a, b) => a - b);
  }

  /** Resolves once a sleep with `remainingMs` left is pending: the code under test waits on the clock. */
  async sleeping(remainingMs: number): Promise<void> {
    const found = () => this.pendingMs().includes(remainingMs);
    if (found()) return;
    let watcher = () => {};
    try {
      await withCeiling(
        new Promise<void>((resolve) => {
          watcher = () => found() && resolve();
          this.watchers.add(watcher);
        }),
        { what: () => `a pending ${remainingMs} ms sleep (pending: ${JSON.stringify(this.pendingMs())})` },
      );
    } finally {
      this.watchers.delete(watcher);
    }
  }

  /** Moves the clock `ms` forward and ends the sleeps due by then, soonest first. */
  advance(ms: number): void {
    this.nowMs += ms;
    const due = [...this.pending].filter((p) => p.due <= this.nowMs).sort((a, b) => a.due - b.due);
    for (const entry of due) entry.resolve();
  }
}
