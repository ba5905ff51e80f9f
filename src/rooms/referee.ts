import { bestClaim, type Claim, type RoundRef } from "./claims.js";

/**
 * Decides which board of a group answers a wake word, from the messages the broker delivered
 * and when (this board's own clock, in seconds). Pure and clock-free: the transport feeds
 * arrivals and asks for a verdict at a time it names.
 *
 * The broker is the referee. Every board hears every message on the group's topic, its own
 * included, in the one order the broker took them. The claims of one utterance form a round,
 * opened by the first claim delivered; the board that opened it sends a *close* once the window
 * has passed on its own clock, and the claims the broker took before the first close of the
 * round are the ones that can win. As every board sees the same claims before the same close,
 * all of them pick the same winner, however late each one reads its socket: a busy board whose
 * window timer fires before it has read the claims already waiting for it (Node runs expired
 * timers before it polls sockets) only decides later, never differently.
 *
 * If the opener's close does not come (the opener died, or its loop is stalled), every other
 * claimant of the round sends one a window later; the first in the broker's order counts.
 * If no close comes at all within the same-utterance horizon (the broker lost them), each board
 * decides from its own arrival times, so no run ever hangs. Timestamps inside claims are never
 * used: skewed clocks do no harm.
 */
export interface Arrival {
  claim: Claim;
  /** This board's clock when the broker delivered the claim, in seconds. */
  at: number;
}

export type Reason =
  /** Won against other claims of the round, or lost to a better one. */
  | "best"
  | "outranked"
  /** The only claim of the round. */
  | "alone"
  /** Our claim came after the round's close: another board already answers. */
  | "late"
  /** Our claim never came back (broker slow, or it refused the publish). */
  | "no-echo"
  /** Not connected to the broker: no claim was sent, the board acts alone at once. */
  | "offline";

export type Verdict =
  /** Undecided until `until` or the next delivery; `close`: send a close for that round now. */
  | { state: "pending"; until: number; close?: RoundRef }
  | {
      state: "decided";
      won: boolean;
      reason: Reason;
      /** The claim that answers, when one is known. */
      winner: Claim | null;
      /** The claims that could win (before the close), ours included when it was one of them. */
      claims: Claim[];
      /** Claims of the round that came after its close. */
      late: Claim[];
    };

const EPSILON = 1e-6;

interface Round {
  arrivals: Arrival[];
  /** How many arrivals came before the round's first close; null while it is open. */
  closedAfter: number | null;
  /** This board has sent its close of the round (once). */
  closeSent: boolean;
}

export class Referee {
  readonly #window: number;
  /** Claims this long after a round's opening still belong to it (and are late); later ones open a new round. */
  readonly #horizon: number;
  #rounds: Round[] = [];

  constructor(windowSeconds: number, horizonSeconds = Math.max(1.5, 3 * windowSeconds)) {
    this.#window = windowSeconds;
    this.#horizon = Math.max(horizonSeconds, 3 * windowSeconds);
  }

  get windowSeconds(): number {
    return this.#window;
  }

  /** A claim the broker delivered (our own included), at this board's clock `at` (never earlier than the previous). */
  arrived(claim: Claim, at: number): void {
    const last = this.#rounds.at(-1);
    const time = Math.max(at, last?.arrivals.at(-1)?.at ?? at);
    // The same claim twice (a broker redelivery, or someone replaying it) counts once.
    if (this.#find(claim.site, claim.runId)) return;
    const opened = last?.arrivals[0]?.at ?? Number.NEGATIVE_INFINITY;
    if (last && time <= opened + this.#horizon + EPSILON) last.arrivals.push({ claim, at: time });
    else this.#rounds.push({ arrivals: [{ claim, at: time }], closedAfter: null, closeSent: false });
    this.#prune(time);
  }

  /** A close the broker delivered: the round `round` opened is over (only its first close counts). */
  closed(round: RoundRef): void {
    const found = this.#find(round.site, round.runId);
    if (found && found.index === 0 && found.round.closedAfter === null)
      found.round.closedAfter = found.round.arrivals.length;
  }

  /** This board has sent the close `verdict` asked for: it is not asked again. */
  sentClose(round: RoundRef): void {
    const found = this.#find(round.site, round.runId);
    if (found) found.round.closeSent = true;
  }

  /**
   * The verdict on our claim `own`, sent at `sentAt`, as of `now`: pending until a named time
   * (perhaps with a close to send), or decided. The transport resolves once, so a decision
   * stands whatever arrives after it. `timeouts`: decisions by elapsed time are allowed (the
   * transport asks on its timer, once the waiting messages are read); while it is reading them
   * (false) only a close decides, so a burst read after a stall is judged whole.
   */
  verdict(own: Claim, sentAt: number, now: number, timeouts = true): Verdict {
    const found = this.#find(own.site, own.runId);
    if (!found) return this.#withoutEcho(own, sentAt, timeouts ? now : Number.NEGATIVE_INFINITY);
    const { round, index } = found;
    if (round.closedAfter !== null) return rank(round.arrivals, round.closedAfter, index);
    const opened = round.arrivals[0]?.at ?? now;
    // The broker lost every close: decide by our own arrival times rather than hang.
    const giveUp = opened + this.#horizon;
    if (timeouts && now >= giveUp - EPSILON) {
      const inTime = round.arrivals.filter((a) => a.at < opened + this.#window - EPSILON).length;
      return rank(round.arrivals, inTime, index);
    }
    // The opener closes after the window; the others a window later, in case it cannot.
    const closeAt = opened + this.#window * (index === 0 ? 1 : 2);
    if (round.closeSent) return { state: "pending", until: giveUp };
    if (now < closeAt - EPSILON) return { state: "pending", until: closeAt };
    const first = round.arrivals[0]?.claim ?? own;
    return { state: "pending", until: giveUp, close: { site: first.site, runId: first.runId } };
  }

  /**
   * Our claim has not come back. For two windows we wait; after that it reached no one as far
   * as we can tell, so the others decided without it: we answer only if no one else claimed.
   */
  #withoutEcho(own: Claim, sentAt: number, now: number): Verdict {
    const until = sentAt + 2 * this.#window;
    if (now < until - EPSILON) return { state: "pending", until };
    const others = this.#rounds
      .flatMap((round) => round.arrivals)
      .filter((a) => a.at >= sentAt - this.#window)
      .map((a) => a.claim);
    const winner = others.length === 0 ? own : bestClaim(others);
    return {
      state: "decided",
      won: others.length === 0,
      reason: "no-echo",
      winner,
      claims: others,
      late: [],
    };
  }

  #find(site: string, runId: string): { round: Round; index: number } | null {
    for (const round of this.#rounds) {
      const index = round.arrivals.findIndex((a) => a.claim.site === site && a.claim.runId === runId);
      if (index >= 0) return { round, index };
    }
    return null;
  }

  /** Rounds long over are forgotten (a verdict is asked for within a horizon of its claim). */
  #prune(now: number): void {
    const keepFrom = now - 4 * this.#horizon;
    while (this.#rounds.length > 1 && (this.#rounds[0]?.arrivals[0]?.at ?? now) < keepFrom)
      this.#rounds.shift();
  }
}

/** The decision for the claim at `index`, when the first `contestants` arrivals could win. */
function rank(arrivals: Arrival[], contestants: number, index: number): Verdict {
  const claims = arrivals.slice(0, contestants).map((a) => a.claim);
  const late = arrivals.slice(contestants).map((a) => a.claim);
  const winner = claims.length > 0 ? bestClaim(claims) : null;
  if (index >= contestants) return { state: "decided", won: false, reason: "late", winner, claims, late };
  const won = winner === arrivals[index]?.claim;
  const reason = claims.length === 1 ? "alone" : won ? "best" : "outranked";
  return { state: "decided", won, reason, winner, claims, late };
}
