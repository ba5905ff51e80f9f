import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { makeDirs } from "../../config/paths.js";
import type { TimerRecord } from "./engine.js";

const recordSchema = z.strictObject({
  id: z.string().min(1).max(32),
  name: z.string().max(64).nullable(),
  area: z.string().max(64).nullable(),
  site: z.string().min(1).max(128),
  seconds: z.number().positive().max(86_400),
  startedAt: z.number().finite(),
  endsAt: z.number().finite().nullable(),
  paused: z.boolean(),
  remainingMs: z.number().finite(),
});

const fileSchema = z.strictObject({ version: z.literal(1), timers: z.array(recordSchema).max(1000) });

export type LoadResult =
  | { kind: "ok"; timers: TimerRecord[] }
  /** The file could not be read or made no sense: it was renamed to `keptAs` (null if even that failed). */
  | { kind: "bad"; reason: string; keptAs: string | null };

/**
 * The timers' state file in the state directory (`timers.json`): the whole list, rewritten on
 * every change. Written as the outbox log rewrites itself: a temporary file, fsync, then rename,
 * so a power cut leaves the old list or the new one, never half of each. Timers change a few
 * times an hour, so the fsync costs nothing worth saving.
 */
export class TimerStore {
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, "timers.json");
  }

  /** The stored timers; a missing file is an empty list. Never throws. */
  load(wallMs: number): LoadResult {
    if (!existsSync(this.file)) return { kind: "ok", timers: [] };
    let reason: string;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.file, "utf8")));
      if (parsed.success) return { kind: "ok", timers: parsed.data.timers };
      reason = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`)
        .join("; ");
    } catch (error) {
      reason = (error as Error).message;
    }
    return { kind: "bad", reason, keptAs: this.#keepAside(wallMs) };
  }

  /** Replaces the stored list; throws the file system's error (the caller logs it). */
  save(timers: readonly TimerRecord[]): void {
    makeDirs(path.dirname(this.file));
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, `${JSON.stringify({ version: 1, timers }, null, 1)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }

  /** Renames a bad file out of the way (never deleted: someone may want to look at it). */
  #keepAside(wallMs: number): string | null {
    const kept = `${this.file}.bad-${new Date(wallMs).toISOString().replace(/[:.]/g, "-")}`;
    try {
      renameSync(this.file, kept);
      return kept;
    } catch {
      return null;
    }
  }
}
