import { describe, expect, it } from "vitest";
import { configSchema } from "../../../../src/config/schema.js";
import { fields } from "../../../../src/onnx/protobuf-wire.js";
import { withPositionWindow } from "../../../../src/stt/prepare/window.js";

/** A protobuf length-delimited field: tag (field << 3 | 2), length, payload (all short here). */
function field(no: number, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === "string" ? Buffer.from(payload) : payload;
  return Uint8Array.from([(no << 3) | 2, bytes.length, ...bytes]);
}

/** A TensorProto: dims (varints), data_type float, name, raw_data. */
function tensor(name: string, dims: number[], values: number[]): Uint8Array {
  const raw = new Uint8Array(Float32Array.from(values).buffer);
  return Buffer.concat([
    ...dims.map((d) => Uint8Array.of(0x08, d)),
    Uint8Array.of(0x10, 1),
    field(8, name),
    field(9, raw),
  ]);
}

function model(...graph: Uint8Array[]): Uint8Array {
  return Buffer.concat([Uint8Array.of(0x08, 0x07), field(7, Buffer.concat(graph)), field(8, "opset")]);
}

describe("withPositionWindow", () => {
  it("keeps the first rows of the [full, d] initializer, drops shape annotations, copies the rest", () => {
    const embedding = tensor("pos", [4, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
    const other = tensor("w", [2, 2], [9, 9, 9, 9]);
    const node = field(1, field(1, "x"));
    const source = model(node, field(5, other), field(5, embedding), field(13, field(1, "hint")));
    const cut = withPositionWindow(source, 3, 4);
    expect(Buffer.from(cut)).toEqual(
      Buffer.from(model(node, field(5, other), field(5, tensor("pos", [3, 2], [0, 1, 2, 3, 4, 5])))),
    );
    expect(fields(cut, 0, cut.length).map((f) => f.no)).toEqual([1, 7, 8]);
  });

  it("refuses a model without exactly one positional embedding, and impossible windows", () => {
    const none = model(field(5, tensor("w", [2, 2], [1, 2, 3, 4])));
    expect(() => withPositionWindow(none, 2, 4)).toThrow(/found 0/);
    const two = model(
      field(5, tensor("a", [4, 1], [1, 2, 3, 4])),
      field(5, tensor("b", [4, 1], [1, 2, 3, 4])),
    );
    expect(() => withPositionWindow(two, 2, 4)).toThrow(/found 2/);
    const one = model(field(5, tensor("a", [4, 1], [1, 2, 3, 4])));
    for (const positions of [0, 5, 2.5])
      expect(() => withPositionWindow(one, positions, 4)).toThrow(RangeError);
  });
});

describe("stt.encoder_window_seconds", () => {
  it("defaults to the full 30 s window and takes whole seconds from 5 to 30", () => {
    expect(configSchema.parse({}).stt.encoder_window_seconds).toBe(30);
    expect(configSchema.parse({ stt: { encoder_window_seconds: 10 } }).stt.encoder_window_seconds).toBe(10);
    for (const bad of [4, 31, 7.5, "ten"]) {
      expect(configSchema.safeParse({ stt: { encoder_window_seconds: bad } }).success).toBe(false);
    }
  });
});
