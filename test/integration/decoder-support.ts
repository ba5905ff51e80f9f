import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { afterAll, beforeAll } from "vitest";
import { withoutOutputs } from "../../src/onnx/prune.js";
import { tinyPaths } from "../model/stt/helpers.js";

/**
 * whisper-tiny's decoder file as exported and the encoder's hidden states for a fixed
 * synthetic input, for tests of the decoder edits (stt/prepare/): read before the tests of
 * the file this is called in, and every session `open` made released after them.
 */
export function tinyDecoderBench() {
  const sessions: ort.InferenceSession[] = [];
  const bench = {
    decoder: new Uint8Array(0),
    states: undefined as unknown as ort.Tensor,
    async open(model: Uint8Array): Promise<ort.InferenceSession> {
      const session = await ort.InferenceSession.create(model, {
        intraOpNumThreads: 1,
        enableMemPattern: false,
      });
      sessions.push(session);
      return session;
    },
  };
  beforeAll(async () => {
    const paths = tinyPaths();
    bench.decoder = readFileSync(paths["onnx/decoder_model_merged_quantized.onnx"] as string);
    const whole = readFileSync(paths["onnx/encoder_model_quantized.onnx"] as string);
    const encoder = await bench.open(withoutOutputs(whole, (name) => name !== "last_hidden_state"));
    const features = new Float32Array(80 * 3000).map((_, i) => Math.sin(i * 0.37) * 0.8);
    const out = await encoder.run({ input_features: new ort.Tensor("float32", features, [1, 80, 3000]) });
    bench.states = out.last_hidden_state as ort.Tensor;
  });
  afterAll(async () => {
    for (const s of sessions) await s.release();
  });
  return bench;
}
