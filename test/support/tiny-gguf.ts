import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { prng } from "./prng.js";

/**
 * Writes a tiny llama-architecture GGUF with random weights (~500 KB): a real file that
 * llama.cpp loads, tokenizes with, applies a chat template and a grammar to, and generates
 * from. Its answers are nonsense, which is the point: the LLM stage must parse, validate
 * and refuse them safely. Written at test time so the suite needs no downloaded model.
 *
 * Format: GGUF v3 (magic, version, tensor/metadata counts, typed key-values, tensor infos,
 * 32-byte-aligned F32 tensor data), as specified in ggml's docs/gguf.md.
 */

export interface TinyGgufOptions {
  seed?: number;
  layers?: number;
  embedding?: number;
  heads?: number;
  feedForward?: number;
  contextLength?: number;
}

const ALIGNMENT = 32;
enum ValueType {
  uint32 = 4,
  int32 = 5,
  float32 = 6,
  string = 8,
  array = 9,
}
const GGML_F32 = 0;
const TOKEN_NORMAL = 1;
const TOKEN_UNKNOWN = 2;
const TOKEN_CONTROL = 3;
const TOKEN_BYTE = 6;

/** ChatML, which node-llama-cpp recognizes and renders with <|im_start|> / <|im_end|> control tokens. */
const CHAT_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

type Value =
  | { type: ValueType.uint32 | ValueType.int32 | ValueType.float32; value: number }
  | { type: ValueType.string; value: string }
  | { type: ValueType.array; itemType: ValueType.string; value: string[] }
  | { type: ValueType.array; itemType: ValueType.float32 | ValueType.int32; value: number[] };

/** SentencePiece-style vocabulary: control tokens, 256 byte fallbacks, printable characters, "▁x" pieces. */
function vocabulary(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"];
  const types = [TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_CONTROL, TOKEN_CONTROL, TOKEN_CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(TOKEN_BYTE);
  }
  const pieces = ["▁"];
  for (let c = 33; c < 127; c++) pieces.push(String.fromCharCode(c));
  for (const c of "abcdefghijklmnopqrstuvwxyz") pieces.push(`▁${c}`);
  pieces.push('{"', '":', '"', '",', '"]', '["', "intent", "targets", "Hass", "Turn", "On", "Off", "_");
  for (const piece of [...new Set(pieces)]) {
    tokens.push(piece);
    types.push(TOKEN_NORMAL);
  }
  // Longer pieces score higher, so the tokenizer prefers merging them.
  const scores = tokens.map((t, i) => (types[i] === TOKEN_NORMAL ? -100 + t.length : 0));
  return { tokens, scores, types };
}

export function writeTinyGguf(
  file: string,
  options: TinyGgufOptions = {},
): { file: string; vocabSize: number } {
  const layers = options.layers ?? 2;
  const embedding = options.embedding ?? 64;
  const heads = options.heads ?? 4;
  const feedForward = options.feedForward ?? 128;
  const headDim = embedding / heads;
  const vocab = vocabulary();
  const n = vocab.tokens.length;
  const metadata: Array<[string, Value]> = [
    ["general.architecture", { type: ValueType.string, value: "llama" }],
    ["general.name", { type: ValueType.string, value: "edge-voice tiny random llama" }],
    ["general.alignment", { type: ValueType.uint32, value: ALIGNMENT }],
    ["llama.context_length", { type: ValueType.uint32, value: options.contextLength ?? 4096 }],
    ["llama.embedding_length", { type: ValueType.uint32, value: embedding }],
    ["llama.block_count", { type: ValueType.uint32, value: layers }],
    ["llama.feed_forward_length", { type: ValueType.uint32, value: feedForward }],
    ["llama.attention.head_count", { type: ValueType.uint32, value: heads }],
    ["llama.attention.head_count_kv", { type: ValueType.uint32, value: heads }],
    ["llama.rope.dimension_count", { type: ValueType.uint32, value: headDim }],
    ["llama.attention.layer_norm_rms_epsilon", { type: ValueType.float32, value: 1e-5 }],
    ["tokenizer.ggml.model", { type: ValueType.string, value: "llama" }],
    ["tokenizer.ggml.tokens", { type: ValueType.array, itemType: ValueType.string, value: vocab.tokens }],
    ["tokenizer.ggml.scores", { type: ValueType.array, itemType: ValueType.float32, value: vocab.scores }],
    ["tokenizer.ggml.token_type", { type: ValueType.array, itemType: ValueType.int32, value: vocab.types }],
    ["tokenizer.ggml.unknown_token_id", { type: ValueType.uint32, value: 0 }],
    ["tokenizer.ggml.bos_token_id", { type: ValueType.uint32, value: 1 }],
    ["tokenizer.ggml.eos_token_id", { type: ValueType.uint32, value: 4 }],
    ["tokenizer.chat_template", { type: ValueType.string, value: CHAT_TEMPLATE }],
  ];
  const tensors: Array<{ name: string; dims: number[]; fill: "one" | "random" }> = [
    { name: "token_embd.weight", dims: [embedding, n], fill: "random" },
    { name: "output_norm.weight", dims: [embedding], fill: "one" },
    { name: "output.weight", dims: [embedding, n], fill: "random" },
  ];
  for (let i = 0; i < layers; i++) {
    const b = `blk.${i}`;
    tensors.push(
      { name: `${b}.attn_norm.weight`, dims: [embedding], fill: "one" },
      { name: `${b}.attn_q.weight`, dims: [embedding, embedding], fill: "random" },
      { name: `${b}.attn_k.weight`, dims: [embedding, embedding], fill: "random" },
      { name: `${b}.attn_v.weight`, dims: [embedding, embedding], fill: "random" },
      { name: `${b}.attn_output.weight`, dims: [embedding, embedding], fill: "random" },
      { name: `${b}.ffn_norm.weight`, dims: [embedding], fill: "one" },
      { name: `${b}.ffn_gate.weight`, dims: [embedding, feedForward], fill: "random" },
      { name: `${b}.ffn_down.weight`, dims: [feedForward, embedding], fill: "random" },
      { name: `${b}.ffn_up.weight`, dims: [embedding, feedForward], fill: "random" },
    );
  }

  const out = new Writer();
  out.bytes(Buffer.from("GGUF", "ascii"));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(metadata.length);
  for (const [key, value] of metadata) {
    out.string(key);
    out.value(value);
  }
  let offset = 0;
  const sizes = tensors.map((t) => t.dims.reduce((a, b) => a * b, 1) * 4);
  tensors.forEach((t, i) => {
    out.string(t.name);
    out.u32(t.dims.length);
    for (const d of t.dims) out.u64(d);
    out.u32(GGML_F32);
    out.u64(offset);
    offset += align(sizes[i] as number);
  });
  out.pad(ALIGNMENT);
  const rand = prng(options.seed ?? 1);
  tensors.forEach((t, i) => {
    const count = (sizes[i] as number) / 4;
    const data = new Float32Array(count);
    for (let k = 0; k < count; k++) data[k] = t.fill === "one" ? 1 : (rand() - 0.5) * 0.2;
    out.bytes(Buffer.from(data.buffer));
    out.pad(ALIGNMENT);
  });
  writeFileSync(file, out.toBuffer());
  return { file, vocabSize: n };
}

/** Writes the tiny model into a fresh temp directory and returns its path. */
export function tinyGgufInTempDir(options: TinyGgufOptions = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "edge-voice-gguf-"));
  return writeTinyGguf(path.join(dir, "tiny-random-llama.gguf"), options).file;
}

function align(size: number): number {
  return Math.ceil(size / ALIGNMENT) * ALIGNMENT;
}

class Writer {
  readonly #chunks: Buffer[] = [];
  #length = 0;

  bytes(buffer: Buffer): void {
    this.#chunks.push(buffer);
    this.#length += buffer.length;
  }

  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.bytes(b);
  }

  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.bytes(b);
  }

  string(value: string): void {
    const b = Buffer.from(value, "utf8");
    this.u64(b.length);
    this.bytes(b);
  }

  value(v: Value): void {
    this.u32(v.type);
    if (v.type === ValueType.array) {
      this.u32(v.itemType);
      this.u64(v.value.length);
      for (const item of v.value) this.scalar(v.itemType, item);
    } else this.scalar(v.type, v.value);
  }

  scalar(type: ValueType, value: string | number): void {
    if (type === ValueType.string) {
      this.string(String(value));
      return;
    }
    const b = Buffer.alloc(4);
    if (type === ValueType.uint32) b.writeUInt32LE(Number(value));
    else if (type === ValueType.int32) b.writeInt32LE(Number(value));
    else b.writeFloatLE(Number(value));
    this.bytes(b);
  }

  pad(alignment: number): void {
    const rest = this.#length % alignment;
    if (rest) this.bytes(Buffer.alloc(alignment - rest));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}
