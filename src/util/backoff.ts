/**
 * Capped exponential backoff with jitter, as a pure function: the caller passes the attempt
 * number and a random source, so tests need no timers and no Math.random.
 */
export interface BackoffPolicy {
  /** Delay before the first retry (attempt 0), in seconds. */
  initialSeconds: number;
  /** Upper bound of any delay, in seconds (jitter included). */
  maxSeconds: number;
  /** Growth per attempt; defaults to 2. */
  factor?: number;
}

/**
 * Seconds to wait before retry number `attempt` (0-based). The un-jittered delay doubles
 * from `initialSeconds` up to `maxSeconds`; "equal jitter" then picks a point in its upper
 * half, so many boards that lost power together do not retry in lock-step, yet no retry
 * comes sooner than half the planned delay (pure "full jitter" can retry at once, which
 * for a dead device only burns CPU).
 *
 * @param random returns a number in [0, 1), e.g. Math.random
 */
export function backoffSeconds(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const factor = policy.factor ?? 2;
  const steps = Math.max(0, Math.floor(attempt));
  // Cap the exponent so huge attempt numbers cannot overflow to Infinity * 0 = NaN.
  const planned = Math.min(policy.maxSeconds, policy.initialSeconds * factor ** Math.min(steps, 64));
  const r = Math.min(Math.max(random(), 0), 1);
  return planned / 2 + (planned / 2) * r;
}
