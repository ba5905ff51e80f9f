/**
 * Reads the main graph's initializers (their values, not only their shapes) from an ONNX
 * model held in memory, for edits that compute new weights from old ones
 * (stt/prepare/float-output-layer.ts). Only the encodings the Whisper exports use are read:
 * raw_data, float_data, and int32_data for 8-bit types; others (external data) are skipped.
 *
 * Wire fields (onnx.proto): ModelProto.graph = 7; GraphProto.initializer = 5;
 * TensorProto.dims = 1, data_type = 2, float_data = 4, int32_data = 5, name = 8, raw_data = 9.
 */

import { initializerTensors } from "./nodes.js";
import { type Field, readVarint } from "./protobuf-wire.js";

export interface InitializerData {
  dims: number[];
  /** TensorProto.DataType (1 float, 2 uint8, 3 int8, ...). */
  type: number;
  /** Little-endian element bytes (a view into the model for raw_data). */
  bytes: Uint8Array;
}

const FLOAT = 1;
const UINT8 = 2;
const INT8 = 3;

/** name -> value of each main-graph initializer whose encoding is read here. */
export function initializerData(model: Uint8Array): Map<string, InitializerData> {
  const out = new Map<string, InitializerData>();
  for (const { name, dims, fields: tensor } of initializerTensors(model)) {
    const type = tensor.find((t) => t.no === 2)?.varint;
    if (type === undefined) continue;
    const bytes = valueBytes(model, tensor, type);
    if (bytes) out.set(name, { dims, type, bytes });
  }
  return out;
}

/** The tensor's elements as little-endian bytes, or null for an encoding not read here. */
function valueBytes(model: Uint8Array, tensor: Field[], type: number): Uint8Array | null {
  const raw = tensor.find((t) => t.no === 9);
  if (raw) return model.subarray(raw.payload, raw.end);
  // Packed (one length-delimited field) or one fixed32 field per value: the payloads are the little-endian floats.
  const floats = tensor.filter((t) => t.no === 4);
  if (type === FLOAT && floats.length > 0)
    return Uint8Array.from(floats.flatMap((t) => [...model.subarray(t.payload, t.end)]));
  const int32s = tensor.filter((t) => t.no === 5);
  if ((type === UINT8 || type === INT8) && int32s.length > 0)
    return Uint8Array.from(
      int32s.flatMap((t) =>
        t.varint !== undefined ? [lowByte(model, t.payload)] : lowBytes(model, t.payload, t.end),
      ),
    );
  return null;
}

/**
 * The low 8 bits of the varint at `pos`, read from its first two bytes: a negative int8 is
 * written as a 10-byte varint, more than a JavaScript number holds exactly.
 */
function lowByte(bytes: Uint8Array, pos: number): number {
  const first = bytes[pos] as number;
  const second = first & 0x80 ? (bytes[pos + 1] as number) : 0;
  return (first & 0x7f) | ((second & 1) << 7);
}

/** The low bytes of a packed run of varints. */
function lowBytes(bytes: Uint8Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let pos = from; pos < to; pos = readVarint(bytes, pos)[1]) out.push(lowByte(bytes, pos));
  return out;
}
