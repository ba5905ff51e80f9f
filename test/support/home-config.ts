import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");

/** examples/home.yaml, the sample home the whole-daemon tests run (its devices, areas, site). */
export function sampleHome(): Record<string, unknown> & { devices: unknown[] } {
  return parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8"));
}

/**
 * The sample home with its state in `dir` and `changes` on top (top-level keys replace the
 * home's), written to `dir/<name>` for `edge-voice run --config`: that file's path.
 */
export function writeHomeConfig(
  dir: string,
  changes: Record<string, unknown> = {},
  name = "config.yaml",
): string {
  const file = path.join(dir, name);
  writeFileSync(file, stringify({ ...sampleHome(), state_dir: dir, ...changes }));
  return file;
}
