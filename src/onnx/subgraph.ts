/**
 * Cuts a slice out of an ONNX model in memory: the nodes from the first consumer of one
 * tensor up to the producer of another, as a new model whose input and output are those
 * tensors. The openWakeWord embedding model is a chain of valid-in-time convolutions, so
 * its slices can be run on only the newest rows of each stage (see embedding-stream.ts).
 *
 * Written by hand because it needs only the protobuf wire format (length-delimited fields
 * copied as raw bytes, a few strings read; protobuf-wire.ts) and no installed runtime
 * dependency parses ONNX; the verified model file is never modified on disk.
 */

import { concatBytes as concat, fields, lengthField, varintField } from "./protobuf-wire.js";

/** ONNX field numbers used here (onnx.proto). */
const MODEL_GRAPH = 7;
const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12, valueInfo: 13 } as const;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const TENSOR_NAME = 8;
const FLOAT = 1;

interface Field {
  no: number;
  /** Whole field, tag included (for copying as is). */
  raw: Uint8Array;
  /** Payload of a length-delimited field. */
  body: Uint8Array;
}

export interface TensorSpec {
  name: string;
  /** Numbers are fixed sizes, strings free (symbolic) dimensions. */
  dims: ReadonlyArray<number | string>;
}

export function extractSubgraph(model: Uint8Array, input: TensorSpec, output: TensorSpec): Uint8Array {
  const modelFields = readFields(model);
  const graphField = modelFields.find((f) => f.no === MODEL_GRAPH);
  if (!graphField) throw new Error("not an ONNX model: no graph");
  const graph = readFields(graphField.body);
  const nodes = graph.filter((f) => f.no === GRAPH.node);
  const io = nodes.map((n) => ({
    inputs: strings(n.body, NODE_INPUT),
    outputs: strings(n.body, NODE_OUTPUT),
  }));
  const first = io.findIndex((n) => n.inputs.includes(input.name));
  const last = io.findIndex((n) => n.outputs.includes(output.name));
  if (first < 0 || last < first) throw new Error(`no node chain from ${input.name} to ${output.name}`);

  const initializers = new Map(
    graph.filter((f) => f.no === GRAPH.initializer).map((f) => [strings(f.body, TENSOR_NAME)[0] ?? "", f]),
  );
  const available = new Set([input.name]);
  const used: Field[] = [];
  for (let i = first; i <= last; i++) {
    for (const name of io[i]?.inputs ?? []) {
      if (name === "" || available.has(name)) continue;
      const init = initializers.get(name);
      if (!init) throw new Error(`node input ${name} comes from outside the slice`);
      used.push(init);
      available.add(name);
    }
    for (const name of io[i]?.outputs ?? []) available.add(name);
  }

  const newGraph = concat([
    ...nodes.slice(first, last + 1).map((n) => n.raw),
    ...graph.filter((f) => f.no === GRAPH.name).map((f) => f.raw),
    ...used.map((f) => f.raw),
    lengthField(GRAPH.input, valueInfo(input)),
    lengthField(GRAPH.output, valueInfo(output)),
  ]);
  return concat([
    ...modelFields.filter((f) => f.no !== MODEL_GRAPH).map((f) => f.raw),
    lengthField(MODEL_GRAPH, newGraph),
  ]);
}

/** ValueInfoProto { name, type: TypeProto { tensor_type { elem_type: FLOAT, shape { dim... } } } }. */
function valueInfo(spec: TensorSpec): Uint8Array {
  const dims = spec.dims.map((d) =>
    lengthField(1, typeof d === "number" ? varintField(1, d) : lengthField(2, d)),
  );
  const tensorType = concat([varintField(1, FLOAT), lengthField(2, concat(dims))]);
  return concat([lengthField(1, spec.name), lengthField(2, lengthField(1, tensorType))]);
}

/** The fields of a message with their bytes: `raw` (tag included, to copy as is) and `body` (payload). */
function readFields(buf: Uint8Array): Field[] {
  return fields(buf, 0, buf.length).map((f) => ({
    no: f.no,
    raw: buf.subarray(f.start, f.end),
    body: buf.subarray(f.payload, f.end),
  }));
}

function strings(buf: Uint8Array, no: number): string[] {
  const decoder = new TextDecoder();
  return readFields(buf)
    .filter((f) => f.no === no)
    .map((f) => decoder.decode(f.body));
}
