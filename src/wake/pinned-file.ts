import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/**
 * A shipped asset's bytes, read whole and checked against the sha256 it was pinned to (null:
 * read without a check, a candidate under test). `unusable` turns what went wrong into the
 * caller's own error, so each asset names itself and the setting that does without it.
 */
export function readPinned(file: string, sha256: string | null, unusable: (why: string) => Error): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw unusable(`cannot be read (${(error as Error).message})`);
  }
  if (sha256 === null) return bytes;
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== sha256) throw unusable(`has sha256 ${actual}, expected ${sha256}`);
  return bytes;
}
