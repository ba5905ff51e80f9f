import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { int16ToFloat32 } from "../../src/audio/format.js";
import { readWav16kMono } from "../../src/audio/wav.js";
import { configSchema } from "../../src/config/schema.js";
import { withoutInitializers } from "../../src/onnx/graph-fields.js";
import { initializerData } from "../../src/onnx/initializers.js";
import { visitGraphs } from "../../src/onnx/nodes.js";
import { concatBytes, lengthField, varintField } from "../../src/onnx/protobuf-wire.js";
import { withFloatLayers } from "../../src/stt/prepare/float-layers.js";
import { decoderModel, encoderModel, windowedEncoderModel } from "../../src/stt/prepare/recipes.js";
import { tinyPaths } from "../model/stt/helpers.js";
import { HEARING_PROMPT, loadTinyTranscriber, normalise } from "./stt-support.js";

/**
 * Whisper's layers in float (prepare/float-layers.ts): the int8 export's per-call quantization
 * of each layer's input is gone, the weights' int8 steps stay.
 */

const FLOAT = 1;
const UINT8 = 2;
const INT8 = 3;
const K = 6;

function tensor(name: string, type: number, dims: number[], raw: Uint8Array): Uint8Array {
  return lengthField(
    5,
    concatBytes([
      ...dims.map((d) => varintField(1, d)),
      varintField(2, type),
      lengthField(8, name),
      lengthField(9, raw),
    ]),
  );
}

function valueInfo(no: number, name: string, dims: number[]): Uint8Array {
  const shape = lengthField(2, concatBytes(dims.map((d) => lengthField(1, varintField(1, d)))));
  return lengthField(
    no,
    concatBytes([
      lengthField(1, name),
      lengthField(2, lengthField(1, concatBytes([varintField(1, FLOAT), shape]))),
    ]),
  );
}

function nodeBytes(
  op: string,
  inputs: string[],
  outputs: string[],
  ints: Record<string, number | number[]> = {},
) {
  const attributes = Object.entries(ints).map(([name, value]) =>
    lengthField(
      5,
      concatBytes(
        typeof value === "number"
          ? [lengthField(1, name), varintField(3, value), varintField(20, 2)]
          : [lengthField(1, name), ...value.map((v) => varintField(8, v)), varintField(20, 7)],
      ),
    ),
  );
  return lengthField(
    1,
    concatBytes([
      ...inputs.map((i) => lengthField(1, i)),
      ...outputs.map((o) => lengthField(2, o)),
      lengthField(3, `${op}_${outputs[0]}`),
      lengthField(4, op),
      ...attributes,
    ]),
  );
}

/**
 * The int8 export's chain for one layer: X quantized per call, times W (8-bit, zero point
 * `zero`, scale `scale`), the int32 sums cast and scaled back. `conv`: a 1-D convolution
 * (X [1, K, 4], W [2, K, 3], padding 1) instead of a MatMul (X [1, K], W [K, 2]).
 */
function quantizedLayer(
  weights: Uint8Array,
  type: number,
  zero: number,
  scale: number,
  conv: boolean,
): Uint8Array {
  const x = conv ? [1, K, 4] : [1, K];
  const w = conv ? [2, K, 3] : [K, 2];
  const y = conv ? [1, 2, 4] : [1, 2];
  const integer = conv
    ? nodeBytes("ConvInteger", ["Xq", "W", "Xzp", "Wzp"], ["Y32"], { kernel_shape: [3], pads: [1, 1] })
    : nodeBytes("MatMulInteger", ["Xq", "W", "Xzp", "Wzp"], ["Y32"]);
  const graph = concatBytes([
    nodeBytes("DynamicQuantizeLinear", ["X"], ["Xq", "Xs", "Xzp"]),
    nodeBytes("Mul", ["Xs", "Ws"], ["S"]),
    integer,
    nodeBytes("Cast", ["Y32"], ["Yf"], { to: FLOAT }),
    nodeBytes("Mul", ["Yf", "S"], ["Y"]),
    lengthField(2, "g"),
    tensor("W", type, w, weights),
    tensor("Wzp", type, [], Uint8Array.of(zero & 0xff)),
    tensor("Ws", FLOAT, [], new Uint8Array(Float32Array.of(scale).buffer)),
    valueInfo(11, "X", x),
    valueInfo(12, "Y", y),
  ]);
  return concatBytes([
    varintField(1, 7),
    lengthField(7, graph),
    lengthField(8, concatBytes([lengthField(1, ""), varintField(2, 13)])),
  ]);
}

async function run(model: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ X: new ort.Tensor("float32", x, dims) });
  await session.release();
  return (out.Y as ort.Tensor).data as Float32Array;
}

function opTypes(model: Uint8Array): Map<string, number> {
  const counts = new Map<string, number>();
  visitGraphs(model, (nodes) => {
    for (const n of nodes) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  });
  return counts;
}

function largestDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs((a[j] as number) - (b[j] as number)));
  return worst;
}

describe("withFloatLayers on one layer", () => {
  // One large input beside small ones: the per-call scale the int8 chain picks for all of them.
  const x = Float32Array.from({ length: K }, (_, i) => (i === 0 ? 40 : 0.013 * (i + 1)));
  const signed = Int8Array.from({ length: K * 2 }, (_, i) => ((i * 37) % 200) - 100);
  const scale = 0.02;

  it("multiplies the input in float by the weights dequantized once: exact where the int8 chain is not", async () => {
    for (const [type, bytes, zero] of [
      [INT8, new Uint8Array(signed.buffer), -3],
      [UINT8, Uint8Array.from(signed, (v) => v + 128), 125],
    ] as const) {
      const model = quantizedLayer(bytes, type, zero, scale, false);
      const weight = (k: number, col: number) =>
        ((type === INT8 ? (signed[k * 2 + col] as number) : (signed[k * 2 + col] as number) + 128) - zero) *
        scale;
      const exact = Float32Array.from([0, 1], (col) => x.reduce((sum, v, k) => sum + v * weight(k, col), 0));
      const float = withFloatLayers(model);
      expect(float.layers).toBe(1);
      expect(largestDifference(await run(float.model, x, [1, K]), exact)).toBeLessThan(1e-4);
      // The int8 chain rounds the small inputs to the large one's step (40 / 255).
      expect(largestDifference(await run(model, x, [1, K]), exact)).toBeGreaterThan(1e-3);
      const ops = opTypes(float.model);
      expect([...ops.keys()].sort()).toEqual(["MatMul"]);
    }
  });

  it("does the same for a convolution, its attributes kept", async () => {
    const bytes = Uint8Array.from({ length: 2 * K * 3 }, (_, i) => (i * 53) % 256);
    const model = quantizedLayer(bytes, UINT8, 128, scale, true);
    const input = Float32Array.from({ length: K * 4 }, (_, i) => (i === 5 ? 30 : Math.sin(i) * 0.05));
    const float = withFloatLayers(model);
    expect(float.layers).toBe(1);
    const got = await run(float.model, input, [1, K, 4]);
    for (let o = 0; o < 2; o++)
      for (let t = 0; t < 4; t++) {
        let sum = 0;
        for (let c = 0; c < K; c++)
          for (let j = 0; j < 3; j++) {
            const at = t + j - 1;
            if (at < 0 || at >= 4) continue;
            sum += (input[c * 4 + at] as number) * (((bytes[(o * K + c) * 3 + j] as number) - 128) * scale);
          }
        expect(got[o * 4 + t]).toBeCloseTo(sum, 4);
      }
  });

  it("leaves a model without the chain as it is, and a float model is not edited twice", () => {
    const float = withFloatLayers(quantizedLayer(new Uint8Array(K * 2), UINT8, 0, scale, false)).model;
    expect(withFloatLayers(float)).toEqual({ model: float, layers: 0 });
  });
});

describe("withoutInitializers", () => {
  it("drops the initializers named, but keeps one that is also a graph input", () => {
    const scalar = (name: string) => tensor(name, FLOAT, [], new Uint8Array(4));
    const graph = concatBytes([
      lengthField(2, "g"),
      scalar("A"),
      scalar("B"),
      scalar("C"),
      valueInfo(11, "A", []),
    ]);
    const model = concatBytes([varintField(1, 7), lengthField(7, graph)]);
    const left = withoutInitializers(model, new Set(["A", "B"]));
    expect([...initializerData(left).keys()]).toEqual(["A", "C"]);
    expect(withoutInitializers(model, new Set())).toBe(model);
  });
});

describe("withFloatLayers on whisper-tiny", () => {
  let encoder: Uint8Array;
  let decoder: Uint8Array;
  const sessions: ort.InferenceSession[] = [];
  const options = { intraOpNumThreads: 1, enableMemPattern: false };

  beforeAll(() => {
    const paths = tinyPaths();
    encoder = readFileSync(paths["onnx/encoder_model_quantized.onnx"] as string);
    decoder = readFileSync(paths["onnx/decoder_model_merged_quantized.onnx"] as string);
  });

  afterAll(async () => {
    for (const s of sessions) await s.release();
  });

  async function hidden(model: Uint8Array): Promise<Float32Array> {
    const session = await ort.InferenceSession.create(model, options);
    sessions.push(session);
    const frames = 3000;
    const features = new Float32Array(80 * frames).map((_, i) => Math.sin(i * 0.37) * 0.8);
    const out = await session.run({ input_features: new ort.Tensor("float32", features, [1, 80, frames]) });
    return out.last_hidden_state?.data as Float32Array;
  }

  it("puts every layer of both models in float, in both branches of the decoder", () => {
    const enc = withFloatLayers(encoder);
    const dec = withFloatLayers(decoder);
    // 2 convolutions + 4 layers x 6 projections; 4 layers x (self 4, cross 4, MLP 2), cross k/v once.
    expect(enc.layers).toBe(26);
    expect(dec.layers).toBe(72);
    for (const model of [enc.model, dec.model]) {
      const ops = opTypes(model);
      for (const gone of ["MatMulInteger", "ConvInteger", "DynamicQuantizeLinear"])
        expect(ops.get(gone)).toBe(undefined);
    }
    // The output layer's DequantizeLinear (the token embedding, read by its own edits) stays.
    expect(opTypes(dec.model).get("DequantizeLinear")).toBeGreaterThan(0);
  });

  it("gives the encoder's hidden states near the int8 ones (the same weights)", async () => {
    const int8 = await hidden(encoder);
    const float = await hidden(withFloatLayers(encoder).model);
    let dot = 0;
    let a = 0;
    let b = 0;
    for (let i = 0; i < int8.length; i++) {
      dot += (int8[i] as number) * (float[i] as number);
      a += (int8[i] as number) ** 2;
      b += (float[i] as number) ** 2;
    }
    expect(float.length).toBe(int8.length);
    expect(dot / Math.sqrt(a * b)).toBeGreaterThan(0.95);
    expect(largestDifference(int8, float)).toBeGreaterThan(0);
  });

  it("is what the recipes prepare with layers float, the other edits still applied", async () => {
    const paths = tinyPaths();
    const enc = await encoderModel(
      paths["onnx/encoder_model_quantized.onnx"] as string,
      1500,
      undefined,
      "float",
    ).prepare();
    const dec = await decoderModel(
      paths["onnx/decoder_model_merged_quantized.onnx"] as string,
      "blocks",
      undefined,
      true,
      "float",
    ).prepare();
    const windowed = await windowedEncoderModel(
      paths["onnx/encoder_model_quantized.onnx"] as string,
      { frames: 1000, fullFrames: 3000 },
      undefined,
      "float",
    ).prepare();
    for (const model of [enc, dec, windowed]) {
      expect(model).toBeInstanceOf(Uint8Array);
      expect(opTypes(model as Uint8Array).get("MatMulInteger")).toBe(undefined);
    }
    // Blocked attention (Split per block) and the output layer after the If (logits_norm) still match.
    expect(opTypes(enc as Uint8Array).get("Softmax")).toBeGreaterThan(4);
    const outputs: string[] = [];
    visitGraphs(dec as Uint8Array, (_nodes, depth, names) => {
      if (depth === 0) outputs.push(...names);
    });
    expect(outputs).toContain("logits_norm");
  });
});

describe("whisper-tiny with its layers in float hears what it misheard in int8", () => {
  // Committed hearing clips (scripts/make-hearing-fixtures.ts): the command after "hey jarvis",
  // as the daemon hands it over. Free decoding with the home's prompt, no guide.
  const CLIPS = [
    ["52-lock-the-front-door--en-us-f3--clean", "lock the front door"],
    ["20-kill-the-bedroom-fan--en-gb-scotland--clean", "kill the bedroom fan"],
    ["03-switch-off-the-living-room-lamp-nopause--en-us-f3--clean", "switch off the living room lamp"],
    ["02-switch-on-the-living-room-lamp--en-gb-m3--clean", "switch on the living room lamp"],
  ] as const;
  const heard = async (layers: "float" | "int8") => {
    const stt = await loadTinyTranscriber({ layers });
    try {
      const texts: string[] = [];
      for (const [clip] of CLIPS) {
        const wav = await readWav16kMono(`test/fixtures/wav/hearing/${clip}.wav`);
        texts.push(
          normalise((await stt.transcribe(int16ToFloat32(wav.samples), { prompt: HEARING_PROMPT })).text),
        );
      }
      return texts;
    } finally {
      await stt.dispose();
    }
  };

  it("hears the four commands in float (stt.layers: float, the default), none of them in int8", async () => {
    expect(configSchema.parse({}).stt.layers).toBe("float");
    const float = await heard("float");
    const int8 = await heard("int8");
    for (const [i, [, words]] of CLIPS.entries()) {
      expect(float[i], CLIPS[i]?.[0]).toContain(words);
      expect(int8[i], CLIPS[i]?.[0]).not.toContain(words);
    }
  });
});
