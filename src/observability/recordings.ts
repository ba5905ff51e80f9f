import { accessSync, constants } from "node:fs";
import { readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { encodeWav } from "../audio/wav-writer.js";
import { makeDirs } from "../config/paths.js";
import { configError } from "../errors.js";
import type { Logger } from "../util/logger.js";

export interface RecordingWriterOptions {
  /** debug.recordings_dir: created if missing (mode 0700). */
  dir: string;
  /** debug.recordings_max_files: the oldest recordings beyond this are deleted. */
  maxFiles: number;
  logger?: Logger;
  /** Sample rate of what write() gets; 16 kHz (the internal format) by default. */
  sampleRate?: number;
  /** For file names; injectable for tests. */
  now?: () => Date;
}

/**
 * The opt-in debug recorder (debug.recordings_dir): one WAV per run, named
 * `<UTC time>_<run id>.wav`, readable only by the service's user. Off by default: audio never
 * touches the disk unless someone asks, and then the log says so at start, every start.
 */
export class RecordingWriter {
  readonly dir: string;
  readonly #options: RecordingWriterOptions;
  #warned = false;

  /** Checks the directory now, so a bad path fails at start (exit 78), not at the first run. */
  constructor(options: RecordingWriterOptions) {
    this.#options = options;
    this.dir = path.resolve(options.dir);
    try {
      makeDirs(this.dir, 0o700);
      accessSync(this.dir, constants.W_OK);
    } catch (error) {
      throw configError(
        `debug.recordings_dir ${this.dir} is not writable: ${(error as NodeJS.ErrnoException).code ?? error}`,
        "under systemd only the state directory is writable: use /var/lib/edge-voice/recordings, or set null",
      );
    }
    options.logger?.warn(
      { dir: this.dir, maxFiles: options.maxFiles },
      "debug recordings are ON: every run's audio is written to disk (set debug.recordings_dir: null to stop)",
    );
  }

  /** A writer when debug.recordings_dir is set, else null (the default). */
  static fromConfig(
    debug: { recordings_dir: string | null; recordings_max_files: number },
    logger?: Logger,
  ): RecordingWriter | null {
    if (!debug.recordings_dir) return null;
    return new RecordingWriter({ dir: debug.recordings_dir, maxFiles: debug.recordings_max_files, logger });
  }

  /**
   * Writes one run's audio (atomically: a partial file is never left under the final name) and
   * prunes the oldest. Resolves to the file's path, or null if writing failed: a full disk must
   * not break a run, so failures are logged (once as a warning) instead of thrown.
   */
  async write(runId: string, samples: Int16Array): Promise<string | null> {
    const stamp = (this.#options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, "-");
    const file = path.join(this.dir, `${stamp}_${runId.replace(/[^A-Za-z0-9_-]/g, "_")}.wav`);
    const partial = `${file}.partial`;
    try {
      await writeFile(partial, encodeWav(samples, this.#options.sampleRate), { mode: 0o600 });
      await rename(partial, file);
      await this.#prune();
      return file;
    } catch (error) {
      await rm(partial, { force: true }).catch(() => {});
      const message = `could not write a debug recording: ${(error as Error).message}`;
      if (this.#warned) this.#options.logger?.debug(message);
      else this.#options.logger?.warn(message);
      this.#warned = true;
      return null;
    }
  }

  async #prune(): Promise<void> {
    // Names start with an ISO time, so name order is age order.
    const recordings = (await readdir(this.dir)).filter((name) => name.endsWith(".wav")).sort();
    const excess = recordings.length - this.#options.maxFiles;
    for (const name of recordings.slice(0, Math.max(0, excess))) {
      await rm(path.join(this.dir, name), { force: true });
    }
  }
}
