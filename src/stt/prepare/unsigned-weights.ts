/**
 * Stores the int8 weights of MatMulInteger nodes as uint8 with their zero points moved by 128:
 * w + 128 against zp + 128 multiply to the same integers, so the model computes exactly what
 * it did, but through onnxruntime's u8 x u8 kernels.
 *
 * Why: whisper-tiny's exported decoder multiplies uint8 activations by int8 weights (u8 x s8;
 * its encoder is u8 x u8 throughout). On an x86 CPU without VNNI (AVX2 only: AMD Zen 1-3,
 * Intel before Ice Lake) onnxruntime's u8 x s8 kernel adds products in pairs into int16
 * (vpmaddubsw), which saturates; with VNNI, and on ARM, the sums are exact. So the same audio
 * decoded to different words on different PCs ("Hey Jarvis, hold up, labyrinth." against
 * "... lamp.", a repetition loop found on one and not the other), and the thresholds tuned on
 * one were not the model's on the other. The u8 x u8 kernels widen to 16 bits before
 * multiplying and never saturate: every x86 CPU then computes the exact sums.
 *
 * Only a weight and zero point that are main-graph initializers, int8, read by nothing but
 * MatMulInteger's B / B-zero-point inputs, are changed; a node without a zero point keeps its
 * int8 weight. Wire fields: ModelProto.graph = 7; GraphProto.initializer = 5; TensorProto
 * dims = 1, data_type = 2 (INT8 = 3, UINT8 = 2), int32_data = 5, name = 8, raw_data = 9.
 */

import { visitGraphs } from "../../onnx/nodes.js";
import {
  concatBytes,
  type Field,
  fields,
  lengthField,
  readInt64,
  readVarint,
  text,
  varintField,
  withPayload,
} from "../../onnx/protobuf-wire.js";

const GRAPH = 7;
const INITIALIZER = 5;
const T = { dims: 1, dataType: 2, int32Data: 5, name: 8, rawData: 9 } as const;
const INT8 = 3;
const UINT8 = 2;

/** `model` with its MatMulInteger int8 weights stored as uint8; how many weights were changed. */
export function withUnsignedWeights(model: Uint8Array): { model: Uint8Array; weights: number } {
  const pairs = weightPairs(model);
  if (pairs.size === 0) return { model, weights: 0 };
  const graph = fields(model, 0, model.length).find((f) => f.no === GRAPH);
  if (!graph) return { model, weights: 0 };
  const graphFields = fields(model, graph.payload, graph.end);
  const initializers = new Map<string, Field>();
  for (const f of graphFields) if (f.no === INITIALIZER) initializers.set(nameOf(model, f), f);
  const changed = new Map<string, Uint8Array>();
  for (const [weight, zeroPoint] of pairs) {
    const w = initializers.get(weight);
    const zp = initializers.get(zeroPoint);
    if (!w || !zp || dataType(model, w) !== INT8 || dataType(model, zp) !== INT8) continue;
    const wBytes = int8Values(model, w);
    const zpBytes = int8Values(model, zp);
    if (!wBytes || !zpBytes) continue;
    changed.set(weight, asUint8(model, w, wBytes));
    changed.set(zeroPoint, asUint8(model, zp, zpBytes));
  }
  if (changed.size === 0) return { model, weights: 0 };
  const payload = graphFields.map((f) =>
    f.no === INITIALIZER
      ? (changed.get(nameOf(model, f)) ?? model.subarray(f.start, f.end))
      : model.subarray(f.start, f.end),
  );
  const parts = fields(model, 0, model.length).flatMap((f) =>
    f.no === GRAPH ? withPayload(model, f, payload) : [model.subarray(f.start, f.end)],
  );
  return { model: concatBytes(parts), weights: changed.size / 2 };
}

/**
 * Weight -> zero point of every MatMulInteger in any graph, keeping only names that no other
 * node input reads (a tensor shared with another operator keeps its type).
 */
function weightPairs(model: Uint8Array): Map<string, string> {
  const pairs = new Map<string, string>();
  const elsewhere = new Set<string>();
  visitGraphs(model, (nodes) => {
    for (const n of nodes) {
      const [, weight, , zeroPoint] = n.inputs;
      const integer = n.opType === "MatMulInteger" && n.domain === "" && weight && zeroPoint;
      n.inputs.forEach((input, i) => {
        if (!(integer && (i === 1 || i === 3))) elsewhere.add(input);
      });
      if (!integer) continue;
      // The same weight read with two zero points would need two copies: leave it alone.
      if (pairs.has(weight) && pairs.get(weight) !== zeroPoint) elsewhere.add(weight);
      else pairs.set(weight, zeroPoint);
    }
  });
  for (const [weight, zeroPoint] of pairs)
    if (elsewhere.has(weight) || elsewhere.has(zeroPoint)) pairs.delete(weight);
  return pairs;
}

function nameOf(bytes: Uint8Array, tensor: Field): string {
  const name = fields(bytes, tensor.payload, tensor.end).find((f) => f.no === T.name);
  return name ? text(bytes, name) : "";
}

function dataType(bytes: Uint8Array, tensor: Field): number | undefined {
  return fields(bytes, tensor.payload, tensor.end).find((f) => f.no === T.dataType)?.varint;
}

/** The tensor's int8 values as bytes (two's complement), from raw_data or int32_data; null if stored otherwise. */
function int8Values(bytes: Uint8Array, tensor: Field): Uint8Array | null {
  const parts = fields(bytes, tensor.payload, tensor.end);
  const raw = parts.find((f) => f.no === T.rawData);
  if (raw) return bytes.subarray(raw.payload, raw.end);
  const ints = parts.filter((f) => f.no === T.int32Data);
  if (ints.length === 0) return null;
  const values: number[] = [];
  for (const f of ints) {
    // int32_data is packed (one length-delimited field) or one varint field per value.
    if (f.varint !== undefined) values.push(readInt64(bytes, f.payload));
    else
      for (let pos = f.payload; pos < f.end; pos = readVarint(bytes, pos)[1])
        values.push(readInt64(bytes, pos));
  }
  return Uint8Array.from(values, (v) => v & 0xff);
}

/** The initializer rewritten as uint8 holding each value + 128 (the top bit flipped), its dims and name kept. */
function asUint8(bytes: Uint8Array, tensor: Field, values: Uint8Array): Uint8Array {
  const parts = fields(bytes, tensor.payload, tensor.end);
  const kept = parts
    .filter((f) => f.no !== T.dataType && f.no !== T.int32Data && f.no !== T.rawData)
    .map((f) => bytes.subarray(f.start, f.end));
  const shifted = values.map((v) => v ^ 0x80);
  return lengthField(
    INITIALIZER,
    concatBytes([...kept, varintField(T.dataType, UINT8), lengthField(T.rawData, shifted)]),
  );
}
