/**
 * Models edited in memory at load (stt/prepare/recipes.ts) kept as files in the state directory,
 * so that every start after the first hands onnxruntime a path. Why: from a path onnxruntime
 * reads the file itself, while edited bytes meant the source file and each edit's copy lived
 * in JS memory (until a garbage collection nobody asked for) next to onnxruntime's own copies
 * — measured on whisper-tiny's decoder: 152 MB of JS buffers at the load peak; and the edits
 * cost 0.2 s at every start on the x86 machine, several times that on a Pi.
 *
 * A file's name carries a hash of everything its bytes depend on: the source file (path,
 * size, modification time: a replaced model is a new key), the recipe (which edits, with
 * their settings) and every file of the folders holding the code that edits (so a new
 * edit file cannot be forgotten in a hand-kept list), so a changed model, setting or
 * release never reads a stale file; the file it replaces is removed. Files are written to a
 * temporary name and renamed, so a crash never leaves half a model under a real name, and a
 * file onnxruntime cannot load is removed and made again. A state directory that cannot be
 * written only costs the saving: the edited bytes are loaded as before.
 */

import { createHash } from "node:crypto";
import { readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { makeDirs } from "../config/paths.js";
import type { Logger } from "../util/logger.js";

/** What a prepared model is made from. */
export interface PreparedRecipe {
  /** The model file the edits start from. */
  source: string;
  /** Which edits with which settings, e.g. "decoder-blocks-8192" (letters, digits, dashes). */
  recipe: string;
  /** Folders of the code that edits: the names and text of every file in them are part of the key. */
  code: readonly string[];
}

/** Edited bytes, or the source path when no edit applied (then there is nothing to keep). */
export type Prepare = () => Promise<Uint8Array | string>;

export class PreparedModelCache {
  /** `dir` null: nothing is kept (every load edits in memory). */
  constructor(
    private readonly dir: string | null,
    private readonly log?: Logger,
  ) {}

  /**
   * Opens the prepared model with `open`: from its file when there is one, else prepared now
   * (and kept when the directory can be written). A file `open` rejects is removed and the
   * model prepared again; an error from the freshly prepared model is `open`'s own.
   */
  async open<T>(
    recipe: PreparedRecipe,
    prepare: Prepare,
    open: (model: string | Uint8Array) => Promise<T>,
  ): Promise<T> {
    const file = this.dir ? await this.#fileFor(recipe) : null;
    if (file && (await exists(file))) {
      try {
        return await open(file);
      } catch (error) {
        this.log?.warn({ file, err: (error as Error).message }, "prepared model unreadable; making it again");
        await rm(file, { force: true });
      }
    }
    const model = await prepare();
    if (typeof model === "string" || !file) return open(model);
    return (await this.#keep(file, model)) ? open(file) : open(model);
  }

  /** The file for `recipe`, or null when its inputs cannot be read (then nothing is kept). */
  async #fileFor(recipe: PreparedRecipe): Promise<string | null> {
    if (!this.dir || !/^[a-z0-9-]+$/i.test(recipe.recipe)) return null;
    try {
      const source = await stat(recipe.source);
      const hash = createHash("sha256");
      hash.update(JSON.stringify([path.resolve(recipe.source), source.size, source.mtimeMs, recipe.recipe]));
      for (const folder of recipe.code) {
        for (const file of await filesUnder(folder)) {
          hash.update(path.relative(folder, file));
          hash.update(await readFile(file));
        }
      }
      return path.join(this.dir, `${slot(recipe)}${hash.digest("hex").slice(0, 32)}.onnx`);
    } catch {
      return null;
    }
  }

  /** Writes `model` to `file` (through a temporary name) and removes the files it replaces; false when it cannot. */
  async #keep(file: string, model: Uint8Array): Promise<boolean> {
    const dir = path.dirname(file);
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      makeDirs(dir);
      await writeFile(temporary, model);
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      this.log?.warn(
        { dir, err: (error as Error).message },
        "cannot keep the prepared model in the state directory; it is made again at every start",
      );
      return false;
    }
    const prefix = path.basename(file).slice(0, -(32 + ".onnx".length));
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (name.startsWith(prefix) && name !== path.basename(file) && !name.endsWith(".tmp"))
        await rm(path.join(dir, name), { force: true }).catch(() => undefined);
    }
    return true;
  }
}

/** The part of a file name shared by every version of one recipe of one source file. */
function slot(recipe: PreparedRecipe): string {
  const where = createHash("sha256").update(path.resolve(recipe.source)).digest("hex").slice(0, 8);
  return `${path.basename(recipe.source, ".onnx")}.${recipe.recipe}.${where}.`;
}

/** Every file under `folder`, in a stable order; rejects when the folder cannot be read. */
async function filesUnder(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const name of (await readdir(folder, { recursive: true })).sort()) {
    const file = path.join(folder, name);
    if ((await stat(file)).isFile()) files.push(file);
  }
  return files;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}
