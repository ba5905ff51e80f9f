import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { concatBytes, lengthField, varintField } from "../../src/onnx/protobuf-wire.js";
import { withUnsignedWeights } from "../../src/stt/prepare/unsigned-weights.js";
import { hostCpu, saturatesU8S8 } from "../../src/system/cpu.js";

/**
 * One MatMulInteger, uint8 activations by int8 weights, as whisper-tiny's decoder has them, with
 * values whose products overflow int16 in pairs (255 x 127 x 2 > 32767): the sums a CPU without
 * VNNI saturates. Stored as uint8 (prepare/unsigned-weights.ts), the model gives the exact sums.
 */
const K = 8;
const UINT8 = 2;
const INT8 = 3;
const INT32 = 6;

function tensor(name: string, type: number, dims: number[], raw: Uint8Array): Uint8Array {
  return concatBytes([
    ...dims.map((d) => varintField(1, d)),
    varintField(2, type),
    lengthField(8, name),
    lengthField(9, raw),
  ]);
}

function valueInfo(name: string, type: number, dims: number[]): Uint8Array {
  const shape = lengthField(2, concatBytes(dims.map((d) => lengthField(1, varintField(1, d)))));
  return concatBytes([
    lengthField(1, name),
    lengthField(2, lengthField(1, concatBytes([varintField(1, type), shape]))),
  ]);
}

/** A: [1, K] uint8 input; B: [K, 2] int8 weights, zero point `zeroPoint`; Y: [1, 2] int32. */
function model(weights: Int8Array, zeroPoint: number): Uint8Array {
  const node = concatBytes([
    ...["A", "B", "a_zp", "b_zp"].map((i) => lengthField(1, i)),
    lengthField(2, "Y"),
    lengthField(4, "MatMulInteger"),
  ]);
  const graph = concatBytes([
    lengthField(1, node),
    lengthField(2, "g"),
    lengthField(5, tensor("B", INT8, [K, 2], new Uint8Array(weights.buffer))),
    lengthField(5, tensor("a_zp", UINT8, [], Uint8Array.of(0))),
    lengthField(5, tensor("b_zp", INT8, [], Uint8Array.of(zeroPoint & 0xff))),
    lengthField(11, valueInfo("A", UINT8, [1, K])),
    lengthField(12, valueInfo("Y", INT32, [1, 2])),
  ]);
  return concatBytes([
    varintField(1, 7),
    lengthField(7, graph),
    lengthField(8, concatBytes([lengthField(1, ""), varintField(2, 11)])),
  ]);
}

async function run(bytes: Uint8Array, a: Uint8Array): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ A: new ort.Tensor("uint8", a, [1, K]) });
  await session.release();
  return [...((out.Y as ort.Tensor).data as Int32Array)];
}

describe("withUnsignedWeights", () => {
  // Column 0: 127 everywhere (the saturating case); column 1: mixed signs.
  const weights = Int8Array.from({ length: K * 2 }, (_, i) => (i % 2 === 0 ? 127 : i % 4 === 1 ? -128 : 33));
  const a = new Uint8Array(K).fill(255);
  const exact = (zp: number) =>
    [0, 1].map((col) => a.reduce((sum, v, k) => sum + v * ((weights[k * 2 + col] as number) - zp), 0));

  it("stores int8 weights and zero point as uint8 and gives the exact sums, on any CPU", async () => {
    for (const zp of [0, -3]) {
      const signed = model(weights, zp);
      const unsigned = withUnsignedWeights(signed);
      expect(unsigned.weights).toBe(1);
      expect(await run(unsigned.model, a)).toEqual(exact(zp));
    }
  });

  it("is what a CPU that saturates needs: its own int8 kernel's sums are not exact there", async () => {
    const signed = await run(model(weights, 0), a);
    // Where the kernel saturates (x86 without VNNI) the int8 model is off; elsewhere it is
    // exact, as the edit is. Only Linux tells the CPU's flags.
    if (process.platform !== "linux") return;
    if (saturatesU8S8(hostCpu())) expect(signed).not.toEqual(exact(0));
    else expect(signed).toEqual(exact(0));
  });

  it("leaves a model with nothing to change as it is", () => {
    const unsigned = withUnsignedWeights(model(weights, 0)).model;
    expect(withUnsignedWeights(unsigned)).toEqual({ model: unsigned, weights: 0 });
  });
});
