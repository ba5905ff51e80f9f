/**
 * What each Whisper session loads: the file as pinned, or its bytes edited (the file on disk
 * is never changed; the edited bytes are kept in the state directory by
 * onnx/prepared-cache.ts). The edits live in their own files; this one picks which apply
 * and falls back to the file when one does not match or fails (a failure is logged with the
 * edit's name; then onnxruntime reads the file as it is, and reports a damaged file by name).
 */

import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EdgeVoiceError, ExitCode } from "../../errors.js";
import { applyEdits, type Edit, readOrNull } from "../../onnx/edits.js";
import type { Prepare, PreparedRecipe } from "../../onnx/prepared-cache.js";
import { graphOutputs, withoutOutputs } from "../../onnx/prune.js";
import type { Logger } from "../../util/logger.js";
import { withBlockedAttention } from "./attention.js";
import { withCausalCache } from "./causal-cache.js";
import { withFloatLayers } from "./float-layers.js";
import { withFloatOutputLayer } from "./float-output-layer.js";
import { withHoistedConstants, withOutputMatMulsAfterIf } from "./hoist.js";
import { withLogitNorms } from "./logit-norms.js";
import { withLogitRows } from "./logit-rows.js";
import { withInt8OutputLayer, withOutputLayerInBlocks } from "./output-layer.js";
import { withSharedCrossAttention } from "./shared-cross.js";
import { withUnsignedWeights } from "./unsigned-weights.js";
import { withPositionWindow } from "./window.js";

/**
 * Weight columns per block of the exact output layer: 12 MB of float32 at a time for tiny's
 * 384 rows. (Measured: see docs/stt.md, Memory.)
 */
const OUTPUT_LAYER_COLUMNS = 8192;

/**
 * The code whose output the prepared files are: this folder (the recipes and their edits)
 * and onnx/ (the protobuf and graph editing they are built on). Any change in either makes
 * new files (onnx/prepared-cache.ts); a new edit file needs no list kept by hand. Resolved
 * next to this module, so it names the .ts sources under vitest and the .js files when built.
 */
const EDIT_CODE = [".", "../../onnx"].map((folder) =>
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), folder),
);

/** A model to load: what it is made from and how. */
export interface PreparedModel {
  recipe: PreparedRecipe;
  prepare: Prepare;
}

/** A shorter encoder window (window.ts): `frames` mel frames in, frames / 2 positions out. */
export interface EncoderWindow {
  frames: number;
  /** Mel frames of the full window (3000). */
  fullFrames: number;
}

/**
 * How Whisper's encoder and decoder layers compute (stt.layers): in float over their int8
 * weights dequantized at load (float-layers.ts), or as the file has them, each layer's input
 * quantized to 8 bits per call.
 */
export type Layers = "float" | "int8";

/**
 * The full-window encoder: attention-weight outputs pruned (onnx/prune.ts), its layers in
 * float when asked (float-layers.ts), self-attention in blocks (attention.ts).
 */
export function encoderModel(
  file: string,
  positions: number,
  log?: Logger,
  layers: Layers = "int8",
): PreparedModel {
  return {
    recipe: { source: file, recipe: `encoder-${positions}${layersTag(layers)}`, code: EDIT_CODE },
    prepare: async () => {
      const bytes = await readOrNull(file);
      if (!bytes) return file;
      const model = applyEdits(file, bytes, log, [
        ["drop attention-weight outputs", hiddenStatesOnly],
        ...floatLayersEdit(layers, file, log),
        ["blocked self-attention", (m) => blockedAttention(m, positions, file, log)],
      ]);
      return model === null || model === bytes ? file : model;
    },
  };
}

/** The encoder cut to a shorter window (window.ts), with the same edits as the full one. */
export function windowedEncoderModel(
  file: string,
  window: EncoderWindow,
  log?: Logger,
  layers: Layers = "int8",
): PreparedModel {
  return {
    recipe: {
      source: file,
      recipe: `encoder-window-${window.frames}-of-${window.fullFrames}${layersTag(layers)}`,
      code: EDIT_CODE,
    },
    prepare: async () => {
      // No fallback: the shorter window was asked for, and the full encoder cannot stand in for it.
      const cut = windowedEncoder(hiddenStatesOnly(await readFile(file)), window);
      const inFloat = layers === "float" ? floatLayers(cut, file, log) : cut;
      return blockedAttention(inFloat, window.frames / 2, file, log);
    },
  };
}

/**
 * The merged decoder with its output layer computed once after the If (hoist.ts), only
 * for the positions the caller asks for (logit-rows.ts, with the exact layer), and either in
 * column blocks (exact) or in int8 (output-layer.ts), then each row's log-normaliser
 * (logit-norms.ts), and its cache branch reading one row of the audio's keys and values for
 * any number of rows (shared-cross.ts), and a causal mask there for several tokens a call
 * (causal-cache.ts); when nothing matches, its path. `inner` float: the layers before the
 * output layer in float first (float-layers.ts); else `unsignedWeights`: int8 weights stored as
 * uint8 first (unsigned-weights.ts), where the CPU's u8 x s8 sums saturate.
 */
export function decoderModel(
  file: string,
  outputLayer: OutputLayer,
  log?: Logger,
  unsignedWeights = false,
  inner: Layers = "int8",
): PreparedModel {
  const int8OutputLayer = outputLayer === "int8";
  const layer = outputLayer === "blocks" ? `blocks-${OUTPUT_LAYER_COLUMNS}` : outputLayer;
  // In float no integer product is left to saturate.
  const unsigned = unsignedWeights && inner === "int8";
  return {
    recipe: {
      source: file,
      recipe: `decoder-${layer}${unsigned ? "-u8" : ""}${layersTag(inner)}`,
      code: EDIT_CODE,
    },
    prepare: async () => {
      const bytes = await readOrNull(file);
      if (!bytes) return file;
      let layers = 0;
      const model = applyEdits(file, bytes, log, [
        ...floatLayersEdit(inner, file, log),
        ...unsignedEdit(unsigned),
        ["hoist shared constants", (m) => withHoistedConstants(m).model],
        ["output MatMul after the If", (m) => withOutputMatMulsAfterIf(m).model],
        // Not with the int8 layer: it quantizes the hidden state with one scale per call, so
        // the rows kept would change with the rows cut.
        ["logits of the positions asked for", (m) => (int8OutputLayer ? m : withLogitRows(m).model)],
        [
          OUTPUT_LAYER_EDITS[outputLayer],
          (m) => {
            const edited = outputLayerEdit(m, outputLayer);
            layers = edited.layers;
            return edited.model;
          },
        ],
        ["each row's normaliser", (m) => withLogitNorms(m).model],
        ["cross-attention over one row of keys and values", (m) => withSharedCrossAttention(m).model],
        ["a causal mask in the cache branch", (m) => withCausalCache(m).model],
      ]);
      if (model === null) return file;
      if (layers === 0)
        log?.debug(
          { file, edit: layer },
          "the decoder's output layer is not where the edits expect it; loading the file as it is",
        );
      return layers > 0 ? model : file;
    },
  };
}

/**
 * How the decoder's output layer runs (stt.output_layer): its weights dequantized a block of
 * columns at a time on every call (exact, the least memory), dequantized once at load
 * (exact, fastest, 80 MB more), or in int8 (fast, not exact).
 */
export type OutputLayer = "blocks" | "float" | "int8";

const OUTPUT_LAYER_EDITS: Record<OutputLayer, string> = {
  blocks: "output layer in column blocks",
  float: "output layer in float32",
  int8: "int8 output layer",
};

function outputLayerEdit(model: Uint8Array, layer: OutputLayer): { model: Uint8Array; layers: number } {
  if (layer === "int8") return withInt8OutputLayer(model);
  if (layer === "float") return withFloatOutputLayer(model);
  return withOutputLayerInBlocks(model, OUTPUT_LAYER_COLUMNS);
}

/** The int8 -> uint8 weight edit when asked for (a CPU whose u8 x s8 sums saturate). */
function unsignedEdit(unsignedWeights: boolean): Edit[] {
  return unsignedWeights ? [["uint8 weights", (m) => withUnsignedWeights(m).model]] : [];
}

/** Part of a recipe's name: the int8 recipes keep the names they had before stt.layers. */
function layersTag(layers: Layers): string {
  return layers === "float" ? "-float-layers" : "";
}

function floatLayersEdit(layers: Layers, file: string, log?: Logger): Edit[] {
  return layers === "float" ? [["layers in float", (m) => floatLayers(m, file, log)]] : [];
}

/** The layers in float, or `model` as it was when it has no dynamically quantized layer. */
function floatLayers(model: Uint8Array, file: string, log?: Logger): Uint8Array {
  const edited = withFloatLayers(model);
  if (edited.layers === 0)
    log?.debug(
      { file },
      "no dynamically quantized layer the float edit recognises; the layers stay as they are",
    );
  return edited.model;
}

/** The encoder without its attention-weight outputs, or `bytes` when it does not have them. */
function hiddenStatesOnly(bytes: Uint8Array): Uint8Array {
  const outputs = graphOutputs(bytes);
  if (!outputs.includes("last_hidden_state") || outputs.length === 1) return bytes;
  return withoutOutputs(bytes, (name) => name !== "last_hidden_state");
}

/** Blocked self-attention, or `model` as it was when the pattern is not there. */
function blockedAttention(model: Uint8Array, positions: number, file: string, log?: Logger): Uint8Array {
  const blocked = withBlockedAttention(model, positions);
  if (blocked.layers === 0)
    log?.debug({ file }, "no self-attention the blocked edit recognises; the encoder keeps its own");
  return blocked.layers > 0 ? blocked.model : model;
}

function windowedEncoder(model: Uint8Array, window: EncoderWindow): Uint8Array {
  try {
    return withPositionWindow(model, window.frames / 2, window.fullFrames / 2);
  } catch (error) {
    throw new EdgeVoiceError(
      "model-load-failed",
      `cannot cut this Whisper encoder to a ${window.frames}-frame window: ${(error as Error).message}`,
      {
        hint: "set stt.encoder_window_seconds to 30 (the full window)",
        exitCode: ExitCode.config,
        cause: error,
      },
    );
  }
}
