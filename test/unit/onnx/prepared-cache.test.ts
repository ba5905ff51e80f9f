import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PreparedModelCache, type PreparedRecipe } from "../../../src/onnx/prepared-cache.js";

let dir: string;
let recipe: PreparedRecipe;
let prepared: number;
const opened: (string | Uint8Array)[] = [];

/** Edits "source" into its upper case; counts how often. */
const prepare = async () => {
  prepared++;
  return new TextEncoder().encode(readFileSync(recipe.source, "utf8").toUpperCase());
};
const open = async (model: string | Uint8Array) => {
  opened.push(model);
  return typeof model === "string" ? readFileSync(model, "utf8") : new TextDecoder().decode(model);
};
const cacheDir = () => path.join(dir, "state", "prepared");
const kept = () => readdirSync(cacheDir()).sort();

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-prepared-"));
  writeFileSync(path.join(dir, "model.onnx"), "weights");
  mkdirSync(path.join(dir, "edits", "nested"), { recursive: true });
  writeFileSync(path.join(dir, "edits", "edit.js"), "export const version = 1;");
  recipe = { source: path.join(dir, "model.onnx"), recipe: "upper", code: [path.join(dir, "edits")] };
  prepared = 0;
  opened.length = 0;
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("PreparedModelCache", () => {
  it("prepares once, keeps the file, and later loads it by path without preparing", async () => {
    const cache = new PreparedModelCache(cacheDir());
    expect(await cache.open(recipe, prepare, open)).toBe("WEIGHTS");
    expect(prepared).toBe(1);
    expect(kept()).toHaveLength(1);
    expect(kept()[0]).toMatch(/^model\.upper\.[0-9a-f]{8}\.[0-9a-f]{32}\.onnx$/);
    // The first load already went by path: the edited bytes are not held while onnxruntime loads.
    expect(typeof opened[0]).toBe("string");

    expect(await new PreparedModelCache(cacheDir()).open(recipe, prepare, open)).toBe("WEIGHTS");
    expect(prepared).toBe(1);
  });

  it("makes a new file when the source, the recipe or the editing code changes, removing the one it replaces", async () => {
    const cache = new PreparedModelCache(cacheDir());
    await cache.open(recipe, prepare, open);
    const first = kept();

    writeFileSync(recipe.source, "other weights");
    utimesSync(recipe.source, new Date(), new Date(Date.now() + 5000));
    expect(await cache.open(recipe, prepare, open)).toBe("OTHER WEIGHTS");
    expect(prepared).toBe(2);
    expect(kept()).toHaveLength(1);
    expect(kept()).not.toEqual(first);

    writeFileSync(path.join(dir, "edits", "edit.js"), "export const version = 2;");
    await cache.open(recipe, prepare, open);
    expect(prepared).toBe(3);
    expect(kept()).toHaveLength(1);

    // A new file anywhere in the code's folders is a change too: no list of files to keep by hand.
    writeFileSync(path.join(dir, "edits", "nested", "another-edit.js"), "export const more = true;");
    await cache.open(recipe, prepare, open);
    expect(prepared).toBe(4);
    expect(kept()).toHaveLength(1);
    await cache.open(recipe, prepare, open);
    expect(prepared).toBe(4);

    // Another recipe of the same source is another file; both stay.
    await cache.open({ ...recipe, recipe: "upper-int8" }, prepare, open);
    expect(prepared).toBe(5);
    expect(kept()).toHaveLength(2);
  });

  it("removes a kept file the loader rejects and prepares the model again", async () => {
    const cache = new PreparedModelCache(cacheDir());
    await cache.open(recipe, prepare, open);
    const file = path.join(cacheDir(), kept()[0] as string);
    writeFileSync(file, "damaged");
    const strict = async (model: string | Uint8Array) => {
      const text = await open(model);
      if (text === "damaged") throw new Error("protobuf parsing failed");
      return text;
    };
    expect(await cache.open(recipe, prepare, strict)).toBe("WEIGHTS");
    expect(prepared).toBe(2);
    expect(readFileSync(file, "utf8")).toBe("WEIGHTS");
  });

  it("loads the edited bytes when the state directory cannot be written", async () => {
    // A regular file where the state directory should be: no directory can be made (even by root).
    writeFileSync(path.join(dir, "state"), "not a directory");
    const cache = new PreparedModelCache(cacheDir());
    expect(await cache.open(recipe, prepare, open)).toBe("WEIGHTS");
    expect(opened[0]).toBeInstanceOf(Uint8Array);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("keeps nothing when the edits do not apply (the source is loaded by its own path) or there is no directory", async () => {
    const cache = new PreparedModelCache(cacheDir());
    expect(await cache.open(recipe, async () => recipe.source, open)).toBe("weights");
    expect(opened).toEqual([recipe.source]);
    expect(() => kept()).toThrow();

    expect(await new PreparedModelCache(null).open(recipe, prepare, open)).toBe("WEIGHTS");
    expect(opened[1]).toBeInstanceOf(Uint8Array);
  });
});
