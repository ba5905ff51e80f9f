/**
 * What each Whisper session loads: the file as pinned, or its bytes edited in memory (the
 * file on disk is never changed). The edits live in their own files; this one picks which
 * apply and falls back to the file when one does not match (then onnxruntime reads it as it
 * is, and reports a damaged file by name).
 */

import { readFile } from "node:fs/promises";
import { EdgeVoiceError } from "../errors.js";
import { withBlockedAttention } from "./onnx-attention.js";
import { withHoistedConstants } from "./onnx-hoist.js";
import { withInt8OutputLayer } from "./onnx-output-layer.js";
import { graphOutputs, withoutOutputs } from "./onnx-prune.js";
import { withPositionWindow } from "./onnx-window.js";

/** A shorter encoder window (onnx-window.ts): `frames` mel frames in, frames / 2 positions out. */
export interface EncoderWindow {
  frames: number;
  /** Mel frames of the full window (3000). */
  fullFrames: number;
}

/**
 * The full-window encoder (attention-weight outputs pruned, onnx-prune.ts; self-attention in
 * blocks, onnx-attention.ts) and, when `window` is shorter, the same cut to it (onnx-window.ts).
 */
export async function encoderModels(
  file: string,
  positions: number,
  window?: EncoderWindow,
): Promise<{ full: Uint8Array | string; windowed: Uint8Array | null }> {
  let bytes: Uint8Array | null = null;
  let model: Uint8Array | null = null;
  try {
    bytes = await readFile(file);
    model = hiddenStatesOnly(bytes);
  } catch {
    // Unreadable or not protobuf: onnxruntime says so, naming the file.
  }
  const full = model ? blockedAttention(model, positions) : file;
  if (!window || window.frames >= window.fullFrames) {
    return { full: full === bytes ? file : full, windowed: null };
  }
  const cut = windowedEncoder(model ?? (await readFile(file)), window);
  return { full: full === bytes ? file : full, windowed: blockedAttention(cut, window.frames / 2) };
}

/**
 * With an int8 output layer (onnx-output-layer.ts), the decoder's bytes with that layer and
 * its weights transposed once for both merged branches (onnx-hoist.ts); else, or when nothing
 * matches, its path.
 */
export async function decoderModel(file: string, int8OutputLayer: boolean): Promise<Uint8Array | string> {
  if (!int8OutputLayer) return file;
  try {
    const int8 = withInt8OutputLayer(await readFile(file));
    return int8.layers > 0 ? withHoistedConstants(int8.model).model : file;
  } catch {
    return file;
  }
}

/** The encoder without its attention-weight outputs, or `bytes` when it does not have them. */
function hiddenStatesOnly(bytes: Uint8Array): Uint8Array {
  const outputs = graphOutputs(bytes);
  if (!outputs.includes("last_hidden_state") || outputs.length === 1) return bytes;
  return withoutOutputs(bytes, (name) => name !== "last_hidden_state");
}

/** Blocked self-attention, or `model` as it was when the pattern is not there. */
function blockedAttention(model: Uint8Array, positions: number): Uint8Array {
  const blocked = withBlockedAttention(model, positions);
  return blocked.layers > 0 ? blocked.model : model;
}

function windowedEncoder(model: Uint8Array, window: EncoderWindow): Uint8Array {
  try {
    return withPositionWindow(model, window.frames / 2, window.fullFrames / 2);
  } catch (error) {
    throw new EdgeVoiceError(
      "model-load-failed",
      `cannot cut this Whisper encoder to a ${window.frames}-frame window: ${(error as Error).message}`,
      { hint: "set stt.encoder_window_seconds to 30 (the full window)", exitCode: 78, cause: error },
    );
  }
}
