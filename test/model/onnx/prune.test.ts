import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { graphOutputs, withoutOutputs } from "../../../src/onnx/prune.js";
import { tinyPaths } from "../stt/helpers.js";

// The byte-level cases are in test/unit/onnx/prune.test.ts.
describe("withoutOutputs on whisper-tiny", () => {
  it("leaves whisper-tiny's encoder with only its hidden states, computing the same values", async () => {
    const bytes = readFileSync(tinyPaths()["onnx/encoder_model_quantized.onnx"] as string);
    expect(graphOutputs(bytes)).toContain("encoder_attentions.0");
    const pruned = withoutOutputs(bytes, (name) => name !== "last_hidden_state");
    const options = { intraOpNumThreads: 1 };
    const [full, slim] = await Promise.all([
      ort.InferenceSession.create(bytes, options),
      ort.InferenceSession.create(pruned, options),
    ]);
    expect(slim.outputNames).toEqual(["last_hidden_state"]);
    const input = {
      input_features: new ort.Tensor("float32", new Float32Array(80 * 3000).fill(-0.5), [1, 80, 3000]),
    };
    const a = (await full.run(input, ["last_hidden_state"])).last_hidden_state?.data as Float32Array;
    const b = (await slim.run(input, ["last_hidden_state"])).last_hidden_state?.data as Float32Array;
    expect(b).toEqual(a);
    await Promise.all([full.release(), slim.release()]);
  });
});
