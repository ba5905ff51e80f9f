import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Manifest, ModelEntry } from "../../../src/models/manifest.js";

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Deterministic bytes so tests can corrupt one and know the hash changes. */
export function bytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export interface TempDir {
  dir: string;
  write(relative: string, data: Buffer | string): string;
  cleanup(): void;
}

export function tempDir(prefix = "edge-voice-models-"): TempDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    write(relative, data) {
      const full = path.join(dir, relative);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, data);
      return full;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A one-file model entry pinned to `data`, downloadable from `url`. */
export function entryFor(
  id: string,
  files: Record<string, Buffer | null>,
  extra: Partial<ModelEntry> = {},
  url = "https://example.invalid/",
): ModelEntry {
  const unpinned = Object.values(files).some((d) => d === null);
  return {
    id,
    kind: "vad",
    description: `test model ${id}`,
    license: "MIT",
    ...(unpinned ? { unpinned: true } : {}),
    files: Object.entries(files).map(([name, data]) => ({
      name,
      size: data ? data.length : null,
      sha256: data ? sha256(data) : null,
      sources: [{ url: `${url}${id}/${name}` }],
    })),
    ...extra,
  };
}

export function manifestOf(...models: ModelEntry[]): Manifest {
  return { version: 1, models };
}
