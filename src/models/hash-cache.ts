import { createHash } from "node:crypto";
import { createReadStream, readFileSync, renameSync, type Stats, writeFileSync } from "node:fs";
import path from "node:path";
import { makeDirs } from "../config/paths.js";

/** sha256 of a file, streamed (GGUF files run to gigabytes). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

interface Entry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

export interface HashCacheOptions {
  /** Computes a file's sha256; tests count the calls. */
  hasher?: (file: string) => Promise<string>;
}

/**
 * Remembers hashes by path + size + mtime so start-up on a board does not re-read
 * hundreds of megabytes each time. A file changed in place gets a new mtime and is
 * hashed again. Stored as JSON in the state directory; a lost or corrupt cache only
 * costs one re-hash. (A change that keeps size and mtime, which takes deliberate
 * effort, goes unseen: `models.verify: always` or `edge-voice models verify` re-hash.)
 */
export class HashCache {
  #entries: Record<string, Entry> = {};
  #dirty = false;
  #hashed = 0;
  readonly #hasher: (file: string) => Promise<string>;

  constructor(
    private readonly file: string | null,
    options: HashCacheOptions = {},
  ) {
    this.#hasher = options.hasher ?? sha256File;
    if (!file) return;
    try {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
        this.#entries = parsed as Record<string, Entry>;
      }
    } catch {
      this.#entries = {};
    }
  }

  /** How many files this instance actually read and hashed (the rest came from the cache). */
  get hashedCount(): number {
    return this.#hashed;
  }

  async hash(file: string, stats: Stats, useCache: boolean): Promise<string> {
    const cached = this.#entries[file];
    if (useCache && cached && cached.size === stats.size && cached.mtimeMs === stats.mtimeMs)
      return cached.sha256;
    const sha256 = await this.#hasher(file);
    this.#hashed++;
    this.#entries[file] = { size: stats.size, mtimeMs: stats.mtimeMs, sha256 };
    this.#dirty = true;
    return sha256;
  }

  /** Writes atomically; a read-only state directory just means no cache. */
  save(): void {
    if (!this.file || !this.#dirty) return;
    try {
      makeDirs(path.dirname(this.file));
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.#entries));
      renameSync(tmp, this.file);
      this.#dirty = false;
    } catch {
      // Not fatal: hashing again next start is the only cost.
    }
  }
}
