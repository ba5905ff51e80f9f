/**
 * Drops graph outputs from an ONNX model held in memory. The transformers.js Whisper
 * encoders also output every layer's attention weights (4 x 54 MB for tiny); as graph
 * outputs onnxruntime keeps them all until the run ends, while as intermediates it reuses
 * their memory: measured 521 -> 421 MB resident for the tiny encoder, same hidden states.
 * The file on disk (sha256-pinned) is untouched.
 *
 * Edits protobuf's wire format (protobuf-wire.ts): ModelProto.graph = 7, GraphProto.output
 * = 12, ValueInfoProto.name = 1; every other byte is copied.
 */

import { type Field, fields, text, withPayload } from "./protobuf-wire.js";

const GRAPH = 7;
const OUTPUT = 12;
const NAME = 1;

/** `model` without the graph outputs whose name `drop` accepts. Throws on bytes that are not protobuf. */
export function withoutOutputs(model: Uint8Array, drop: (name: string) => boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const field of fields(model, 0, model.length)) {
    if (field.no !== GRAPH) {
      parts.push(model.subarray(field.start, field.end));
      continue;
    }
    const kept = fields(model, field.payload, field.end)
      .filter((g) => !(g.no === OUTPUT && drop(valueInfoName(model, g))))
      .map((g) => model.subarray(g.start, g.end));
    parts.push(...withPayload(model, field, kept));
  }
  return Buffer.concat(parts);
}

/** Output names of the model's graph, in order. */
export function graphOutputs(model: Uint8Array): string[] {
  const graph = fields(model, 0, model.length).find((f) => f.no === GRAPH);
  if (!graph) return [];
  return fields(model, graph.payload, graph.end)
    .filter((g) => g.no === OUTPUT)
    .map((g) => valueInfoName(model, g));
}

function valueInfoName(bytes: Uint8Array, field: Field): string {
  const name = fields(bytes, field.payload, field.end).find((f) => f.no === NAME);
  return name ? text(bytes, name) : "";
}
