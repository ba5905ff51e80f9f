/**
 * Lets Whisper's encoder run on a window shorter than 30 s (whisper.cpp's "audio_ctx"):
 * the convolutions take any number of mel frames, but the positional embedding added after
 * them is a [1500, d_model] constant, so 1000 frames (500 positions) fail at that Add. Keeping
 * only its first N rows makes the model take exactly 2N frames and return N positions; the
 * decoder attends over whatever length it is given. Edited in memory: the file on disk
 * (sha256-pinned) is untouched.
 *
 * Wire fields: ModelProto.graph = 7, GraphProto.initializer = 5, TensorProto.dims = 1,
 * data_type = 2, raw_data = 9 (float32 = data type 1), GraphProto.value_info = 13 (dropped);
 * every other byte is copied.
 */

import { encodeVarint, type Field, fields, withPayload } from "../../onnx/protobuf-wire.js";

const GRAPH = 7;
const INITIALIZER = 5;
const VALUE_INFO = 13;
const DIMS = 1;
const DATA_TYPE = 2;
const RAW_DATA = 9;
const FLOAT = 1;
const DIMS_TAG = (DIMS << 3) | 0;

/**
 * `encoder` with its [fullPositions, d] positional-embedding initializer cut to its first
 * `positions` rows. Throws when the model has no such float32 initializer, or more than one.
 */
export function withPositionWindow(
  encoder: Uint8Array,
  positions: number,
  fullPositions: number,
): Uint8Array {
  if (!Number.isInteger(positions) || positions < 1 || positions > fullPositions) {
    throw new RangeError(`positions must be an integer in 1..${fullPositions}, got ${positions}`);
  }
  const parts: Uint8Array[] = [];
  let found = 0;
  for (const field of fields(encoder, 0, encoder.length)) {
    if (field.no !== GRAPH) {
      parts.push(encoder.subarray(field.start, field.end));
      continue;
    }
    const graph = fields(encoder, field.payload, field.end).map((g) => {
      // Intermediate shape annotations say 1500 positions and would contradict the sliced
      // embedding; they are optional (onnxruntime infers shapes), so they go.
      if (g.no === VALUE_INFO) return [];
      const width = g.no === INITIALIZER ? embeddingWidth(encoder, g, fullPositions) : null;
      if (width === null) return [encoder.subarray(g.start, g.end)];
      found++;
      return withPayload(encoder, g, slicedTensor(encoder, g, positions, width));
    });
    parts.push(...withPayload(encoder, field, graph.flat()));
  }
  if (found !== 1) {
    throw new Error(
      `expected one [${fullPositions}, d] float32 positional embedding in the encoder, found ${found}`,
    );
  }
  return Buffer.concat(parts);
}

/** d when `tensor` is a float32 [fullPositions, d] tensor held in raw_data, else null. */
function embeddingWidth(bytes: Uint8Array, tensor: Field, fullPositions: number): number | null {
  const parts = fields(bytes, tensor.payload, tensor.end);
  const dims = parts.filter((f) => f.no === DIMS).map((f) => f.varint);
  const type = parts.find((f) => f.no === DATA_TYPE)?.varint;
  const raw = parts.find((f) => f.no === RAW_DATA);
  if (dims.length !== 2 || dims[0] !== fullPositions || type !== FLOAT || !raw) return null;
  const width = dims[1] as number;
  return raw.end - raw.payload === fullPositions * width * 4 ? width : null;
}

/** The tensor's fields with its first dimension set to `positions` and its data cut to match. */
function slicedTensor(bytes: Uint8Array, tensor: Field, positions: number, width: number): Uint8Array[] {
  let firstDim = true;
  return fields(bytes, tensor.payload, tensor.end).flatMap((f) => {
    if (f.no === DIMS && firstDim) {
      firstDim = false;
      return [Uint8Array.of(DIMS_TAG), encodeVarint(positions)];
    }
    if (f.no === RAW_DATA)
      return withPayload(bytes, f, [bytes.subarray(f.payload, f.payload + positions * width * 4)]);
    return [bytes.subarray(f.start, f.end)];
  });
}
