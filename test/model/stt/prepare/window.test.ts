import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { withoutOutputs } from "../../../../src/onnx/prune.js";
import { withPositionWindow } from "../../../../src/stt/prepare/window.js";
import { tinyPaths } from "../helpers.js";

// The byte-level cases are in test/unit/stt/prepare/window.test.ts.
describe("withPositionWindow on whisper-tiny", () => {
  it("makes whisper-tiny's encoder take 1000 frames (which the file refuses) and give 500 positions", async () => {
    const bytes = readFileSync(tinyPaths()["onnx/encoder_model_quantized.onnx"] as string);
    const full = withoutOutputs(bytes, (name) => name !== "last_hidden_state");
    const options = { intraOpNumThreads: 1 };
    const [original, windowed] = await Promise.all([
      ort.InferenceSession.create(full, options),
      ort.InferenceSession.create(withPositionWindow(full, 500, 1500), options),
    ]);
    const features = new Float32Array(80 * 1000).map((_, i) => Math.sin(i / 7) * 0.5);
    const input = { input_features: new ort.Tensor("float32", features, [1, 80, 1000]) };
    await expect(original.run(input)).rejects.toThrow(/Add_2/);
    const hidden = (await windowed.run(input)).last_hidden_state as ort.Tensor;
    expect(hidden.dims).toEqual([1, 500, 384]);
    expect(Array.from(hidden.data as Float32Array).every(Number.isFinite)).toBe(true);
    await Promise.all([original.release(), windowed.release()]);
  });
});
