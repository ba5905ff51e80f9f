/**
 * Drops graph outputs from an ONNX model held in memory. The transformers.js Whisper
 * encoders also output every layer's attention weights (4 x 54 MB for tiny); as graph
 * outputs onnxruntime keeps them all until the run ends, while as intermediates it reuses
 * their memory: measured 521 -> 421 MB resident for the tiny encoder, same hidden states.
 * The file on disk (sha256-pinned) is untouched.
 *
 * Written against protobuf's wire format rather than with a protobuf library because it
 * touches two fields (ModelProto.graph = 7, GraphProto.output = 12, ValueInfoProto.name = 1)
 * and copies everything else byte for byte, which needs no ONNX schema.
 */

const GRAPH = 7;
const OUTPUT = 12;
const NAME = 1;

interface Field {
  no: number;
  /** Start of the tag, start of the payload (length-delimited fields), end. */
  start: number;
  payload: number;
  end: number;
}

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
    const length = kept.reduce((n, k) => n + k.length, 0);
    const tag = model.subarray(field.start, field.start + tagLength(model, field.start));
    parts.push(tag, encodeVarint(length), ...kept);
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
  return name ? Buffer.from(bytes.subarray(name.payload, name.end)).toString("utf8") : "";
}

function fields(bytes: Uint8Array, from: number, to: number): Field[] {
  const out: Field[] = [];
  let pos = from;
  while (pos < to) {
    const start = pos;
    const [key, afterKey] = readVarint(bytes, pos);
    const wire = key % 8;
    let payload = afterKey;
    if (wire === 0) pos = readVarint(bytes, afterKey)[1];
    else if (wire === 1) pos = afterKey + 8;
    else if (wire === 5) pos = afterKey + 4;
    else if (wire === 2) {
      const [length, afterLength] = readVarint(bytes, afterKey);
      payload = afterLength;
      pos = afterLength + length;
    } else throw new Error(`unsupported protobuf wire type ${wire} at byte ${start}`);
    if (pos > to) throw new Error(`protobuf field at byte ${start} runs past its message`);
    out.push({ no: Math.floor(key / 8), start, payload, end: pos });
  }
  return out;
}

function readVarint(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  let p = pos;
  for (;;) {
    const byte = bytes[p++];
    if (byte === undefined) throw new Error("truncated protobuf varint");
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, p];
    scale *= 128;
  }
}

function tagLength(bytes: Uint8Array, pos: number): number {
  return readVarint(bytes, pos)[1] - pos;
}

function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}
