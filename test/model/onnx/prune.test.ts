import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { graphOutputs, withoutOutputs } from "../../../src/onnx/prune.js";
import { tinyPaths } from "../../unit/stt/helpers.js";

/** A protobuf length-delimited field: tag (field << 3 | 2), length, payload (all short here). */
function field(no: number, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === "string" ? Buffer.from(payload) : payload;
  return Uint8Array.from([(no << 3) | 2, bytes.length, ...bytes]);
}

describe("withoutOutputs", () => {
  it("drops the named graph outputs and keeps every other byte", () => {
    const output = (name: string) => field(12, field(1, name));
    const graph = Buffer.concat([field(1, "node"), output("keep"), output("drop"), field(2, "g")]);
    const model = Buffer.concat([Uint8Array.of(0x08, 0x07), field(7, graph), field(8, "opset")]);
    expect(graphOutputs(model)).toEqual(["keep", "drop"]);
    const pruned = withoutOutputs(model, (name) => name === "drop");
    expect(graphOutputs(pruned)).toEqual(["keep"]);
    const expected = Buffer.concat([
      Uint8Array.of(0x08, 0x07),
      field(7, Buffer.concat([field(1, "node"), output("keep"), field(2, "g")])),
      field(8, "opset"),
    ]);
    expect(Buffer.from(pruned)).toEqual(expected);
  });

  it("refuses bytes that are not protobuf", () => {
    expect(() => graphOutputs(Uint8Array.of(0x0f, 0x01))).toThrow(/wire type/);
  });

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
