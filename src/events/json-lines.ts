import type { EventBus } from "./bus.js";

/**
 * `--events json`: one JSON object per line on stdout and nothing else there (logs go
 * to stderr). A reader that goes away (`| head`) must not crash the daemon: after EPIPE
 * the printer stops writing.
 */
export function printEventsAsJsonLines(bus: EventBus, out: NodeJS.WritableStream): () => void {
  let closed = false;
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") closed = true;
  };
  out.on("error", onError);
  const unsubscribe = bus.onAny((event) => {
    if (!closed) out.write(`${JSON.stringify(event)}\n`);
  });
  return () => {
    unsubscribe();
    out.off("error", onError);
  };
}
