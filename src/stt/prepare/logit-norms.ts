/**
 * Lets the merged Whisper decoder return each row's log-normaliser, log(sum(exp(logits)))
 * over the tokens a caller allows, next to the logits. Every scored token needs it (a token's
 * log-probability is its logit minus the row's normaliser), and over whisper-tiny's 51865
 * logits JavaScript spends ~1-2 ms a row on it (Math.exp per logit): for a guided search's
 * hundred-odd rows, as long as its decoder calls. onnxruntime's vectorised kernels do it in
 * a fraction of that, inside the call that made the logits.
 *
 * Two nodes after the `logits` output: Add(logits, logit_mask) and ReduceLogSumExp over the
 * last axis, kept as the new output `logits_norm` [batch, rows, 1]. `logit_mask` is a new
 * float [vocab] input, 0 for tokens counted and -Infinity for tokens left out (Whisper's
 * suppressed tokens, and at the first step the blank and end-of-text): the same tokens the
 * JavaScript normaliser (logits.ts) leaves out, summed in float32 instead of float64.
 * A model without a `logits` output, or already edited, is returned as it is.
 */

import { ElemType, graphInput, graphOutput, withMainGraphFields } from "../../onnx/graph-fields.js";
import { editGraphs, node, visitGraphs } from "../../onnx/nodes.js";

/** The decoder input masking tokens out of the normaliser. */
export const LOGIT_MASK = "logit_mask";
/** The decoder output holding each row's normaliser. */
export const LOGITS_NORM = "logits_norm";

const MASKED = `${LOGIT_MASK}/applied`;

/** `decoder` with a `logits_norm` output over the tokens `logit_mask` keeps; whether it changed. */
export function withLogitNorms(decoder: Uint8Array): { model: Uint8Array; edited: boolean } {
  if (!editable(decoder)) return { model: decoder, edited: false };
  const edited = editGraphs(decoder, (nodes, depth) =>
    depth > 0
      ? [...nodes]
      : [
          ...nodes,
          node("Add", MASKED, ["logits", LOGIT_MASK], [MASKED]),
          node("ReduceLogSumExp", LOGITS_NORM, [MASKED], [LOGITS_NORM], { axes: [-1], keepdims: 1 }),
        ],
  );
  return {
    model: withMainGraphFields(edited, [
      graphInput(LOGIT_MASK, ElemType.float, ["vocab"]),
      graphOutput(LOGITS_NORM, ElemType.float, ["batch", "rows", 1]),
    ]),
    edited: true,
  };
}

/** Whether the main graph outputs `logits` and nothing reads a `logit_mask` yet. */
function editable(decoder: Uint8Array): boolean {
  let logits = false;
  let taken = false;
  visitGraphs(decoder, (nodes, depth, outputs) => {
    if (nodes.some((n) => n.inputs.includes(LOGIT_MASK))) taken = true;
    if (depth === 0 && outputs.includes("logits")) logits = true;
  });
  return logits && !taken;
}
