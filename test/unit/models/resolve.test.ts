import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../../../src/config/schema.js";
import { isEdgeVoiceError } from "../../../src/errors.js";
import { resolveModelPath } from "../../../src/models/resolve.js";
import { configuredModels, verifyModels } from "../../../src/models/startup.js";
import { ModelStore } from "../../../src/models/store.js";
import { captureLogger } from "../../support/capture-logger.js";
import { bytes, entryFor, manifestOf, type TempDir, tempDir } from "./helpers.js";

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isEdgeVoiceError(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("resolveModelPath", () => {
  let tmp: TempDir;
  const gguf = Buffer.concat([Buffer.from("GGUF"), bytes(60)]);
  const manifest = manifestOf(
    entryFor("tiny_llm", { "tiny.gguf": gguf }, { kind: "llm" }),
    entryFor("vad_x", { "vad.onnx": bytes(64) }),
    entryFor("stt_x", { "config.json": Buffer.from("{}"), "onnx/enc.onnx": bytes(32) }, { kind: "stt" }),
  );
  const store = () => new ModelStore({ modelsDir: `${tmp.dir}/models`, cacheFile: null, manifest });

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it("verifies a manifest id and returns the file of a single-file model", async () => {
    const file = tmp.write("models/tiny_llm/tiny.gguf", gguf);
    const resolved = await resolveModelPath(store(), "tiny_llm", "llm");
    expect(resolved).toMatchObject({ path: file, pinned: true, entry: { id: "tiny_llm" } });
  });

  it("returns the directory of a multi-file model", async () => {
    tmp.write("models/stt_x/config.json", "{}");
    tmp.write("models/stt_x/onnx/enc.onnx", bytes(32));
    const resolved = await resolveModelPath(store(), "stt_x", "stt");
    expect(resolved.path).toBe(`${tmp.dir}/models/stt_x`);
    expect(Object.keys(resolved.paths)).toEqual(["config.json", "onnx/enc.onnx"]);
  });

  it("stops on a corrupt manifest model, naming the file and the fetch command", async () => {
    tmp.write("models/tiny_llm/tiny.gguf", Buffer.concat([Buffer.from("GGUF"), bytes(60, 2)]));
    const error = await failure(resolveModelPath(store(), "tiny_llm", "llm"));
    expect(error.code).toBe("model-corrupt");
    expect(error.message).toContain("tiny.gguf");
    expect(error.hint).toContain("scripts/fetch-models.sh tiny_llm");
  });

  it("refuses a manifest model of another kind", async () => {
    const error = await failure(resolveModelPath(store(), "vad_x", "llm"));
    expect(error.message).toContain('"vad_x" is a vad model, not a llm model');
    expect(error.hint).toContain("tiny_llm");
  });

  it("takes relative paths from the store's working directory, not the process's", async () => {
    const own = tmp.write("mine/custom.gguf", gguf);
    const elsewhere = new ModelStore({ modelsDir: "models", cacheFile: null, manifest, cwd: tmp.dir });
    expect(process.cwd()).not.toBe(tmp.dir);
    const resolved = await resolveModelPath(elsewhere, "mine/custom.gguf", "llm");
    expect(resolved.path).toBe(own);
  });

  it("accepts an existing file given by path as the user's own, unpinned, and logs that once", async () => {
    const own = tmp.write("mine/custom.gguf", gguf);
    const { lines, logger } = captureLogger("info");
    const resolved = await resolveModelPath(store(), "mine/custom.gguf", "llm", { cwd: tmp.dir, logger });
    expect(resolved).toEqual({ path: own, entry: null, paths: {}, pinned: false });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toMatch(/not in the manifest, so its sha256 is not checked/);
    expect(lines[0]?.model).toBe(own);
  });

  it("accepts a custom wake-word .onnx by absolute path", async () => {
    const own = tmp.write("wake/hey_computer.onnx", bytes(128));
    await expect(resolveModelPath(store(), own, "wake")).resolves.toMatchObject({ path: own, pinned: false });
  });

  it("refuses a given file that is not GGUF for the LLM", async () => {
    tmp.write("mine/fake.gguf", "not a model");
    const error = await failure(resolveModelPath(store(), "mine/fake.gguf", "llm", { cwd: tmp.dir }));
    expect(error.message).toContain("is not a GGUF file");
  });

  it("refuses a given file with the wrong ending for its kind", async () => {
    tmp.write("mine/model.bin", gguf);
    const error = await failure(resolveModelPath(store(), "mine/model.bin", "llm", { cwd: tmp.dir }));
    expect(error.message).toContain("should end in .gguf");
  });

  it("calls a missing path model-missing, with the ids that would work", async () => {
    const error = await failure(resolveModelPath(store(), "/nowhere/model.gguf", "llm"));
    expect(error.code).toBe("model-missing");
    expect(error.exitCode).toBe(78);
    expect(error.message).toBe("llm model file /nowhere/model.gguf does not exist");
    expect(error.hint).toContain("use one of: tiny_llm");
  });

  it("calls an unknown bare name neither an id nor a file", async () => {
    const error = await failure(resolveModelPath(store(), "qwen-huge", "llm", { cwd: tmp.dir }));
    expect(error.code).toBe("model-missing");
    expect(error.message).toContain(
      '"qwen-huge" is neither a llm model id in models/manifest.json nor an existing file',
    );
  });
});

describe("start-up verification", () => {
  it("asks for the wake, VAD, STT and (when set) LLM models of the config", () => {
    const config = configSchema.parse({});
    const values = configuredModels(config).map((r) => `${r.kind}:${r.value}`);
    expect(values).toEqual([
      "wake-feature:oww_melspectrogram",
      "wake-feature:oww_embedding",
      "wake:hey_jarvis",
      "vad:silero_vad_v5",
      "stt:whisper-tiny",
    ]);
    config.llm.model = "/opt/models/x.gguf";
    expect(configuredModels(config).at(-1)).toEqual({
      setting: "llm.model",
      value: "/opt/models/x.gguf",
      kind: "llm",
    });
    config.llm.mode = "off";
    expect(configuredModels(config).some((r) => r.kind === "llm")).toBe(false);
  });

  it("verifies the default config's models from the installed npm packages", async () => {
    const store = new ModelStore({ modelsDir: "models", cacheFile: null });
    const resolved = await verifyModels(store, configuredModels(configSchema.parse({})));
    expect(resolved.get("stt.model")?.path).toMatch(/whisper-tiny$/);
    expect(resolved.get("vad.model")?.pinned).toBe(true);
  });

  it("collects every problem before stopping, one line per setting", async () => {
    const tmp = tempDir();
    try {
      const manifest = manifestOf(entryFor("vad_x", { "vad.onnx": bytes(64) }));
      const store = new ModelStore({ modelsDir: tmp.dir, cacheFile: null, manifest });
      const error = await failure(
        verifyModels(store, [
          { setting: "vad.model", value: "vad_x", kind: "vad" },
          { setting: "llm.model", value: "/nowhere.gguf", kind: "llm" },
        ]),
      );
      expect(error.exitCode).toBe(78);
      expect(error.message).toContain("2 model problems");
      expect(error.message).toContain("vad.model: model vad_x is missing its file vad.onnx");
      expect(error.message).toContain("llm.model: llm model file /nowhere.gguf does not exist");
      expect(error.hint).toContain("scripts/fetch-models.sh vad_x");
    } finally {
      tmp.cleanup();
    }
  });
});
