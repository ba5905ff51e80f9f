import { readFileSync } from "node:fs";
import type ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchKvDecoder } from "../../src/stt/batch-decoder.js";
import { type DecoderSteps, greedyDecode, promptedSequence } from "../../src/stt/decode.js";
import type { KvDecoder } from "../../src/stt/kv-decoder.js";
import { type DecoderOutput, logitsRow, logSumExp, normMask } from "../../src/stt/logits.js";
import { LogMelSpectrogram } from "../../src/stt/mel.js";
import type { WhisperSpec } from "../../src/stt/model-spec.js";
import type { WhisperSessions } from "../../src/stt/onnx-whisper.js";
import { LOGITS_NORM, withLogitNorms } from "../../src/stt/prepare/logit-norms.js";
import type { WhisperTokenizer } from "../../src/stt/tokenizer.js";
import { tinyPaths } from "../model/stt/helpers.js";
import { defaultPreparedDir, fixtureAudio, HEARING_PROMPT, loadTinySessions } from "./stt-support.js";

/**
 * The prepared decoder's own row normalisers (prepare/logit-norms.ts) against the ones
 * summed in JavaScript (logits.ts logSumExp) over the same logits: float32 against float64,
 * so close, not equal; and the greedy pass reads the same words with either.
 */
let prepared: WhisperSessions;
let spec: WhisperSpec;
let tokenizer: WhisperTokenizer;
let audio: Float32Array;

beforeAll(async () => {
  ({ sessions: prepared, spec, tokenizer } = await loadTinySessions(defaultPreparedDir()));
  audio = await fixtureAudio("timer-five-minutes");
});

afterAll(async () => {
  await prepared?.dispose();
});

/** Every row's normaliser from the decoder, checked against JavaScript's under the same mask. */
function expectNorms(out: DecoderOutput, extra: readonly number[]): void {
  const rows = out.logits.length / out.vocab;
  expect(out.norms?.values.length).toBe(rows);
  expect(out.norms?.mask).toBe(normMask(spec.suppressed, extra));
  for (let r = 0; r < rows; r++) {
    const js = logSumExp(logitsRow(out.logits, out.vocab, r), spec.suppressed, extra);
    // float32 sums of 51865 terms against float64: measured up to ~2e-4 nats apart.
    expect(Math.abs((out.norms?.values[r] as number) - js)).toBeLessThan(1e-3);
  }
}

async function freeStart(
  sessions: WhisperSessions,
): Promise<{ decoder: KvDecoder; sequence: number[]; hidden: ort.Tensor }> {
  const features = new LogMelSpectrogram(spec.mel).compute(audio);
  const hidden = await sessions.encode(features, spec.mel.featureSize, spec.mel.nbMaxFrames);
  const sequence = promptedSequence(spec, "en", tokenizer.encode(` ${HEARING_PROMPT}`));
  return { decoder: sessions.decoder(hidden), sequence, hidden };
}

describe("the decoder's own row normalisers", () => {
  it("match JavaScript's on the prompted first call, cached steps and batched rows", async () => {
    const { decoder, sequence, hidden } = await freeStart(prepared);
    const begin = normMask(spec.suppressed, spec.beginSuppressed);
    const first = await decoder.step(sequence, { lastRowOnly: true, mask: begin });
    expectNorms(first, spec.beginSuppressed);
    const set = tokenizer.encode(" Set")[0] as number;
    expectNorms(await decoder.step([set], { mask: normMask(spec.suppressed) }), []);

    const caches = decoder.caches();
    if (!caches) throw new Error("no caches after a step");
    const batch = new BatchKvDecoder(prepared, hidden, caches, sequence.length - 1);
    const ids = tokenizer.encode(" Set a timer").slice(0, 3);
    const out = await batch.step([0, 0, 0], ids, begin);
    expectNorms(out, spec.beginSuppressed);
  });

  it("are not fetched when no mask is given, and leave the logits bit for bit as they were", async () => {
    const { decoder, sequence } = await freeStart(prepared);
    const without = await decoder.step(sequence, { lastRowOnly: true });
    expect(without.norms).toBeUndefined();
    decoder.restart();
    const withNorms = await decoder.step(sequence, {
      lastRowOnly: true,
      mask: normMask(spec.suppressed, spec.beginSuppressed),
    });
    expect(withNorms.logits).toEqual(without.logits);
  });

  it("give the greedy pass the words and score it has when JavaScript normalises", async () => {
    const options = { promptTokens: tokenizer.encode(` ${HEARING_PROMPT}`), language: "en", maxTokens: 40 };
    const own = await greedyDecode((await freeStart(prepared)).decoder, spec, options);
    // The same decoder asked for no normalisers: greedyDecode sums its own (logits.ts).
    const decoder = (await freeStart(prepared)).decoder;
    const withoutNorms: DecoderSteps = {
      step: (ids, stepOptions) => decoder.step(ids, { lastRowOnly: stepOptions?.lastRowOnly ?? false }),
      probe: (ids) => decoder.probe(ids),
      restart: () => decoder.restart(),
    };
    const js = await greedyDecode(withoutNorms, spec, options);
    expect(tokenizer.decode(own.tokens)).toBe(tokenizer.decode(js.tokens));
    expect(own.tokens.length).toBeGreaterThan(2);
    // Each token's normaliser within ~2e-4 (float32 sums), so is their average.
    expect(Math.abs(own.avgLogprob - js.avgLogprob)).toBeLessThan(1e-3);
  });
});

describe("withLogitNorms", () => {
  it("edits a decoder once, and leaves a model without logits as it is", () => {
    const paths = tinyPaths();
    const decoder = readFileSync(paths["onnx/decoder_model_merged_quantized.onnx"] as string);
    const edited = withLogitNorms(decoder);
    expect(edited.edited).toBe(true);
    expect(Buffer.from(edited.model).includes(Buffer.from(LOGITS_NORM))).toBe(true);
    expect(withLogitNorms(edited.model).edited).toBe(false);
    const encoder = readFileSync(paths["onnx/encoder_model_quantized.onnx"] as string);
    expect(withLogitNorms(encoder).edited).toBe(false);
  });
});
