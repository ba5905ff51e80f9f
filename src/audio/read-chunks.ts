/**
 * Iterates a byte stream until it ends or the signal aborts. A plain `for await` over a
 * stream would sit in its pending read after an abort until the next chunk arrives (on a
 * quiet stdin: forever), so each read is raced against the abort.
 */
export async function* readChunks(
  stream: NodeJS.ReadableStream,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  if (signal.aborted) return;
  const iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<"aborted">((resolve) => {
    onAbort = () => resolve("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === "aborted" || next.done) return;
      yield typeof next.value === "string" ? Buffer.from(next.value, "latin1") : next.value;
    }
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
    // Releases the stream's listeners; for a file or pipe this also closes it.
    void iterator.return?.();
  }
}
