import type { Clock, Sleep } from "../../src/audio/timing.js";
import type { StartTimer } from "../../src/util/timer.js";
import { withCeiling } from "./wait-for.js";

interface Pending {
  due: number;
  fire: () => void;
}

/**
 * A clock that moves only when the test says so, for code that takes an injected Sleep,
 * StartTimer or Clock: a sleep or timer stays pending until advance() passes its end, so a
 * test steps through timeouts and backoffs exactly, however busy the machine is, and never
 * waits for them. Like the real ones, an aborted sleep returns at once and a cancelled
 * timer never fires.
 */
export class ManualTimers {
  private nowMs = 0;
  private readonly pending = new Set<Pending>();
  /** Checks run after each new sleep or timer, for waiting(). */
  private readonly watchers = new Set<() => void>();
  /** Every delay asked for, in order (aborted and cancelled ones included). */
  readonly asked: number[] = [];

  readonly clock: Clock = () => this.nowMs;

  readonly sleep: Sleep = (ms, signal) => {
    this.asked.push(ms);
    if (signal.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.add(ms, () => {
        signal.removeEventListener("abort", end);
        resolve();
      });
      const end = () => {
        cancel();
        resolve();
      };
      signal.addEventListener("abort", end, { once: true });
    });
  };

  readonly timer: StartTimer = (ms, callback) => {
    this.asked.push(ms);
    return this.add(ms, callback);
  };

  /** Time left of each pending sleep and timer, soonest first. */
  pendingMs(): number[] {
    return [...this.pending].map((p) => p.due - this.nowMs).sort((a, b) => a - b);
  }

  /** Resolves once a sleep or timer with `remainingMs` left is pending: the code under test waits on the clock. */
  async waiting(remainingMs: number): Promise<void> {
    const found = () => this.pendingMs().includes(remainingMs);
    if (found()) return;
    let watcher = () => {};
    try {
      await withCeiling(
        new Promise<void>((resolve) => {
          watcher = () => found() && resolve();
          this.watchers.add(watcher);
        }),
        { what: () => `a pending ${remainingMs} ms wait (pending: ${JSON.stringify(this.pendingMs())})` },
      );
    } finally {
      this.watchers.delete(watcher);
    }
  }

  /** Moves the clock `ms` forward and fires what is due by then, soonest first. */
  advance(ms: number): void {
    this.nowMs += ms;
    const due = [...this.pending].filter((p) => p.due <= this.nowMs).sort((a, b) => a.due - b.due);
    for (const entry of due) {
      if (!this.pending.delete(entry)) continue; // cancelled by one fired before it
      entry.fire();
    }
  }

  private add(ms: number, fire: () => void): () => void {
    const entry: Pending = { due: this.nowMs + Math.max(0, ms), fire };
    this.pending.add(entry);
    for (const watcher of [...this.watchers]) watcher();
    return () => {
      this.pending.delete(entry);
    };
  }
}
