/**
 * Just enough of protobuf's wire format to edit ONNX models in memory (prune.ts,
 * stt/prepare/window.ts, subgraph.ts): split a message into its fields, read varints, write a length prefix.
 * Hand-written rather than a protobuf library because the edits touch a handful of fields
 * and copy everything else byte for byte, which needs no ONNX schema.
 */

export interface Field {
  no: number;
  /** Start of the tag, start of the payload (length-delimited fields; else after the tag), end. */
  start: number;
  payload: number;
  end: number;
  /** The value of a varint field. */
  varint?: number;
}

/** The fields of the message in bytes[from, to). Throws on bytes that are not protobuf. */
export function fields(bytes: Uint8Array, from: number, to: number): Field[] {
  const out: Field[] = [];
  let pos = from;
  while (pos < to) {
    const start = pos;
    const [key, afterKey] = readVarint(bytes, pos);
    const wire = key % 8;
    let payload = afterKey;
    let varint: number | undefined;
    if (wire === 0) [varint, pos] = readVarint(bytes, afterKey);
    else if (wire === 1) pos = afterKey + 8;
    else if (wire === 5) pos = afterKey + 4;
    else if (wire === 2) {
      const [length, afterLength] = readVarint(bytes, afterKey);
      payload = afterLength;
      pos = afterLength + length;
    } else throw new Error(`unsupported protobuf wire type ${wire} at byte ${start}`);
    if (pos > to) throw new Error(`protobuf field at byte ${start} runs past its message`);
    const field: Field = { no: Math.floor(key / 8), start, payload, end: pos };
    if (varint !== undefined) field.varint = varint;
    out.push(field);
  }
  return out;
}

/** A string field's text. */
export function text(bytes: Uint8Array, field: Field): string {
  return Buffer.from(bytes.subarray(field.payload, field.end)).toString("utf8");
}

export function readVarint(bytes: Uint8Array, pos: number): [number, number] {
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

/** A varint read as protobuf's int64: two's complement, so -1 (ten bytes) reads as -1. */
export function readInt64(bytes: Uint8Array, pos: number): number {
  let value = 0n;
  let shift = 0n;
  for (let p = pos; ; p++) {
    const byte = bytes[p];
    if (byte === undefined) throw new Error("truncated protobuf varint");
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return Number(BigInt.asIntN(64, value));
    shift += 7n;
  }
}

export function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

/** A length-delimited field rebuilt around new payload parts, keeping the original tag bytes. */
export function withPayload(bytes: Uint8Array, field: Field, parts: readonly Uint8Array[]): Uint8Array[] {
  const tagEnd = readVarint(bytes, field.start)[1];
  const length = parts.reduce((n, p) => n + p.length, 0);
  return [bytes.subarray(field.start, tagEnd), encodeVarint(length), ...parts];
}

/** A varint field: tag (no << 3 | 0) and value. */
export function varintField(no: number, value: number): Uint8Array {
  return concatBytes([encodeVarint(no * 8), encodeVarint(value)]);
}

/** An int64 varint field; a negative value is written as protobuf does, ten bytes of two's complement. */
export function int64Field(no: number, value: number): Uint8Array {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an int64: ${value}`);
  if (value >= 0) return varintField(no, value);
  const out: number[] = [];
  let rest = BigInt.asUintN(64, BigInt(value));
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return concatBytes([encodeVarint(no * 8), Uint8Array.from(out)]);
}

/** A length-delimited field: tag (no << 3 | 2), length and body (a string is written as UTF-8). */
export function lengthField(no: number, body: Uint8Array | string): Uint8Array {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return concatBytes([encodeVarint(no * 8 + 2), encodeVarint(bytes.length), bytes]);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
