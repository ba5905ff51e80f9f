/**
 * New inputs, outputs and initializers for an ONNX model's main graph, written in protobuf's
 * wire format (protobuf-wire.ts) and appended after the graph's own fields; every other byte
 * is copied. The edits of stt/prepare/ add their feeds and results with these.
 *
 * Wire fields (onnx.proto): ModelProto.graph = 7; GraphProto.initializer = 5, input = 11,
 * output = 12; TensorProto.dims = 1, data_type = 2, name = 8, raw_data = 9;
 * ValueInfoProto.name = 1, type = 2; TypeProto.tensor_type = 1; Tensor.elem_type = 1,
 * shape = 2; TensorShapeProto.dim = 1; Dimension.dim_value = 1, dim_param = 2.
 */

import {
  concatBytes,
  type Field,
  fields,
  lengthField,
  text,
  varintField,
  withPayload,
} from "./protobuf-wire.js";

const GRAPH = 7;
const INITIALIZER = 5;
const INPUT = 11;
const OUTPUT = 12;

/** TensorProto.DataType values these edits write. */
export const ElemType = { float: 1, int64: 7 } as const;

/** A dimension: a fixed size, or a name for one the caller chooses per run. */
export type Dim = number | string;

/** `model` with `extra` fields (from the functions below) appended to its main graph. */
export function withMainGraphFields(model: Uint8Array, extra: readonly Uint8Array[]): Uint8Array {
  const parts = fields(model, 0, model.length).flatMap((f) =>
    f.no === GRAPH
      ? withPayload(model, f, [model.subarray(f.payload, f.end), ...extra])
      : [model.subarray(f.start, f.end)],
  );
  return concatBytes(parts);
}

/**
 * `model` without the main graph's initializers named in `names` (TensorProto.name = 8). One
 * that is also a graph input (older exports list them there) is kept: removing it would make
 * the input one the caller must feed.
 */
export function withoutInitializers(model: Uint8Array, names: ReadonlySet<string>): Uint8Array {
  if (names.size === 0) return model;
  // ValueInfoProto.name = 1, TensorProto.name = 8.
  const nameOf = (f: Field, no: number) => {
    const name = fields(model, f.payload, f.end).find((t) => t.no === no);
    return name ? text(model, name) : "";
  };
  const parts = fields(model, 0, model.length).flatMap((f) => {
    if (f.no !== GRAPH) return [model.subarray(f.start, f.end)];
    const graph = fields(model, f.payload, f.end);
    const inputs = new Set(graph.filter((g) => g.no === INPUT).map((g) => nameOf(g, 1)));
    const kept = graph.filter((g) => {
      if (g.no !== INITIALIZER) return true;
      const name = nameOf(g, 8);
      return !names.has(name) || inputs.has(name);
    });
    return withPayload(
      model,
      f,
      kept.map((g) => model.subarray(g.start, g.end)),
    );
  });
  return concatBytes(parts);
}

/** A graph input (GraphProto.input). */
export function graphInput(name: string, elemType: number, dims: readonly Dim[]): Uint8Array {
  return lengthField(INPUT, valueInfo(name, elemType, dims));
}

/** A graph output (GraphProto.output). */
export function graphOutput(name: string, elemType: number, dims: readonly Dim[]): Uint8Array {
  return lengthField(OUTPUT, valueInfo(name, elemType, dims));
}

/** An int64 initializer holding `value`: shape [1], or a scalar with `dims` []. */
export function int64Initializer(name: string, value: number, dims: readonly number[] = [1]): Uint8Array {
  const raw = new Uint8Array(8);
  new DataView(raw.buffer).setBigInt64(0, BigInt(value), true);
  return lengthField(
    INITIALIZER,
    concatBytes([
      ...dims.map((d) => varintField(1, d)),
      varintField(2, ElemType.int64),
      lengthField(8, name),
      lengthField(9, raw),
    ]),
  );
}

/** A float32 initializer of shape `dims` holding `values`. */
export function floatInitializer(name: string, dims: readonly number[], values: Float32Array): Uint8Array {
  return lengthField(
    INITIALIZER,
    concatBytes([
      ...dims.map((d) => varintField(1, d)),
      varintField(2, ElemType.float),
      lengthField(8, name),
      lengthField(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength)),
    ]),
  );
}

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): Uint8Array {
  const shape = lengthField(
    2,
    concatBytes(
      dims.map((d) => lengthField(1, typeof d === "number" ? varintField(1, d) : lengthField(2, d))),
    ),
  );
  const tensor = lengthField(1, concatBytes([varintField(1, elemType), shape]));
  return concatBytes([lengthField(1, name), lengthField(2, tensor)]);
}
