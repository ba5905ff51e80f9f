/**
 * Edits of a model's bytes applied in a row, each with a name, so that one that fails is
 * logged with its name and reason before the caller loads the file unedited (a slower or
 * larger model is then explained in the log, never silent).
 */

import { readFile } from "node:fs/promises";
import type { Logger } from "../util/logger.js";

/** One named edit of a model's bytes. */
export type Edit = readonly [name: string, apply: (model: Uint8Array) => Uint8Array];

/**
 * `bytes` through `edits` in order, or null when one throws: that edit and its reason are
 * logged before the caller loads the file unedited, so a slower or larger model is explained.
 */
export function applyEdits(
  file: string,
  bytes: Uint8Array,
  log: Logger | undefined,
  edits: readonly Edit[],
): Uint8Array | null {
  let model = bytes;
  for (const [name, apply] of edits) {
    try {
      model = apply(model);
    } catch (error) {
      log?.warn(
        { file, edit: name, err: error instanceof Error ? error.message : String(error) },
        "a model edit failed; loading the model file unedited",
      );
      return null;
    }
  }
  return model;
}

/** The file's bytes, or null when it cannot be read (then onnxruntime says so, naming the file). */
export async function readOrNull(file: string): Promise<Uint8Array | null> {
  return readFile(file).catch(() => null);
}
