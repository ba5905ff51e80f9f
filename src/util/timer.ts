/**
 * Runs `callback` once after `ms` unless the returned function cancels it first. Injected
 * where a timeout matters (a player to kill, a gate to reopen) so tests step a manual clock
 * instead of waiting; `keepAlive: false` lets the process exit while it is pending.
 */
export type StartTimer = (ms: number, callback: () => void, options?: { keepAlive?: boolean }) => () => void;

export const realTimer: StartTimer = (ms, callback, options) => {
  const timer = setTimeout(callback, ms);
  if (options?.keepAlive === false) timer.unref();
  return () => clearTimeout(timer);
};
