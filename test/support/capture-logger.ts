import { Writable } from "node:stream";
import pino from "pino";
import type { Logger } from "../../src/util/logger.js";

/** A pino logger whose JSON lines land in `lines` (to check what people would read). */
export function captureLogger(level = "debug"): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: pino({ level }, stream), lines };
}
