import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { CAUSAL_CACHE, withCausalCache } from "../../src/stt/prepare/causal-cache.js";
import { decoderModel } from "../../src/stt/prepare/recipes.js";
import { tinyPaths } from "../model/stt/helpers.js";
import { tinyDecoderBench } from "./decoder-support.js";

/**
 * whisper-tiny's decoder with a causal mask in its cache branch (prepare/causal-cache.ts):
 * several tokens in one cached call against the same tokens fed one call each.
 */
const tiny = tinyDecoderBench();
const START = [50258, 50259, 50359, 50363];
/** "Hey Jarvis, and the": a wake phrase and a command's first words. */
const TOKENS = [1911, 23941, 4938, 11, 293, 264];

/** Logits of each of `tokens` after the start sequence: in calls of `perCall` tokens. */
async function logitsAfterStart(
  model: Uint8Array,
  tokens: number[],
  perCall: number,
): Promise<Float32Array[]> {
  const session = await tiny.open(model);
  let past = new Map<string, ort.Tensor>();
  const run = async (ids: number[], cached: boolean) => {
    const feeds: Record<string, ort.Tensor> = {
      encoder_hidden_states: tiny.states,
      input_ids: new ort.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
      use_cache_branch: new ort.Tensor("bool", Uint8Array.of(cached ? 1 : 0), [1]),
    };
    for (const name of session.inputNames)
      if (name.startsWith("past_key_values."))
        feeds[name] = past.get(name) ?? new ort.Tensor("float32", new Float32Array(0), [1, 6, 0, 64]);
    const out = await session.run(feeds);
    const next = new Map<string, ort.Tensor>();
    for (const [name, value] of Object.entries(out)) {
      if (!name.startsWith("present.")) continue;
      const key = name.replace("present.", "past_key_values.");
      next.set(key, cached && name.includes(".encoder.") ? (past.get(key) as ort.Tensor) : value);
    }
    past = next;
    const logits = out.logits as ort.Tensor;
    const vocab = logits.dims[2] as number;
    return ids.map((_, r) => (logits.data as Float32Array).slice(r * vocab, (r + 1) * vocab));
  };
  await run(START, false);
  const rows: Float32Array[] = [];
  for (let i = 0; i < tokens.length; i += perCall)
    rows.push(...(await run(tokens.slice(i, i + perCall), true)));
  return rows;
}

function largestDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs((a[j] as number) - (b[j] as number)));
  return worst;
}

describe("the decoder's cache branch with a causal mask", () => {
  it("masks every self-attention layer and says so with a causal_cache output; only once, and only a decoder", async () => {
    const masked = withCausalCache(tiny.decoder);
    expect(masked.layers).toBe(4);
    const again = withCausalCache(masked.model);
    expect(again.layers).toBe(0);
    expect(again.model).toBe(masked.model);
    expect((await tiny.open(masked.model)).outputNames).toContain(CAUSAL_CACHE);
    const encoder = readFileSync(tinyPaths()["onnx/encoder_model_quantized.onnx"] as string);
    expect(withCausalCache(encoder).layers).toBe(0);
  });

  it("gives a token a call the exported decoder's logits, bit for bit", async () => {
    const { model } = withCausalCache(tiny.decoder);
    expect(await logitsAfterStart(model, TOKENS, 1)).toEqual(await logitsAfterStart(tiny.decoder, TOKENS, 1));
  });

  it("gives several tokens in one call each its own logits: the exported decoder lets them see later ones", async () => {
    const { model } = withCausalCache(tiny.decoder);
    const stepped = await logitsAfterStart(model, TOKENS, 1);
    const together = await logitsAfterStart(model, TOKENS, TOKENS.length);
    const unmasked = await logitsAfterStart(tiny.decoder, TOKENS, TOKENS.length);
    // Not bit for bit: the int8 layers quantize all positions of a call with one scale (a
    // logit moves by up to ~1.2 of ~50 here). Without the mask the first token attends to the
    // five after it (~5.6 off here).
    for (const [i, row] of together.entries())
      expect(largestDifference(row, stepped[i] as Float32Array)).toBeLessThan(2);
    expect(largestDifference(unmasked[0] as Float32Array, stepped[0] as Float32Array)).toBeGreaterThan(3);
  });

  it("is part of what decoderModel prepares, with each output layer", async () => {
    const file = tinyPaths()["onnx/decoder_model_merged_quantized.onnx"] as string;
    for (const layer of ["blocks", "float", "int8"] as const) {
      const prepared = await decoderModel(file, layer).prepare();
      expect(prepared).toBeInstanceOf(Uint8Array);
      expect((await tiny.open(prepared as Uint8Array)).outputNames).toContain(CAUSAL_CACHE);
    }
  });
});
