import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decoderModel, encoderModel } from "../../../../src/stt/prepare/recipes.js";
import { captureLogger } from "../../../support/capture-logger.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-recipes-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A file that is not protobuf (wire type 7 does not exist): every edit's reader rejects it. */
function notProtobuf(): string {
  const file = path.join(dir, "decoder_model_merged.onnx");
  writeFileSync(file, Uint8Array.of(0x0f, 0x01, 0x02));
  return file;
}

describe("recipes on a model the edits cannot read", () => {
  it("the decoder logs the failed edit, then loads the file as it is", async () => {
    const { lines, logger } = captureLogger("info");
    const file = notProtobuf();
    expect(await decoderModel(file, "blocks", logger).prepare()).toBe(file);
    expect(lines).toEqual([
      expect.objectContaining({
        file,
        edit: "hoist shared constants",
        err: expect.stringMatching(/wire type/),
      }),
    ]);
  });

  it("the encoder logs the failed edit, then loads the file as it is", async () => {
    const { lines, logger } = captureLogger("info");
    const file = notProtobuf();
    expect(await encoderModel(file, 1500, logger).prepare()).toBe(file);
    expect(lines).toEqual([expect.objectContaining({ file, edit: "drop attention-weight outputs" })]);
  });

  it("a file that cannot be read is left for onnxruntime to name, without an edit warning", async () => {
    const { lines, logger } = captureLogger("info");
    const missing = path.join(dir, "missing.onnx");
    expect(await decoderModel(missing, "int8", logger).prepare()).toBe(missing);
    expect(lines).toEqual([]);
  });
});
