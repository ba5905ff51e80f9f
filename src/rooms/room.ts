import type { StartTimer } from "../util/timer.js";
import type { Claim, RoomMessage } from "./claims.js";
import { type Reason, Referee, type Verdict } from "./referee.js";

/** What a board knows at its wake word, for its claim. */
export interface WakeClaim {
  runId: string;
  wakeWord: string;
  score: number;
  /** Speech over the noise floor, dB (see level.ts). */
  level: number;
  dbfs: number;
  audioMs: number;
}

/** The outcome of one claim: whether this board answers, and why. */
export interface ArbitrationDecision {
  won: boolean;
  reason: Reason;
  /** The site that answers, when known. */
  winner: string | null;
  /** The claims that could win (ours included when it counted), best first is not implied. */
  claims: Array<{ site: string; score: number; level: number }>;
  /** Claims of the same round that came after the window. */
  late: string[];
  /** From our claim to the decision, on this board's clock. */
  ms: number;
}

export interface RoomOptions {
  site: string;
  group: string;
  windowMs: number;
  /** Monotonic milliseconds (performance.now in the daemon; a manual clock in tests). */
  clock: () => number;
  timer: StartTimer;
  /**
   * Runs `fn` once the messages already waiting on the socket have been read (setImmediate in
   * the daemon: Node runs expired timers before it polls sockets, so a board whose event loop
   * was stalled would otherwise decide on a timer before reading the claims that came meanwhile).
   */
  afterReads?: (fn: () => void) => void;
  /**
   * Sends a claim or a close to the group; false when it cannot go now (not connected): a
   * board whose claim cannot go acts alone at once.
   */
  send: (message: RoomMessage) => boolean;
}

interface Pending {
  claim: Claim;
  sentAt: number;
  resolve: (decision: ArbitrationDecision) => void;
  cancelTimer: () => void;
}

/**
 * One board's place in a group: sends its claims, hears everyone's claims and closes (its own
 * included), sends the closes the referee asks for, and settles each claim by the referee's
 * verdict, re-asked whenever a message arrives and when the time it named is over (an injected
 * timer, so tests step through it without waiting).
 */
export class ArbitrationRoom {
  readonly #referee: Referee;
  readonly #pending = new Map<string, Pending>();

  constructor(private readonly options: RoomOptions) {
    this.#referee = new Referee(options.windowMs / 1000);
  }

  /** Claims this wake word; resolves with the decision (never rejects), at once when nothing can be sent. */
  claim(wake: WakeClaim): Promise<ArbitrationDecision> {
    const { site, group } = this.options;
    const claim: Claim = { v: 1, site, group, ...wake };
    const sentAt = this.options.clock();
    if (!this.options.send({ claim })) {
      const claims = [{ site, score: wake.score, level: wake.level }];
      return Promise.resolve({ won: true, reason: "offline", winner: site, claims, late: [], ms: 0 });
    }
    return new Promise((resolve) => {
      this.#pending.set(claim.runId, { claim, sentAt, resolve, cancelTimer: () => {} });
      this.#settle(claim.runId);
    });
  }

  /** A claim or close the broker delivered to this group (ours included). */
  received(message: RoomMessage): void {
    if ("claim" in message) {
      if (message.claim.group !== this.options.group) return;
      this.#referee.arrived(message.claim, this.options.clock() / 1000);
    } else {
      if (message.close.group !== this.options.group) return;
      this.#referee.closed(message.close.round);
    }
    for (const runId of [...this.#pending.keys()]) this.#settle(runId, false);
  }

  /** Shutdown: every claim still waiting is decided as won alone, so no run hangs on it. */
  dispose(): void {
    for (const [runId, pending] of this.#pending) {
      pending.cancelTimer();
      this.#pending.delete(runId);
      pending.resolve(
        this.#decision(pending, {
          state: "decided",
          won: true,
          reason: "offline",
          winner: pending.claim,
          claims: [pending.claim],
          late: [],
        }),
      );
    }
  }

  /** `onTime`: asked by the timer (after the waiting messages were read), so time limits may decide. */
  #settle(runId: string, onTime = true): void {
    const pending = this.#pending.get(runId);
    if (!pending) return;
    const now = this.options.clock();
    const verdict = this.#referee.verdict(pending.claim, pending.sentAt / 1000, now / 1000, onTime);
    pending.cancelTimer();
    if (verdict.state === "pending" && verdict.close) {
      const { site, group } = this.options;
      // Marked sent even when it could not go: the broker is gone, the give-up time decides.
      this.#referee.sentClose(verdict.close);
      this.options.send({ close: { v: 1, type: "close", group, site, round: verdict.close } });
      this.#settle(runId, onTime);
      return;
    }
    if (verdict.state === "pending") {
      const waitMs = Math.max(0, verdict.until * 1000 - now);
      const afterReads = this.options.afterReads ?? setImmediate;
      pending.cancelTimer = this.options.timer(Math.ceil(waitMs), () =>
        afterReads(() => this.#settle(runId)),
      );
      return;
    }
    this.#pending.delete(runId);
    pending.resolve(this.#decision(pending, verdict));
  }

  #decision(pending: Pending, verdict: Extract<Verdict, { state: "decided" }>): ArbitrationDecision {
    return {
      won: verdict.won,
      reason: verdict.reason,
      winner: verdict.winner?.site ?? null,
      claims: verdict.claims.map(({ site, score, level }) => ({ site, score, level })),
      late: verdict.late.map((claim) => claim.site),
      ms: Math.round(this.options.clock() - pending.sentAt),
    };
  }
}
