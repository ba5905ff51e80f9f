import { bestClaim, type Claim } from "./claims.js";

/**
 * Decides which board of a group answers a wake word, from the claims the broker delivered
 * and when (this board's own clock, in seconds). Pure and clock-free: the transport feeds
 * arrivals and asks for a verdict at a time it names.
 *
 * The broker is the referee's clock. Each board hears every claim back from the broker, its
 * own included, and times them all by their arrival: the claims of one utterance form a
 * round, opened by the first to arrive, and only those that arrive within the window of that
 * opening can win. A board whose own claim came back after the window is late and loses; so
 * does a board that never heard it back while others claimed. As every board receives the
 * same messages in the broker's order, they agree on the round without comparing clocks:
 * timestamps in claims are never used, so skewed clocks do no harm. A slow board's claim
 * (slow detection or a slow link) comes back late to every board, itself included.
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
  /** Our claim came back after the round's window had closed: another board already answers. */
  | "late"
  /** Our claim never came back within the window (broker slow, or it refused the publish). */
  | "no-echo"
  /** Not connected to the broker: no claim was sent, the board acts alone at once. */
  | "offline";

export type Verdict =
  | { state: "pending"; until: number }
  | {
      state: "decided";
      won: boolean;
      reason: Reason;
      /** The claim that answers, when one is known. */
      winner: Claim | null;
      /** The claims that could win (arrived within the window), ours included when it did. */
      claims: Claim[];
      /** Claims of the round that arrived after the window. */
      late: Claim[];
    };

const EPSILON = 1e-6;

interface Round {
  opener: number;
  arrivals: Arrival[];
}

export class Referee {
  readonly #window: number;
  /** Claims this long after a round's opening still belong to it (and are late); later ones open a new round. */
  readonly #horizon: number;
  #rounds: Round[] = [];

  constructor(windowSeconds: number, horizonSeconds = Math.max(1.5, 3 * windowSeconds)) {
    this.#window = windowSeconds;
    this.#horizon = Math.max(horizonSeconds, windowSeconds);
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
    if (last && time <= last.opener + this.#horizon + EPSILON) last.arrivals.push({ claim, at: time });
    else this.#rounds.push({ opener: time, arrivals: [{ claim, at: time }] });
    this.#prune(time);
  }

  /**
   * The verdict on our claim `own`, sent at `sentAt`, as of `now`: pending until a named time,
   * or decided. The transport resolves once, so a decision stands whatever arrives after it.
   */
  verdict(own: Claim, sentAt: number, now: number): Verdict {
    const found = this.#find(own.site, own.runId);
    if (!found) return this.#withoutEcho(own, sentAt, now);
    const { round, arrival } = found;
    const closes = round.opener + this.#window;
    // Strictly before the window ends, so a claim arriving just as a board decides is late
    // whichever came first; a microsecond of slack, so float rounding never splits equal gaps.
    const inTime = (a: Arrival) => a.at < closes - EPSILON;
    const claims = round.arrivals.filter(inTime).map((a) => a.claim);
    const late = round.arrivals.filter((a) => !inTime(a)).map((a) => a.claim);
    if (!inTime(arrival)) return decided(false, "late", null, claims, late);
    if (now < closes - EPSILON) return { state: "pending", until: closes };
    const winner = bestClaim(claims);
    const won = winner === arrival.claim;
    const reason = claims.length === 1 ? "alone" : won ? "best" : "outranked";
    return { state: "decided", won, reason, winner, claims, late };
  }

  /**
   * Our claim has not come back. Within the window we wait; after it, the claim reached no one
   * as far as we can tell, so the others decided without it: we answer only if no one else claimed.
   */
  #withoutEcho(own: Claim, sentAt: number, now: number): Verdict {
    const until = sentAt + this.#window;
    if (now < until - EPSILON) return { state: "pending", until };
    const others = this.#rounds
      .flatMap((round) => round.arrivals)
      .filter((a) => a.at >= sentAt - this.#window)
      .map((a) => a.claim);
    return decided(others.length === 0, "no-echo", own, others, []);
  }

  #find(site: string, runId: string): { round: Round; arrival: Arrival } | null {
    for (const round of this.#rounds) {
      const arrival = round.arrivals.find((a) => a.claim.site === site && a.claim.runId === runId);
      if (arrival) return { round, arrival };
    }
    return null;
  }

  /** Rounds long over are forgotten (a verdict is asked for within a window of its claim). */
  #prune(now: number): void {
    const keepFrom = now - 4 * this.#horizon;
    while (this.#rounds.length > 1 && (this.#rounds[0]?.opener ?? now) < keepFrom) this.#rounds.shift();
  }
}

/** A decision without a ranking of our claim: `own` wins when `won`, else the best of the others. */
function decided(won: boolean, reason: Reason, own: Claim | null, claims: Claim[], late: Claim[]): Verdict {
  const winner = won ? own : claims.length > 0 ? bestClaim(claims) : null;
  return { state: "decided", won, reason, winner, claims, late };
}
