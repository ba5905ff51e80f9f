import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EdgeVoiceError } from "../../../src/errors.js";
import { readWhisperJson } from "../../../src/stt/model-spec.js";

function modelDir(files: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-model-spec-"));
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    paths[name] = path.join(dir, name);
    writeFileSync(paths[name], text);
  }
  return paths;
}

function thrown(run: () => unknown): EdgeVoiceError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EdgeVoiceError);
    return error as EdgeVoiceError;
  }
  throw new Error("expected an error");
}

describe("readWhisperJson on a model directory of your own", () => {
  it("a broken JSON file is a model error naming the file (exit 78), not a stack trace", () => {
    const paths = modelDir({
      "config.json": "{bad",
      "preprocessor_config.json": "{}",
      "tokenizer.json": "{}",
    });
    const error = thrown(() => readWhisperJson(paths, "/models/mine"));
    expect(error).toMatchObject({ code: "model-load-failed", exitCode: 78 });
    expect(error.message).toMatch(new RegExp(`^model /models/mine: cannot read ${paths["config.json"]}: `));
  });

  it("a missing file is named as missing from the model", () => {
    const paths = modelDir({ "config.json": "{}", "tokenizer.json": "{}" });
    const error = thrown(() => readWhisperJson(paths, "/models/mine"));
    expect(error.message).toBe("model /models/mine has no preprocessor_config.json");
    expect(error.hint).toMatch(/transformers\.js layout/);
  });
});
