import type { Readable } from "node:stream";

/**
 * Iterates a byte stream until it ends or the signal aborts. Reads with `read()` and waits
 * for "readable" rather than using the stream's async iterator, because an iterator's
 * pending read cannot be cancelled: after an abort it would still take (and lose) the next
 * chunk, or, on a quiet stdin, wait forever. This way an abort leaves the stream open and
 * unread, so the daemon can reopen its audio source on the same stdin (SIGHUP).
 */
export async function* readChunks(
  stream: NodeJS.ReadableStream,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const readable = stream as Readable;
  while (!signal.aborted) {
    const chunk = readable.read() as Buffer | string | null;
    if (chunk !== null) {
      yield typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk;
      continue;
    }
    if (readable.errored) throw readable.errored;
    if (readable.readableEnded || readable.destroyed) return;
    if ((await nextEvent(readable, signal)) !== "readable") return;
  }
}

/** Resolves on the stream's next "readable" or "end", or the abort; rejects on "error". */
function nextEvent(stream: Readable, signal: AbortSignal): Promise<"readable" | "end" | "aborted"> {
  return new Promise((resolve, reject) => {
    const settle = (outcome: "readable" | "end" | "aborted") => {
      cleanup();
      resolve(outcome);
    };
    const onReadable = () => settle("readable");
    const onEnd = () => settle("end");
    const onClose = () => settle("end");
    const onAbort = () => settle("aborted");
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      stream.off("readable", onReadable);
      stream.off("end", onEnd);
      stream.off("close", onClose);
      stream.off("error", onError);
      signal.removeEventListener("abort", onAbort);
    };
    stream.on("readable", onReadable);
    stream.on("end", onEnd);
    stream.on("close", onClose);
    stream.on("error", onError);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
