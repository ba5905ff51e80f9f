import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";

/** Runs sox (installed by .ci/run) and fails loudly with its stderr. */
export function sox(...args: string[]): void {
  execFileSync("sox", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** The samples of a 16-bit mono WAV as sox wrote it (canonical 44-byte header is not assumed). */
export function soxSamples(file: string): Int16Array {
  const raw = `${file}.raw`;
  sox(file, "-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1", raw);
  const bytes = readFileSync(raw);
  rmSync(raw);
  return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
