/**
 * A token bucket as a pure object: the caller passes the time, so tests need no timers.
 * `burst` tokens fit in the bucket; it refills at `perSecond`. Each accepted message takes one.
 */
export class TokenBucket {
  #tokens: number;
  #at: number | null = null;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.#tokens = burst;
  }

  /** True (and one token spent) when a message may pass at `nowMs`. */
  take(nowMs: number): boolean {
    if (this.#at !== null && nowMs > this.#at)
      this.#tokens = Math.min(this.burst, this.#tokens + ((nowMs - this.#at) / 1000) * this.perSecond);
    // A clock that goes back (wall-clock step) never adds tokens.
    this.#at = this.#at === null ? nowMs : Math.max(this.#at, nowMs);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
