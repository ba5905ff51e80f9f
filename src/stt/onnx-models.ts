/**
 * What each Whisper session loads: the file as pinned, or its bytes edited (the file on disk
 * is never changed; the edited bytes are kept in the state directory by
 * models/prepared-cache.ts). The edits live in their own files; this one picks which apply
 * and falls back to the file when one does not match (then onnxruntime reads it as it is,
 * and reports a damaged file by name).
 */

import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EdgeVoiceError } from "../errors.js";
import type { Prepare, PreparedRecipe } from "../models/prepared-cache.js";
import { withBlockedAttention } from "./onnx-attention.js";
import { withHoistedConstants, withOutputMatMulsAfterIf } from "./onnx-hoist.js";
import { withInt8OutputLayer, withOutputLayerInBlocks } from "./onnx-output-layer.js";
import { graphOutputs, withoutOutputs } from "./onnx-prune.js";
import { withPositionWindow } from "./onnx-window.js";

/**
 * Weight columns per block of the exact output layer: 12 MB of float32 at a time for tiny's
 * 384 rows. (Measured: see docs/stt.md, Memory.)
 */
const OUTPUT_LAYER_COLUMNS = 8192;

/**
 * The code whose output the prepared files are: this file, the edits and what they are
 * built on. A change to any of them makes new files (models/prepared-cache.ts). Resolved
 * next to this module, so it names the .ts sources under vitest and the .js files when built.
 */
const EDIT_CODE = [
  "./onnx-models",
  "./onnx-attention",
  "./onnx-hoist",
  "./onnx-output-layer",
  "./onnx-prune",
  "./onnx-window",
  "../util/onnx-nodes",
  "../util/protobuf-wire",
].map((name) => {
  const self = fileURLToPath(import.meta.url);
  return path.resolve(path.dirname(self), name + path.extname(self));
});

/** A model to load: what it is made from and how. */
export interface PreparedModel {
  recipe: PreparedRecipe;
  prepare: Prepare;
}

/** A shorter encoder window (onnx-window.ts): `frames` mel frames in, frames / 2 positions out. */
export interface EncoderWindow {
  frames: number;
  /** Mel frames of the full window (3000). */
  fullFrames: number;
}

/** The full-window encoder: attention-weight outputs pruned (onnx-prune.ts), self-attention in blocks (onnx-attention.ts). */
export function encoderModel(file: string, positions: number): PreparedModel {
  return {
    recipe: { source: file, recipe: `encoder-${positions}`, code: EDIT_CODE },
    prepare: async () => {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
        const model = blockedAttention(hiddenStatesOnly(bytes), positions);
        return model === bytes ? file : model;
      } catch {
        // Unreadable or not protobuf: onnxruntime says so, naming the file.
        return file;
      }
    },
  };
}

/** The encoder cut to a shorter window (onnx-window.ts), with the same edits as the full one. */
export function windowedEncoderModel(file: string, window: EncoderWindow): PreparedModel {
  return {
    recipe: {
      source: file,
      recipe: `encoder-window-${window.frames}-of-${window.fullFrames}`,
      code: EDIT_CODE,
    },
    prepare: async () => {
      const cut = windowedEncoder(hiddenStatesOnly(await readFile(file)), window);
      return blockedAttention(cut, window.frames / 2);
    },
  };
}

/**
 * The merged decoder with its output layer computed once after the If (onnx-hoist.ts) and
 * either in column blocks (exact) or in int8 (onnx-output-layer.ts); when nothing matches,
 * its path.
 */
export function decoderModel(file: string, int8OutputLayer: boolean): PreparedModel {
  const layer = int8OutputLayer ? "int8" : `blocks-${OUTPUT_LAYER_COLUMNS}`;
  return {
    recipe: { source: file, recipe: `decoder-${layer}`, code: EDIT_CODE },
    prepare: async () => {
      try {
        const hoisted = withHoistedConstants(await readFile(file));
        const shared = withOutputMatMulsAfterIf(hoisted.model);
        const edited = int8OutputLayer
          ? withInt8OutputLayer(shared.model)
          : withOutputLayerInBlocks(shared.model, OUTPUT_LAYER_COLUMNS);
        return edited.layers > 0 ? edited.model : file;
      } catch {
        return file;
      }
    },
  };
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
