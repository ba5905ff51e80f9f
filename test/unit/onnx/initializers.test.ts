import { describe, expect, it } from "vitest";
import { floatInitializer } from "../../../src/onnx/graph-fields.js";
import { initializerData } from "../../../src/onnx/initializers.js";
import { concatBytes, lengthField, varintField } from "../../../src/onnx/protobuf-wire.js";

/** A model whose main graph holds these initializer fields (GraphProto.initializer = 5, already tagged). */
function modelWith(initializers: Uint8Array[]): Uint8Array {
  return lengthField(7, concatBytes([lengthField(2, "g"), ...initializers]));
}

function tensor(name: string, type: number, dims: number[], data: Uint8Array[]): Uint8Array {
  return lengthField(
    5,
    concatBytes([...dims.map((d) => varintField(1, d)), varintField(2, type), lengthField(8, name), ...data]),
  );
}

const le = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

describe("initializerData", () => {
  it("reads raw_data, as floatInitializer writes it", () => {
    const data = initializerData(
      modelWith([floatInitializer("w", [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6.5))]),
    );
    const w = data.get("w");
    expect(w?.dims).toEqual([2, 3]);
    expect(w?.type).toBe(1);
    expect([...new Float32Array(Uint8Array.from(w?.bytes ?? []).buffer)]).toEqual([1, 2, 3, 4, 5, 6.5]);
  });

  it("reads float_data packed and one fixed32 field per value", () => {
    const packed = tensor("packed", 1, [2], [lengthField(4, le([0.5, -2]))]);
    // Wire type 5 (fixed32): tag = 4 << 3 | 5.
    const loose = tensor("loose", 1, [], [Uint8Array.of((4 << 3) | 5, ...le([0.25]))]);
    const data = initializerData(modelWith([packed, loose]));
    const floats = (name: string) => [
      ...new Float32Array(Uint8Array.from(data.get(name)?.bytes ?? []).buffer),
    ];
    expect(floats("packed")).toEqual([0.5, -2]);
    expect(floats("loose")).toEqual([0.25]);
    expect(data.get("loose")?.dims).toEqual([]);
  });

  it("reads 8-bit values kept as int32_data, packed or not, negative int8 as its byte", () => {
    const packed = tensor(
      "u8",
      2,
      [3],
      [lengthField(5, concatBytes([200, 1, 128].map((v) => varintField(0, v).subarray(1))))],
    );
    // -3 as protobuf writes an int32: sign-extended to 64 bits, ten bytes.
    const loose = tensor(
      "i8",
      3,
      [1],
      [Uint8Array.of(5 << 3, 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)],
    );
    const data = initializerData(modelWith([packed, loose]));
    expect([...(data.get("u8")?.bytes ?? [])]).toEqual([200, 1, 128]);
    expect([...(data.get("i8")?.bytes ?? [])]).toEqual([253]);
  });

  it("skips what it does not read (no data, or external data), and a model with no graph", () => {
    const external = tensor("ext", 1, [4], [lengthField(13, "location")]);
    expect(initializerData(modelWith([external])).has("ext")).toBe(false);
    expect(initializerData(lengthField(1, "no graph")).size).toBe(0);
  });
});
