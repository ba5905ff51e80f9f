/**
 * Runs the Whisper decoder's output layer (hidden state -> one logit per vocabulary token)
 * in int8, the way the quantized export already runs every other layer. That export stores
 * the token embedding as uint8 and multiplies by it through DequantizeLinear -> MatMul;
 * onnxruntime folds the dequantization at load into a float32 copy ([384, 51865] = 80 MB for
 * tiny) and then reads all 80 MB for every token. Here the MatMul takes the uint8 weights
 * directly: DynamicQuantizeLinear(hidden) -> MatMulInteger -> Cast -> times both scales
 * (onnxruntime fuses these into one kernel). Measured, whisper-tiny q8, one thread: 11.4 ->
 * 4.4 ms per token, the first step 75 -> 29 ms, the decoder's peak RSS 310 -> 211 MB (with
 * onnx-hoist.ts). Not exact: the hidden state is rounded to 8 bits, and on 150 synthesized
 * commands 43 came out word for word against 45 (docs/stt.md), so it is opt-in
 * (stt.int8_output_layer).
 *
 * Matches DequantizeLinear(W, scale, zero point) without a per-axis attribute whose output
 * is only the weight (second input) of MatMuls; anything else is left as it is.
 */

import { consumersOf, editGraphs, node, type OnnxNode } from "../util/onnx-nodes.js";

/** `decoder` with its dequantize-then-MatMul layers computed in int8, and how many changed. */
export function withInt8OutputLayer(decoder: Uint8Array): { model: Uint8Array; layers: number } {
  let layers = 0;
  const model = editGraphs(decoder, (nodes) => {
    const consumers = consumersOf(nodes);
    const removed = new Set<OnnxNode>();
    const replaced = new Map<OnnxNode, OnnxNode[]>();
    for (const dequantize of nodes) {
      if (dequantize.opType !== "DequantizeLinear" || "axis" in dequantize.ints) continue;
      const [weights, scale, zeroPoint] = dequantize.inputs;
      const users = consumers(dequantize.outputs[0] ?? "");
      if (!weights || !scale || !zeroPoint || users.length === 0) continue;
      if (!users.every((u) => u.opType === "MatMul" && u.inputs[1] === dequantize.outputs[0])) continue;
      removed.add(dequantize);
      for (const matmul of users) {
        replaced.set(matmul, int8MatMul(matmul, weights, scale, zeroPoint));
        layers++;
      }
    }
    return nodes.flatMap((n) => (removed.has(n) ? [] : (replaced.get(n) ?? [n])));
  });
  return { model, layers };
}

function int8MatMul(matmul: OnnxNode, weights: string, scale: string, zeroPoint: string): OnnxNode[] {
  const input = matmul.inputs[0] ?? "";
  const p = `${matmul.name || matmul.outputs[0]}/int8`;
  return [
    node("DynamicQuantizeLinear", `${p}/quantize`, [input], [`${p}/q`, `${p}/q_scale`, `${p}/q_zero`]),
    node("MatMulInteger", `${p}/matmul`, [`${p}/q`, weights, `${p}/q_zero`, zeroPoint], [`${p}/sum`]),
    // ONNX TensorProto.FLOAT = 1.
    node("Cast", `${p}/cast`, [`${p}/sum`], [`${p}/sum_float`], { to: 1 }),
    node("Mul", `${p}/scale`, [`${p}/q_scale`, scale], [`${p}/scale`]),
    node("Mul", `${p}/rescale`, [`${p}/sum_float`, `${p}/scale`], matmul.outputs),
  ];
}
