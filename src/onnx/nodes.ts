/**
 * Rewrites the nodes of an ONNX model held in memory: every graph (the main one and the
 * subgraphs of If/Loop nodes) is handed to an edit that sees its nodes decoded (operator,
 * name, inputs, outputs, integer attributes) and returns the nodes to keep, in order. Nodes
 * left as they were are copied byte for byte; new ones are written from their description.
 * Used by stt/prepare/attention.ts and stt/prepare/output-layer.ts; the sha256-pinned file on disk
 * is never modified.
 *
 * Wire fields (onnx.proto): ModelProto.graph = 7; GraphProto.node = 1, output = 12;
 * NodeProto.input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7;
 * AttributeProto.name = 1, i = 3, g = 6, ints = 8, graphs = 11, type = 20 (INT = 2, INTS = 7);
 * ValueInfoProto.name = 1, type = 2; TypeProto.tensor_type = 1; Tensor.elem_type = 1.
 */

import {
  concatBytes,
  type Field,
  fields,
  int64Field,
  lengthField,
  readInt64,
  readVarint,
  text,
  varintField,
  withPayload,
} from "./protobuf-wire.js";

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_OUTPUT = 12;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
const ATTR = { name: 1, i: 3, g: 6, ints: 8, graphs: 11, type: 20 } as const;
const ATTR_INT = 2;
const ATTR_INTS = 7;

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  /** Integer and integer-list attributes (the only kinds these edits read or write). */
  ints: Record<string, number | number[]>;
  /** All attributes of a decoded node, of any kind (more than `ints` holds when some are not integers). */
  attributeCount: number;
  /** Operator set domain; "" is ai.onnx, the only one new nodes are written in. */
  domain: string;
  /** The node's original bytes, tag included; absent on new nodes (written from the fields above). */
  raw?: Uint8Array;
}

/**
 * The edit of one graph: its nodes (and the names of its outputs) in, the nodes to write out.
 * Depth 0 is the main graph, 1 its subgraphs. An edit may also rename graph outputs (old name
 * -> new): the renamed output keeps its element type and loses its declared shape, since it
 * now names another tensor.
 */
export type GraphEdit = (
  nodes: readonly OnnxNode[],
  depth: number,
  outputs: readonly string[],
) => OnnxNode[] | { nodes: OnnxNode[]; renamedOutputs: ReadonlyMap<string, string> };

/** `model` with `edit` applied to every graph in it, innermost subgraphs first. */
export function editGraphs(model: Uint8Array, edit: GraphEdit): Uint8Array {
  // Views into `model` until the one copy at the end: a 30 MB decoder is copied once, not
  // once per nesting level (measured: each extra copy raised peak RSS at load).
  const parts = fields(model, 0, model.length).flatMap((f) =>
    f.no === MODEL_GRAPH
      ? withPayload(model, f, editGraph(model, f, edit, 0))
      : [model.subarray(f.start, f.end)],
  );
  return concatBytes(parts);
}

/** The model's version of the default (ai.onnx) operator set: ModelProto.opset_import = 8, domain = 1, version = 2. */
export function defaultOpset(model: Uint8Array): number {
  for (const f of fields(model, 0, model.length)) {
    if (f.no !== 8) continue;
    const parts = fields(model, f.payload, f.end);
    const domain = parts.find((p) => p.no === 1);
    const version = parts.find((p) => p.no === 2)?.varint;
    if (
      (!domain || domain.end === domain.payload || text(model, domain) === "ai.onnx") &&
      version !== undefined
    )
      return version;
  }
  return 1;
}

/** One main-graph initializer: its name, its dims and its TensorProto's fields (views into the model). */
export interface InitializerTensor {
  name: string;
  dims: number[];
  fields: Field[];
}

/**
 * The main graph's initializers in file order (GraphProto.initializer = 5; TensorProto.dims
 * = 1, packed or not; name = 8), each with its fields for readers of values (initializers.ts).
 */
export function* initializerTensors(model: Uint8Array): Generator<InitializerTensor> {
  const graph = fields(model, 0, model.length).find((f) => f.no === MODEL_GRAPH);
  if (!graph) return;
  for (const f of fields(model, graph.payload, graph.end)) {
    if (f.no !== 5) continue;
    const tensor = fields(model, f.payload, f.end);
    const name = tensor.find((t) => t.no === 8);
    if (!name) continue;
    const dims = tensor
      .filter((t) => t.no === 1)
      .flatMap((t) =>
        t.varint !== undefined ? [readInt64(model, t.payload)] : packedInt64s(model, t.payload, t.end),
      );
    yield { name: text(model, name), dims, fields: tensor };
  }
}

/** The main graph's initializers: name -> dims. */
export function initializerShapes(model: Uint8Array): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const { name, dims } of initializerTensors(model)) shapes.set(name, dims);
  return shapes;
}

/** A packed run of varints, read as int64 numbers. */
function packedInt64s(bytes: Uint8Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let pos = from; pos < to; pos = readVarint(bytes, pos)[1]) out.push(readInt64(bytes, pos));
  return out;
}

/** Hands every graph's nodes to `visit`, innermost subgraphs first, without writing a new model. */
export function visitGraphs(
  model: Uint8Array,
  visit: (nodes: readonly OnnxNode[], depth: number, outputs: readonly string[]) => void,
): void {
  const graph = fields(model, 0, model.length).find((f) => f.no === MODEL_GRAPH);
  if (!graph) return;
  // editGraph's parts are views into `model` (only nodes with subgraphs are copied, and they
  // hold nodes, not weights); nothing is joined, so a 30 MB model is not copied to be read.
  editGraph(
    model,
    graph,
    (nodes, depth, outputs) => {
      visit(nodes, depth, outputs);
      return [...nodes];
    },
    0,
  );
}

/** A new node (no raw bytes): written from its fields when the graph is rebuilt. */
export function node(
  opType: string,
  name: string,
  inputs: string[],
  outputs: string[],
  ints: Record<string, number | number[]> = {},
): OnnxNode {
  return { opType, name, inputs, outputs, ints, attributeCount: Object.keys(ints).length, domain: "" };
}

/** `n` writing to `outputs` instead: its other fields (subgraphs included) as they were. */
export function withOutputs(n: OnnxNode, outputs: string[]): OnnxNode {
  const raw = n.raw;
  const [field] = raw ? fields(raw, 0, raw.length) : [];
  if (!raw || !field) return { ...n, outputs };
  const kept = fields(raw, field.payload, field.end).filter((f) => f.no !== NODE.output);
  const body = concatBytes([
    ...outputs.map((o) => lengthField(NODE.output, o)),
    ...kept.map((f) => raw.subarray(f.start, f.end)),
  ]);
  return { ...n, outputs, raw: lengthField(GRAPH_NODE, body) };
}

/** Nodes by the tensors they read: consumers(tensor) lists every node with it among its inputs. */
export function consumersOf(nodes: readonly OnnxNode[]): (tensor: string) => OnnxNode[] {
  const map = new Map<string, OnnxNode[]>();
  for (const n of nodes) for (const input of n.inputs) map.set(input, [...(map.get(input) ?? []), n]);
  return (tensor) => map.get(tensor) ?? [];
}

/** The graph's new payload, as parts (mostly views into `bytes`). */
function editGraph(bytes: Uint8Array, graph: Field, edit: GraphEdit, depth: number): Uint8Array[] {
  const graphFields = fields(bytes, graph.payload, graph.end);
  const nodes = graphFields.filter((f) => f.no === GRAPH_NODE).map((f) => decodeNode(bytes, f, edit, depth));
  const outputs = graphFields.filter((f) => f.no === GRAPH_OUTPUT);
  const result = edit(
    nodes,
    depth,
    outputs.map((f) => valueInfoName(bytes, f)),
  );
  const edited = Array.isArray(result) ? result : result.nodes;
  const renamed = Array.isArray(result) ? new Map<string, string>() : result.renamedOutputs;
  const written = edited.map((n) => n.raw ?? lengthField(GRAPH_NODE, encodeNode(n)));
  const out: Uint8Array[] = [];
  for (const f of graphFields) {
    if (f.no === GRAPH_OUTPUT) out.push(renamedOutput(bytes, f, renamed));
    else if (f.no !== GRAPH_NODE) out.push(bytes.subarray(f.start, f.end));
    // Nodes are written together where the first one was: ONNX wants no particular field order.
    else out.push(...written.splice(0));
  }
  out.push(...written);
  return out;
}

function valueInfoName(bytes: Uint8Array, info: Field): string {
  const name = fields(bytes, info.payload, info.end).find((f) => f.no === 1);
  return name ? text(bytes, name) : "";
}

/** A graph output as it was, or under its new name with only its element type. */
function renamedOutput(bytes: Uint8Array, info: Field, renamed: ReadonlyMap<string, string>): Uint8Array {
  const to = renamed.get(valueInfoName(bytes, info));
  if (to === undefined) return bytes.subarray(info.start, info.end);
  const type = fields(bytes, info.payload, info.end).find((f) => f.no === 2);
  const tensor = type && fields(bytes, type.payload, type.end).find((f) => f.no === 1);
  const elemType = tensor && fields(bytes, tensor.payload, tensor.end).find((f) => f.no === 1)?.varint;
  const typeProto = elemType === undefined ? [] : [lengthField(2, lengthField(1, varintField(1, elemType)))];
  return lengthField(GRAPH_OUTPUT, concatBytes([lengthField(1, to), ...typeProto]));
}

/** A node's fields; subgraphs in its attributes are edited first, which renews its raw bytes. */
function decodeNode(bytes: Uint8Array, field: Field, edit: GraphEdit, depth: number): OnnxNode {
  const parts = fields(bytes, field.payload, field.end);
  const strings = (no: number) => parts.filter((f) => f.no === no).map((f) => text(bytes, f));
  const ints: Record<string, number | number[]> = {};
  let hasSubgraph = false;
  const body = parts.map((f) => {
    if (f.no !== NODE.attribute) return bytes.subarray(f.start, f.end);
    const attr = fields(bytes, f.payload, f.end);
    const name = attr.find((a) => a.no === ATTR.name);
    const i = attr.find((a) => a.no === ATTR.i);
    const list = attr.filter((a) => a.no === ATTR.ints && a.varint !== undefined);
    const int64 = (a: Field) => readInt64(bytes, a.payload);
    if (name && i?.varint !== undefined) ints[text(bytes, name)] = int64(i);
    else if (name && list.length > 0) ints[text(bytes, name)] = list.map(int64);
    if (!attr.some((a) => a.no === ATTR.g || a.no === ATTR.graphs)) return bytes.subarray(f.start, f.end);
    hasSubgraph = true;
    const attrBody = attr.map((a) =>
      a.no === ATTR.g || a.no === ATTR.graphs
        ? concatBytes(withPayload(bytes, a, editGraph(bytes, a, edit, depth + 1)))
        : bytes.subarray(a.start, a.end),
    );
    return concatBytes(withPayload(bytes, f, attrBody));
  });
  return {
    opType: strings(NODE.opType)[0] ?? "",
    name: strings(NODE.name)[0] ?? "",
    inputs: strings(NODE.input),
    outputs: strings(NODE.output),
    ints,
    attributeCount: parts.filter((f) => f.no === NODE.attribute).length,
    domain: strings(NODE.domain)[0] ?? "",
    raw: hasSubgraph ? concatBytes(withPayload(bytes, field, body)) : bytes.subarray(field.start, field.end),
  };
}

/** NodeProto for a new node in the default (ai.onnx) domain. */
function encodeNode(n: OnnxNode): Uint8Array {
  const attributes = Object.entries(n.ints).map(([name, value]) =>
    lengthField(
      NODE.attribute,
      concatBytes(
        typeof value === "number"
          ? [lengthField(ATTR.name, name), int64Field(ATTR.i, value), varintField(ATTR.type, ATTR_INT)]
          : [
              lengthField(ATTR.name, name),
              ...value.map((v) => int64Field(ATTR.ints, v)),
              varintField(ATTR.type, ATTR_INTS),
            ],
      ),
    ),
  );
  return concatBytes([
    ...n.inputs.map((s) => lengthField(NODE.input, s)),
    ...n.outputs.map((s) => lengthField(NODE.output, s)),
    lengthField(NODE.name, n.name),
    lengthField(NODE.opType, n.opType),
    ...attributes,
  ]);
}
