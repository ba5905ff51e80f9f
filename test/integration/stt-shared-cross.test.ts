import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { withHoistedConstants, withOutputMatMulsAfterIf } from "../../src/stt/prepare/hoist.js";
import { withOutputLayerInBlocks } from "../../src/stt/prepare/output-layer.js";
import { decoderModel } from "../../src/stt/prepare/recipes.js";
import { CROSS_ROWS, withSharedCrossAttention } from "../../src/stt/prepare/shared-cross.js";
import { withUnsignedWeights } from "../../src/stt/prepare/unsigned-weights.js";
import { tinyPaths } from "../model/stt/helpers.js";
import { tinyDecoderBench } from "./decoder-support.js";

/**
 * whisper-tiny's decoder reading one row of the audio's cross-attention keys and values for
 * every hypothesis of a batched step (prepare/shared-cross.ts), against the decoder as
 * exported fed one copy per row.
 */
const tiny = tinyDecoderBench();

/** [1, ...] repeated for `rows` rows. */
function tiled(tensor: ort.Tensor, rows: number): ort.Tensor {
  const data = tensor.data as Float32Array;
  const out = new Float32Array(data.length * rows);
  for (let r = 0; r < rows; r++) out.set(data, r * data.length);
  return new ort.Tensor("float32", out, [rows, ...(tensor.dims.slice(1) as number[])]);
}

/**
 * One cached step of `ids` (one row each) after a shared start sequence: the logits per row.
 * `tileCross`: each row gets its own copy of the cross-attention cache, as the export needs.
 */
async function cachedStep(model: Uint8Array, ids: number[], tileCross: boolean): Promise<Float32Array[]> {
  const session = await tiny.open(model);
  const run = (tokens: number[][], cached: boolean, past: Map<string, ort.Tensor>) => {
    const feeds: Record<string, ort.Tensor> = {
      encoder_hidden_states: tiny.states,
      input_ids: new ort.Tensor("int64", BigInt64Array.from(tokens.flat().map(BigInt)), [
        tokens.length,
        tokens[0]?.length ?? 0,
      ]),
      use_cache_branch: new ort.Tensor("bool", Uint8Array.of(cached ? 1 : 0), [1]),
    };
    for (const name of session.inputNames)
      if (name.startsWith("past_key_values."))
        feeds[name] = past.get(name) ?? new ort.Tensor("float32", new Float32Array(0), [1, 6, 0, 64]);
      else if (name === "logits_from") feeds[name] = new ort.Tensor("int64", BigInt64Array.of(0n), [1]);
      else if (name === "logit_mask") feeds[name] = new ort.Tensor("float32", Float32Array.of(0), [1]);
    return session.run(feeds);
  };
  const first = await run([[50258, 50259, 50359, 50363, 2425]], false, new Map());
  const past = new Map<string, ort.Tensor>();
  for (const [name, value] of Object.entries(first)) {
    if (!name.startsWith("present.")) continue;
    const rows = name.includes(".encoder.") && !tileCross ? 1 : ids.length;
    past.set(name.replace("present.", "past_key_values."), tiled(value as ort.Tensor, rows));
  }
  const out = await run(
    ids.map((id) => [id]),
    true,
    past,
  );
  const logits = out.logits as ort.Tensor;
  const vocab = logits.dims[2] as number;
  return ids.map((_, r) => (logits.data as Float32Array).slice(r * vocab, (r + 1) * vocab));
}

function largestDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs((a[j] as number) - (b[j] as number)));
  return worst;
}

describe("the decoder's cache branch reading one row of cross-attention keys and values", () => {
  it("edits every layer and says so with a cross_rows output; only once, and only a decoder", () => {
    const shared = withSharedCrossAttention(tiny.decoder);
    expect(shared.layers).toBe(4);
    const again = withSharedCrossAttention(shared.model);
    expect(again.layers).toBe(0);
    expect(again.model).toBe(shared.model);
    const encoder = readFileSync(tinyPaths()["onnx/encoder_model_quantized.onnx"] as string);
    expect(withSharedCrossAttention(encoder).layers).toBe(0);
  });

  it("gives one row the exported decoder's logits, bit for bit", async () => {
    const { model } = withSharedCrossAttention(tiny.decoder);
    expect(await cachedStep(model, [440], false)).toEqual(await cachedStep(tiny.decoder, [440], true));
  });

  it("gives each of several rows its own logits, as with a copy of the audio per row", async () => {
    const ids = [440, 1044, 6119, 13, 2425, 264];
    // As the daemon prepares it (recipes.ts): with the export's int8 output layer, one scale
    // per call quantizes every row's hidden state, and a last-bit difference anywhere can
    // move a logit by ~0.4 (as the int8 layer's own test shows against the exact one).
    const unsigned = withUnsignedWeights(tiny.decoder).model;
    const exact = withOutputLayerInBlocks(
      withOutputMatMulsAfterIf(withHoistedConstants(unsigned).model).model,
      8192,
    ).model;
    const { model } = withSharedCrossAttention(exact);
    const shared = await cachedStep(model, ids, false);
    const exported = await cachedStep(exact, ids, true);
    // Each row close to its own row, far from every other. Not bit for bit: the int8 layers
    // quantize all rows of a call with one scale, so a last-bit difference in one row (the
    // sums' order) can move another's logits by up to ~0.6 (measured on these six rows; the
    // same six through the exported decoder move by ~0.4 when one row's token changes).
    for (const [r, row] of shared.entries())
      for (const [s, reference] of exported.entries()) {
        if (r === s) expect(largestDifference(row, reference)).toBeLessThan(1);
        else expect(largestDifference(row, reference)).toBeGreaterThan(3);
      }
  });

  it("is part of what decoderModel prepares, with each output layer", async () => {
    const file = tinyPaths()["onnx/decoder_model_merged_quantized.onnx"] as string;
    for (const layer of ["blocks", "float", "int8"] as const) {
      const prepared = await decoderModel(file, layer).prepare();
      expect(prepared).toBeInstanceOf(Uint8Array);
      expect((await tiny.open(prepared as Uint8Array)).outputNames).toContain(CROSS_ROWS);
    }
  });
});
