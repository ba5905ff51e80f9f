import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { APP_ROOT, npmPackageDir } from "../config/paths.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import { HashCache } from "./hash-cache.js";
import { loadManifest, type Manifest, type ModelEntry, type ModelFile } from "./manifest.js";

export interface LocatedFile {
  file: ModelFile;
  /** Absolute path where the file was found, or null when missing. */
  path: string | null;
  /** `models/` (the models directory) or `npm:<package>`; null when missing. */
  from: string | null;
  /** Every place that was looked at, for the "missing" message. */
  searched: string[];
}

export interface VerifiedModel {
  entry: ModelEntry;
  /** Absolute path of each file by its manifest name. */
  paths: Record<string, string>;
  /** Directory holding the model's files (its layout is the manifest's `name`s). */
  dir: string;
  /** Files accepted without a hash check because no public sha256 exists for them. */
  unpinned: string[];
}

export interface ModelStoreOptions {
  /** Searched first: `<dir>/<model id>/<file name>`. */
  modelsDir: string;
  /** Hash cache location; null disables caching. */
  cacheFile: string | null;
  manifest?: Manifest;
  /** Re-hash every file even when the cache knows it. */
  alwaysHash?: boolean;
  /** Injected cache (tests count hashes through it); overrides cacheFile. */
  hashCache?: HashCache;
  /** Where installed npm packages are searched from (default: the app root). */
  npmRoot?: string;
  /**
   * Relative model paths in the config (a custom wake word, a .gguf) are taken from here:
   * the directory the daemon was started from, the same one models.dir was resolved
   * against (default: the process's working directory).
   */
  cwd?: string;
}

/** The command that gets a model's files, for hints. */
export function fetchHint(entry: ModelEntry): string {
  const downloadable = entry.files.some((f) => f.sources.some((s) => "url" in s || "npmParts" in s));
  const npm = [...new Set(entry.files.flatMap((f) => f.sources.flatMap((s) => ("npm" in s ? [s.npm] : []))))];
  const parts: string[] = [];
  if (downloadable) {
    parts.push(
      `run \`scripts/fetch-models.sh ${entry.id}\` (on a machine with internet; copy models/${entry.id}/ over if this one has none)`,
    );
  }
  if (npm.length) parts.push(`reinstall with \`npm ci\` (the files ship in npm package ${npm.join(", ")})`);
  if (!parts.length) return "see models/README.md for where this model comes from";
  return `${parts.join(", or ")}; see models/README.md`;
}

/**
 * Finds model files (models directory first, then inside installed npm packages) and
 * checks them against the manifest's sizes and sha256 sums. Nothing downloads here:
 * a missing file is an error naming the command that fetches it.
 */
export class ModelStore {
  readonly manifest: Manifest;
  readonly #cache: HashCache;

  constructor(private readonly options: ModelStoreOptions) {
    this.manifest = options.manifest ?? loadManifest();
    this.#cache = options.hashCache ?? new HashCache(options.cacheFile);
  }

  get modelsDir(): string {
    return path.resolve(this.options.modelsDir);
  }

  /** Where relative model paths are resolved from. */
  get cwd(): string {
    return this.options.cwd ?? process.cwd();
  }

  /** Files this store hashed so far (the rest came from the cache). */
  get hashedCount(): number {
    return this.#cache.hashedCount;
  }

  has(id: string): boolean {
    return this.manifest.models.some((m) => m.id === id);
  }

  entry(id: string): ModelEntry {
    const entry = this.manifest.models.find((m) => m.id === id);
    if (!entry) {
      const known = this.manifest.models.map((m) => m.id).join(", ");
      throw new EdgeVoiceError("model-unknown", `unknown model "${id}"`, {
        exitCode: ExitCode.config,
        hint: `use one of: ${known}; or give a path to your own model file`,
      });
    }
    return entry;
  }

  /**
   * Where each file of a model is. A location holding every file (the models directory,
   * then each npm package) wins as a whole, so a half-copied models/<id>/ does not mix
   * with a complete npm copy and leave the model's directory without half its files.
   */
  locate(id: string): LocatedFile[] {
    const entry = this.entry(id);
    const perFile = entry.files.map((file) => this.#candidates(entry, file));
    const origins = [...new Set(perFile.flatMap((c) => c.found.map((f) => f.from)))];
    const whole = origins.find((origin) => perFile.every((c) => c.found.some((f) => f.from === origin)));
    return perFile.map(({ file, found, searched }) => {
      const chosen = found.find((f) => f.from === whole) ?? found[0];
      return chosen ? { file, ...chosen, searched } : { file, path: null, from: null, searched };
    });
  }

  #candidates(entry: ModelEntry, file: ModelFile) {
    const local = path.resolve(this.options.modelsDir, entry.id, file.name);
    const searched = [local];
    const found: { path: string; from: string }[] = [];
    if (existsSync(local)) found.push({ path: local, from: "models/" });
    for (const source of file.sources) {
      if (!("npm" in source)) continue;
      const dir = npmPackageDir(source.npm, this.options.npmRoot ?? APP_ROOT);
      const candidate = dir ? path.join(dir, source.path) : null;
      searched.push(candidate ?? `npm package ${source.npm} (not installed)`);
      if (candidate && existsSync(candidate)) found.push({ path: candidate, from: `npm:${source.npm}` });
    }
    return { file, found, searched };
  }

  /** Verifies a model and everything it requires; throws model-missing or model-corrupt. */
  async verify(id: string): Promise<VerifiedModel> {
    const entry = this.entry(id);
    for (const required of entry.requires ?? []) await this.verify(required);
    const paths: Record<string, string> = {};
    const unpinned: string[] = [];
    const located = this.locate(id);
    const missing = located.filter((l) => !l.path);
    if (missing.length) throw missingError(entry, missing, located.length);
    try {
      for (const file of located) {
        paths[file.file.name] = await this.#checkFile(entry, file);
        if (file.file.sha256 === null) unpinned.push(file.file.name);
      }
    } finally {
      this.#cache.save();
    }
    return { entry, paths, dir: modelDir(paths), unpinned };
  }

  async #checkFile(entry: ModelEntry, located: LocatedFile): Promise<string> {
    const { file } = located;
    if (!located.path) throw missingError(entry, [located], 1);
    const stats = statSync(located.path);
    if (!stats.isFile()) {
      throw corrupt(entry, located, "it is not a regular file");
    }
    if (file.size !== null && stats.size !== file.size) {
      throw corrupt(entry, located, `its size is ${stats.size} bytes, expected ${file.size}`);
    }
    if (file.sha256) {
      const actual = await this.#cache.hash(located.path, stats, !this.options.alwaysHash);
      if (actual !== file.sha256) throw corrupt(entry, located, `its sha256 is ${actual}`);
    }
    return located.path;
  }

  /** Writes any new hashes to the cache file. */
  flush(): void {
    this.#cache.save();
  }
}

function missingError(entry: ModelEntry, missing: LocatedFile[], total: number): EdgeVoiceError {
  const [first] = missing as [LocatedFile];
  const where = `${modelDirOf(first)}${first.searched.length > 1 ? " or its npm package" : ""}`;
  let message: string;
  if (missing.length === 1) {
    message = `model ${entry.id} is missing its file ${first.file.name} (expected ${describeExpected(first.file)}); looked in ${first.searched.join(", ")}`;
  } else if (missing.length === total) {
    // Nothing of it is here: the fix is to fetch it, and eleven hashes would bury that.
    const names = missing.map((l) => l.file.name);
    if (first.file.sha256) names[0] = `${first.file.name} with sha256 ${first.file.sha256}`;
    const shown = names.length > 3 ? `${names.slice(0, 3).join(", ")}, ...` : names.join(", ");
    message = `model ${entry.id} is not installed: none of its ${total} files (${shown}) is in ${where}; \`edge-voice models list --json\` shows each expected sha256`;
  } else {
    // A half-copied model: name each missing file with the hash it must have.
    const list = missing.map(
      (l) => `${l.file.name} (${l.file.sha256 ? `sha256 ${l.file.sha256}` : "unpinned"})`,
    );
    message = `model ${entry.id} is missing ${missing.length} of its ${total} files: ${list.join(", ")}; looked in ${where}`;
  }
  return new EdgeVoiceError("model-missing", message, { hint: fetchHint(entry), exitCode: ExitCode.config });
}

/** `<models dir>/<id>`: the first place searched, less the file's own name. */
function modelDirOf(located: LocatedFile): string {
  const local = located.searched[0] ?? "";
  return local.slice(0, Math.max(0, local.length - located.file.name.length - 1));
}

function describeExpected(file: ModelFile): string {
  const size = file.size === null ? "size unknown" : `${file.size} bytes`;
  return file.sha256 ? `${size}, sha256 ${file.sha256}` : `${size}, unpinned: no public sha256`;
}

function corrupt(entry: ModelEntry, located: LocatedFile, what: string): EdgeVoiceError {
  const { file } = located;
  const fromNpm = located.from?.startsWith("npm:") === true;
  const hint = fromNpm
    ? `the copy inside ${located.from} was changed: reinstall it with \`npm ci\`, or ${fetchHint(entry)}`
    : `delete it, then ${fetchHint(entry)}`;
  return new EdgeVoiceError(
    "model-corrupt",
    `model file ${located.path} (${entry.id}/${file.name}) is corrupt or changed: ${what}; expected ${describeExpected(file)}`,
    { hint, exitCode: ExitCode.config },
  );
}

/** The directory the files' manifest names are relative to (that of the first file). */
function modelDir(paths: Record<string, string>): string {
  const [name, full] = Object.entries(paths)[0] as [string, string];
  return full.slice(0, full.length - name.length - 1);
}
