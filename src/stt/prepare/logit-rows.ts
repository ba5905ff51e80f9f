/**
 * Lets a caller of the merged Whisper decoder ask for the logits of its last positions only.
 * The decoder's first call takes the whole start sequence (with a vocabulary prompt, ~40
 * positions) and its output layer turned every position into 51865 logits, [40, 384] x
 * [384, 51865], although greedy decoding reads only the last row (the no-speech probability
 * comes from a separate probe). Measured on whisper-tiny (docs/stt.md, Speed): most of the
 * prompted first call's time.
 *
 * After hoist.ts has moved the output MatMul after the If, this edit puts a Slice in front of
 * it, driven by a new int64 [1] input `logits_from`: the first position whose logits are
 * computed, negative counting from the end (-2: the last two rows; 0: every row, as the
 * export). The rows kept are the same sums over the same numbers, bit for bit (tested),
 * as long as two or more are kept (LAST_ROWS).
 * A model without that shape (the output layer not after the If, or already edited) is
 * returned as it is, and the caller sees no `logits_from` input.
 * The new input and constants are written by onnx/graph-fields.ts.
 */

import { ElemType, graphInput, int64Initializer, withMainGraphFields } from "../../onnx/graph-fields.js";
import { editGraphs, node, type OnnxNode, visitGraphs } from "../../onnx/nodes.js";

/** The decoder input that says from which position logits are computed. */
export const LOGITS_FROM = "logits_from";

/**
 * Rows a caller that reads only the last one asks for. Two, not one: onnxruntime multiplies
 * a single row by another kernel (its M = 1 path), whose sums differ in the last bits
 * (measured: ~1e-5 on whisper-tiny's logits); from two rows on, each row's logits are those
 * of the whole sequence's, bit for bit (tested).
 */
export const LAST_ROWS = 2;

const ENDS = `${LOGITS_FROM}/ends`;
const AXES = `${LOGITS_FROM}/axes`;

/** `decoder` with a `logits_from` input that cuts the positions its output layer computes; whether it changed. */
export function withLogitRows(decoder: Uint8Array): { model: Uint8Array; edited: boolean } {
  const target = outputLayer(decoder);
  if (!target) return { model: decoder, edited: false };
  const rows = `${target.inputs[0]}/rows`;
  const edited = editGraphs(decoder, (nodes, depth) => {
    if (depth > 0) return [...nodes];
    return nodes.flatMap((n) =>
      sameNode(n, target)
        ? [
            node("Slice", `${target.name}/rows`, [target.inputs[0] ?? "", LOGITS_FROM, ENDS, AXES], [rows]),
            node("MatMul", target.name, [rows, target.inputs[1] ?? ""], target.outputs),
          ]
        : [n],
    );
  });
  return {
    model: withMainGraphFields(edited, [
      graphInput(LOGITS_FROM, ElemType.int64, [1]),
      int64Initializer(ENDS, Number.MAX_SAFE_INTEGER),
      int64Initializer(AXES, 1),
    ]),
    edited: true,
  };
}

/**
 * The MatMul of the main graph that makes the `logits` output from an If's output (where
 * hoist.ts puts it), when it is plain and nothing named `logits_from` exists yet.
 */
function outputLayer(decoder: Uint8Array): OnnxNode | null {
  let found: OnnxNode | null = null;
  let taken = false;
  visitGraphs(decoder, (nodes, depth, outputs) => {
    if (nodes.some((n) => n.inputs.includes(LOGITS_FROM))) taken = true;
    if (depth !== 0 || !outputs.includes("logits")) return;
    const ifOutputs = new Set(nodes.filter((n) => n.opType === "If").flatMap((n) => n.outputs));
    const matmul = nodes.find((n) => n.outputs.includes("logits"));
    if (
      matmul?.opType === "MatMul" &&
      matmul.domain === "" &&
      matmul.attributeCount === 0 &&
      matmul.inputs.length === 2 &&
      ifOutputs.has(matmul.inputs[0] ?? "")
    )
      found = matmul;
  });
  return taken ? null : found;
}

function sameNode(a: OnnxNode, b: OnnxNode): boolean {
  return a.opType === b.opType && a.name === b.name && a.outputs.join() === b.outputs.join();
}
