/**
 * Waiting for what a test means (a condition that becomes true, an event that fires) instead
 * of for a while: on a busy machine things happen later, not differently. The ceiling only
 * turns a hang into a failure that says what never happened, so it is generous on purpose;
 * a test must never depend on it being reached or not.
 */
export const CEILING_MS = 30_000;

export interface WaitOptions {
  /** Fail after this long (default CEILING_MS). A safety net, not a timing assertion. */
  ceilingMs?: number;
  /** What was awaited, or a function giving the state seen, for the failure message. */
  what?: string | (() => string);
}

function describe(what: WaitOptions["what"]): string {
  return typeof what === "function" ? what() : (what ?? "a condition");
}

/** Resolves with the first truthy value of `check`, polled every few milliseconds. */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitOptions = {},
): Promise<T> {
  const ceilingMs = options.ceilingMs ?? CEILING_MS;
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - start > ceilingMs)
      throw new Error(`waited ${ceilingMs} ms for ${describe(options.what)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `promise`, or a failure naming it once the ceiling passes (the timer never outlives it). */
export async function withCeiling<T>(promise: Promise<T>, options: WaitOptions = {}): Promise<T> {
  const ceilingMs = options.ceilingMs ?? CEILING_MS;
  let timer: NodeJS.Timeout | undefined;
  const ceiling = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`waited ${ceilingMs} ms for ${describe(options.what)}`)),
      ceilingMs,
    );
  });
  try {
    return await Promise.race([promise, ceiling]);
  } finally {
    clearTimeout(timer);
  }
}
