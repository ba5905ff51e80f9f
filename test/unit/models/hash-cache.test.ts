import { readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HashCache, sha256File } from "../../../src/models/hash-cache.js";
import { ModelStore } from "../../../src/models/store.js";
import { bytes, entryFor, manifestOf, sha256, type TempDir, tempDir } from "./helpers.js";

/** A hasher that counts the files it reads, so tests see what the cache saved. */
function countingHasher() {
  const reads: string[] = [];
  return {
    reads,
    hasher: async (file: string) => {
      reads.push(file);
      return sha256File(file);
    },
  };
}

describe("HashCache", () => {
  let tmp: TempDir;
  const data = bytes(8192, 5);
  const manifest = manifestOf(entryFor("m", { "model.onnx": data }));

  beforeEach(() => {
    tmp = tempDir();
    tmp.write("models/m/model.onnx", data);
  });
  afterEach(() => tmp.cleanup());

  const cacheFile = () => path.join(tmp.dir, "state", "model-hashes.json");
  const storeWith = (cache: HashCache, alwaysHash = false) =>
    new ModelStore({
      modelsDir: path.join(tmp.dir, "models"),
      cacheFile: null,
      manifest,
      hashCache: cache,
      alwaysHash,
    });

  it("hashes a file once: a second verify reads it from the cache", async () => {
    const counter = countingHasher();
    const store = storeWith(new HashCache(cacheFile(), counter));
    await store.verify("m");
    await store.verify("m");
    expect(counter.reads).toHaveLength(1);
    expect(store.hashedCount).toBe(1);
  });

  it("keeps the hashes across restarts in the cache file", async () => {
    await storeWith(new HashCache(cacheFile())).verify("m");
    const saved = JSON.parse(readFileSync(cacheFile(), "utf8"));
    const file = path.join(tmp.dir, "models", "m", "model.onnx");
    expect(saved[file]).toMatchObject({ size: data.length, sha256: sha256(data) });

    const counter = countingHasher();
    await storeWith(new HashCache(cacheFile(), counter)).verify("m");
    expect(counter.reads).toEqual([]);
  });

  it("re-hashes a file whose mtime changed (touched or replaced in place)", async () => {
    const counter = countingHasher();
    const cache = new HashCache(cacheFile(), counter);
    await storeWith(cache).verify("m");
    const file = path.join(tmp.dir, "models", "m", "model.onnx");
    const later = new Date(statSync(file).mtimeMs + 5000);
    utimesSync(file, later, later);
    await storeWith(cache).verify("m");
    expect(counter.reads).toHaveLength(2);
  });

  it("catches a same-size corruption written after the hash was cached, because the mtime moves", async () => {
    const cache = new HashCache(cacheFile());
    await storeWith(cache).verify("m");
    const file = path.join(tmp.dir, "models", "m", "model.onnx");
    const corrupted = Buffer.from(data);
    corrupted[10] = (corrupted[10] ?? 0) ^ 1;
    writeFileSync(file, corrupted);
    const later = new Date(statSync(file).mtimeMs + 2000);
    utimesSync(file, later, later);
    await expect(storeWith(cache).verify("m")).rejects.toMatchObject({ code: "model-corrupt" });
  });

  it("re-hashes everything when told to (models.verify: always, `models verify`)", async () => {
    const counter = countingHasher();
    const cache = new HashCache(cacheFile(), counter);
    await storeWith(cache, true).verify("m");
    await storeWith(cache, true).verify("m");
    expect(counter.reads).toHaveLength(2);
  });

  it("treats a corrupt or foreign cache file as empty", async () => {
    tmp.write("state/model-hashes.json", "{not json");
    const counter = countingHasher();
    await storeWith(new HashCache(cacheFile(), counter)).verify("m");
    expect(counter.reads).toHaveLength(1);
    tmp.write("state/model-hashes.json", "[1,2,3]");
    await storeWith(new HashCache(cacheFile(), counter)).verify("m");
    expect(counter.reads).toHaveLength(2);
  });

  it("does not fail when the cache cannot be written", async () => {
    tmp.write("blocker", "a file where the state directory should be");
    const cache = new HashCache(path.join(tmp.dir, "blocker", "model-hashes.json"));
    await expect(storeWith(cache).verify("m")).resolves.toBeTruthy();
  });
});
