/**
 * Reconnect delay: capped exponential backoff with "equal jitter" (half fixed, half random),
 * so boards that lost the broker together do not reconnect in lock-step, yet never retry
 * sooner than half the planned delay. Pure: the caller passes the attempt and a random source.
 *
 * @param attempt 0 for the first retry after a failure
 * @param random returns a number in [0, 1)
 */
export function reconnectDelaySeconds(
  attempt: number,
  policy: { minSeconds: number; maxSeconds: number },
  random: () => number,
): number {
  const steps = Math.min(Math.max(0, Math.floor(attempt)), 32);
  const planned = Math.min(policy.maxSeconds, policy.minSeconds * 2 ** steps);
  const r = Math.min(Math.max(random(), 0), 1);
  return planned / 2 + (planned / 2) * r;
}
