/**
 * Two ways to run the Whisper decoder's output layer (hidden state -> one logit per
 * vocabulary token) without a float32 copy of its whole weight matrix. The quantized export
 * stores the token embedding as uint8 and multiplies by it through DequantizeLinear ->
 * MatMul. onnxruntime does not fold DequantizeLinear (it keeps quantized patterns for its
 * fusions), so every run dequantized all [384, 51865] weights into an 80 MB float32 tensor
 * and the arena kept that memory.
 *
 * - In column blocks (the default, exact): the uint8 weights are split into blocks of
 *   columns (folded at load) and each block is dequantized and multiplied on its own, then
 *   the logits are joined. Each logit is the same sum as before, bit for bit (tested); the
 *   float32 memory is one block's (12 MB for 8192 columns).
 * - In int8 (opt-in, stt.int8_output_layer): the MatMul takes the uint8 weights directly:
 *   DynamicQuantizeLinear(hidden) -> MatMulInteger -> Cast -> times both scales (onnxruntime
 *   fuses these into one kernel), the way the export runs every other layer. 11 -> 4.4 ms per
 *   token for tiny, but the hidden state is rounded to 8 bits: on 150 synthesized commands 43
 *   came out word for word against 45 (docs/stt.md).
 *
 * Both match DequantizeLinear(W, scale, zero point) without a per-axis attribute whose
 * output is only the weight (second input) of MatMuls; anything else is left as it is.
 */

import { consumersOf, editGraphs, initializerShapes, node, type OnnxNode } from "../../onnx/nodes.js";

/** The uint8 weights of one layer and how to dequantize them. */
interface Quantized {
  weights: string;
  scale: string;
  zeroPoint: string;
}

type Rewrite = (matmul: OnnxNode, q: Quantized, producers: Map<string, OnnxNode>) => OnnxNode[] | null;

/** `model` with its dequantize-then-MatMul layers computed in int8, and how many changed. */
export function withInt8OutputLayer(model: Uint8Array): { model: Uint8Array; layers: number } {
  return rewriteLayers(model, (matmul, q) => int8MatMul(matmul, q));
}

/**
 * `model` with each dequantize-then-MatMul layer computed `columns` weight columns at a time,
 * and how many changed. Layers whose weights' shape is unknown (not a rank-2 initializer or
 * a Transpose of one) or that have no more than `columns` columns stay as they are.
 */
export function withOutputLayerInBlocks(
  model: Uint8Array,
  columns: number,
): { model: Uint8Array; layers: number } {
  const shapes = initializerShapes(model);
  return rewriteLayers(model, (matmul, q, producers) => {
    const n = columnCount(q.weights, shapes, producers);
    return n !== null && n > columns ? blockedMatMul(matmul, q, n, columns) : null;
  });
}

function rewriteLayers(model: Uint8Array, rewrite: Rewrite): { model: Uint8Array; layers: number } {
  let layers = 0;
  const edited = editGraphs(model, (nodes) => {
    const consumers = consumersOf(nodes);
    const producers = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
    const removed = new Set<OnnxNode>();
    const replaced = new Map<OnnxNode, OnnxNode[]>();
    for (const dequantize of nodes) {
      if (dequantize.opType !== "DequantizeLinear" || "axis" in dequantize.ints) continue;
      const [weights, scale, zeroPoint] = dequantize.inputs;
      const users = consumers(dequantize.outputs[0] ?? "");
      if (!weights || !scale || !zeroPoint || users.length === 0) continue;
      if (!users.every((u) => u.opType === "MatMul" && u.inputs[1] === dequantize.outputs[0])) continue;
      const rewritten = users.map((u) => [u, rewrite(u, { weights, scale, zeroPoint }, producers)] as const);
      if (rewritten.some(([, r]) => r === null)) continue;
      removed.add(dequantize);
      for (const [matmul, r] of rewritten) replaced.set(matmul, r ?? []);
      layers += users.length;
    }
    return nodes.flatMap((n) => (removed.has(n) ? [] : (replaced.get(n) ?? [n])));
  });
  return { model: edited, layers };
}

/** Columns of rank-2 weights: an initializer's, or those of a Transpose of one. */
function columnCount(
  weights: string,
  shapes: Map<string, number[]>,
  producers: Map<string, OnnxNode>,
): number | null {
  const own = shapes.get(weights);
  if (own) return own.length === 2 ? (own[1] ?? null) : null;
  const transpose = producers.get(weights);
  const source = transpose?.opType === "Transpose" ? shapes.get(transpose.inputs[0] ?? "") : undefined;
  if (!transpose || source?.length !== 2) return null;
  const perm = transpose.ints.perm ?? [1, 0];
  return Array.isArray(perm) && perm[0] === 1 && perm[1] === 0 ? (source[0] ?? null) : null;
}

function blockedMatMul(matmul: OnnxNode, q: Quantized, n: number, columns: number): OnnxNode[] {
  const p = `${matmul.name || matmul.outputs[0]}/blocks`;
  const sizes = Array.from({ length: Math.ceil(n / columns) }, (_, i) => Math.min(columns, n - i * columns));
  const blocks = sizes.map((_, i) => `${p}/${i}`);
  return [
    node(
      "Split",
      `${p}/split`,
      [q.weights],
      blocks.map((b) => `${b}/weights`),
      { axis: 1, split: sizes },
    ),
    ...blocks.flatMap((b) => [
      node("DequantizeLinear", `${b}/dequantize`, [`${b}/weights`, q.scale, q.zeroPoint], [`${b}/float`]),
      node("MatMul", `${b}/matmul`, [matmul.inputs[0] ?? "", `${b}/float`], [`${b}/out`]),
    ]),
    node(
      "Concat",
      `${p}/concat`,
      blocks.map((b) => `${b}/out`),
      matmul.outputs,
      { axis: -1 },
    ),
  ];
}

function int8MatMul(matmul: OnnxNode, q: Quantized): OnnxNode[] {
  const input = matmul.inputs[0] ?? "";
  const p = `${matmul.name || matmul.outputs[0]}/int8`;
  return [
    node("DynamicQuantizeLinear", `${p}/quantize`, [input], [`${p}/q`, `${p}/q_scale`, `${p}/q_zero`]),
    node("MatMulInteger", `${p}/matmul`, [`${p}/q`, q.weights, `${p}/q_zero`, q.zeroPoint], [`${p}/sum`]),
    // ONNX TensorProto.FLOAT = 1.
    node("Cast", `${p}/cast`, [`${p}/sum`], [`${p}/sum_float`], { to: 1 }),
    node("Mul", `${p}/scale`, [`${p}/q_scale`, q.scale], [`${p}/scale`]),
    node("Mul", `${p}/rescale`, [`${p}/sum_float`, `${p}/scale`], matmul.outputs),
  ];
}
