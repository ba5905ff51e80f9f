import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutOutputs } from "../../src/onnx/prune.js";
import { withBlockedAttention } from "../../src/stt/prepare/attention.js";
import { withFloatOutputLayer } from "../../src/stt/prepare/float-output-layer.js";
import { withHoistedConstants, withOutputMatMulsAfterIf } from "../../src/stt/prepare/hoist.js";
import { LOGIT_MASK } from "../../src/stt/prepare/logit-norms.js";
import { LAST_ROWS, LOGITS_FROM, withLogitRows } from "../../src/stt/prepare/logit-rows.js";
import { withInt8OutputLayer, withOutputLayerInBlocks } from "../../src/stt/prepare/output-layer.js";
import { decoderModel } from "../../src/stt/prepare/recipes.js";
import { withPositionWindow } from "../../src/stt/prepare/window.js";
import { tinyPaths } from "../model/stt/helpers.js";

/** The in-memory edits of whisper-tiny's ONNX files, checked against the files as exported. */
const options = { intraOpNumThreads: 1, enableMemPattern: false };
let encoder: Uint8Array;
let decoder: Uint8Array;
const sessions: ort.InferenceSession[] = [];
const open = async (model: Uint8Array) => {
  const session = await ort.InferenceSession.create(model, options);
  sessions.push(session);
  return session;
};

beforeAll(() => {
  const paths = tinyPaths();
  const whole = readFileSync(paths["onnx/encoder_model_quantized.onnx"] as string);
  encoder = withoutOutputs(whole, (name) => name !== "last_hidden_state");
  decoder = readFileSync(paths["onnx/decoder_model_merged_quantized.onnx"] as string);
});

afterAll(async () => {
  for (const s of sessions) await s.release();
});

async function hidden(model: Uint8Array, frames: number): Promise<Float32Array> {
  const session = await open(model);
  const features = new Float32Array(80 * frames).map((_, i) => Math.sin(i * 0.37) * 0.8);
  const out = await session.run({ input_features: new ort.Tensor("float32", features, [1, 80, frames]) });
  return out.last_hidden_state?.data as Float32Array;
}

/**
 * Logits of the first decoder step (no cache) and of one cached step after it; `from` is fed
 * as the first step's `logits_from` to a decoder that has it (prepare/logit-rows.ts).
 */
async function logits(model: Uint8Array, states: Float32Array, from = 0): Promise<Float32Array[]> {
  const session = await open(model);
  const empty = new ort.Tensor("float32", new Float32Array(0), [1, 6, 0, 64]);
  const feeds: Record<string, ort.Tensor> = {
    encoder_hidden_states: new ort.Tensor("float32", states, [1, states.length / 384, 384]),
  };
  const step = async (ids: number[], cached: boolean, past: Record<string, ort.Tensor>) => {
    const inputs: Record<string, ort.Tensor> = {
      ...feeds,
      input_ids: new ort.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
      use_cache_branch: new ort.Tensor("bool", Uint8Array.of(cached ? 1 : 0), [1]),
    };
    for (const name of session.inputNames)
      if (name.startsWith("past_key_values.")) inputs[name] = past[name] ?? empty;
      else if (name === LOGITS_FROM)
        inputs[name] = new ort.Tensor("int64", BigInt64Array.of(BigInt(cached ? 0 : from)), [1]);
      else if (name === LOGIT_MASK) inputs[name] = new ort.Tensor("float32", Float32Array.of(0), [1]);
    return session.run(inputs);
  };
  const first = await step([50258, 50259, 50359, 50363], false, {});
  const past: Record<string, ort.Tensor> = {};
  for (const [name, value] of Object.entries(first))
    if (name.startsWith("present.")) past[name.replace("present.", "past_key_values.")] = value;
  const second = await step([440], true, past);
  return [first.logits?.data as Float32Array, second.logits?.data as Float32Array];
}

function largestDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs((a[j] as number) - (b[j] as number)));
  return worst;
}

describe("blocked self-attention", () => {
  it("gives whisper-tiny's encoder the same hidden states, bit for bit (30 s window)", async () => {
    const blocked = withBlockedAttention(encoder, 1500);
    expect(blocked.layers).toBe(4);
    expect(await hidden(blocked.model, 3000)).toEqual(await hidden(encoder, 3000));
  });

  it("works on a shorter window whose rows do not divide evenly (7 s: 350 positions)", async () => {
    const windowed = withPositionWindow(encoder, 350, 1500);
    const blocked = withBlockedAttention(windowed, 350);
    expect(blocked.layers).toBe(4);
    expect(await hidden(blocked.model, 700)).toEqual(await hidden(windowed, 700));
  });

  it("leaves the attention inside a merged decoder's branches as it was", () => {
    expect(withBlockedAttention(decoder, 1500).layers).toBe(0);
  });
});

describe("the decoder's output layer: moved after the If, in column blocks, in float32 or in int8", () => {
  let states: Float32Array;
  let exact: Float32Array[];
  let shared: Uint8Array;
  beforeAll(async () => {
    states = await hidden(withBlockedAttention(encoder, 1500).model, 3000);
    exact = await logits(decoder, states);
    shared = withOutputMatMulsAfterIf(withHoistedConstants(decoder).model).model;
  });

  it("hoists the weights' transpose and dequantization before the If, logits bit for bit", async () => {
    const hoisted = withHoistedConstants(decoder);
    expect(hoisted.moved).toBe(2);
    expect(await logits(hoisted.model, states)).toEqual(exact);
    expect(withHoistedConstants(encoder).moved).toBe(0);
  });

  it("multiplies once after the If instead of in each branch, logits bit for bit", async () => {
    const moved = withOutputMatMulsAfterIf(withHoistedConstants(decoder).model);
    expect(moved.moved).toBe(1);
    expect(await logits(moved.model, states)).toEqual(exact);
    // Without the hoist the weights are the branches' own: nothing to move.
    expect(withOutputMatMulsAfterIf(decoder).moved).toBe(0);
    expect(withOutputMatMulsAfterIf(encoder).moved).toBe(0);
  });

  it("computes the output layer in column blocks with the same logits, bit for bit", async () => {
    const blocked = withOutputLayerInBlocks(shared, 8192);
    expect(blocked.layers).toBe(1);
    expect(await logits(blocked.model, states)).toEqual(exact);
    // No more columns than one block: nothing to split.
    expect(withOutputLayerInBlocks(shared, 60000).layers).toBe(0);
  });

  it("computes the logits of the positions asked for only, the rows kept bit for bit", async () => {
    const rows = withLogitRows(shared);
    expect(rows.edited).toBe(true);
    const blocked = withOutputLayerInBlocks(rows.model, 8192);
    expect(blocked.layers).toBe(1);
    const [first, second] = exact as [Float32Array, Float32Array];
    const vocab = second.length;
    expect(first.length).toBe(4 * vocab);
    // Every row (0), the last two (-2, or 2 of 4), the last three; a cached step has one row either way.
    expect(await logits(blocked.model, states, 0)).toEqual(exact);
    expect(await logits(blocked.model, states, -2)).toEqual([first.subarray(2 * vocab), second]);
    expect(await logits(blocked.model, states, 2)).toEqual([first.subarray(2 * vocab), second]);
    expect(await logits(blocked.model, states, 1)).toEqual([first.subarray(vocab), second]);
    // Only where hoist.ts put the output layer after the If, and only once.
    expect(withLogitRows(decoder).edited).toBe(false);
    expect(withLogitRows(rows.model).edited).toBe(false);
    expect(withLogitRows(encoder).edited).toBe(false);
  });

  it("is what decoderModel prepares, unless the int8 layer is asked for", async () => {
    const prepared = await decoderModel(
      tinyPaths()["onnx/decoder_model_merged_quantized.onnx"] as string,
      "blocks",
    ).prepare();
    expect(prepared).toBeInstanceOf(Uint8Array);
    expect(await logits(prepared as Uint8Array, states)).toEqual(exact);
    const [first, second] = exact as [Float32Array, Float32Array];
    expect(await logits(prepared as Uint8Array, states, -LAST_ROWS)).toEqual([
      first.subarray(first.length - LAST_ROWS * second.length),
      second,
    ]);
  });

  it("computes the output layer from float32 weights made once: the same logits up to the sums' order", async () => {
    const float = withFloatOutputLayer(shared);
    expect(float.layers).toBe(1);
    const made = await logits(float.model, states);
    for (const [i, row] of made.entries()) {
      const reference = exact[i] as Float32Array;
      expect(row.length).toBe(reference.length);
      // The same weights: only the order of the 384 products' sum differs (int8 is ~0.5 off).
      expect(largestDifference(row, reference)).toBeLessThan(1e-3);
    }
    // Once: the float layer reads no DequantizeLinear left to replace.
    expect(withFloatOutputLayer(float.model).layers).toBe(0);
    // Where the weights are still in the branches (no hoist), nothing at the top level to replace.
    expect(withFloatOutputLayer(decoder).layers).toBe(0);
    expect(withFloatOutputLayer(encoder).layers).toBe(0);
  });

  it("is what decoderModel prepares with output_layer float", async () => {
    const prepared = await decoderModel(
      tinyPaths()["onnx/decoder_model_merged_quantized.onnx"] as string,
      "float",
    ).prepare();
    expect(prepared).toBeInstanceOf(Uint8Array);
    const [first, second] = await logits(prepared as Uint8Array, states, -LAST_ROWS);
    const reference = exact[1] as Float32Array;
    expect(second?.length).toBe(reference.length);
    expect(first?.length).toBe(LAST_ROWS * reference.length);
    expect(largestDifference(second as Float32Array, reference)).toBeLessThan(1e-3);
  });

  it("computes the output layer in int8: logits close, not equal", async () => {
    const int8 = withInt8OutputLayer(shared);
    expect(int8.layers).toBe(1);
    const approx = await logits(int8.model, states);
    for (const [i, row] of approx.entries()) {
      const reference = exact[i] as Float32Array;
      expect(row.length).toBe(reference.length);
      const argmax = (a: Float32Array) => a.reduce((best, v, j) => (v > (a[best] as number) ? j : best), 0);
      const lastRow = (a: Float32Array) => a.subarray(a.length - 51865);
      expect(argmax(lastRow(row))).toBe(argmax(lastRow(reference)));
      const worst = largestDifference(row, reference);
      // 0.54 on an AVX2 CPU without VNNI (its u8 x s8 kernel sums pairs in saturating int16),
      // under 0.5 with VNNI: the bound says "close", not which kernel ran.
      expect(worst).toBeLessThan(1);
      expect(worst).toBeGreaterThan(0); // it is an approximation: a test that could not tell would be no test
    }
  });
});
