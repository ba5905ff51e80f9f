/**
 * Whisper's output layer with its weights dequantized once, when the model is prepared,
 * instead of at every decoder call. The quantized export multiplies the hidden state by the
 * uint8 token embedding through Transpose -> DequantizeLinear -> MatMul; the exact layer of
 * output-layer.ts dequantizes it a block of columns at a time on every call (20 M values),
 * and since those float blocks are no constants onnxruntime packs them for its GEMM on every
 * call with two rows or more, as a guided search's steps have (4 rows: 16 -> 11 ms a step).
 * Here the float32 weights [384, 51865] are an initializer, which onnxruntime packs once at
 * load. The same weights, so the same logits up to the order of the sums (~1e-5); the price
 * is memory: 80 MB of float32 weights, ~40 MB more resident than the blocks' (docs/stt.md,
 * Memory), and a prepared file of 110 MB instead of 30.
 *
 * Matches what output-layer.ts matches: DequantizeLinear(W, scale, zero point) without a
 * per-axis attribute, read only as the weights of MatMuls, W a uint8 initializer [K, N] or a
 * Transpose of one [N, K], the scale and zero point scalar initializers. Anything else is left.
 */

import { floatInitializer, withMainGraphFields } from "../../onnx/graph-fields.js";
import { type InitializerData, initializerData } from "../../onnx/initializers.js";
import { consumersOf, editGraphs, node, type OnnxNode } from "../../onnx/nodes.js";

/** `model` with its dequantize-then-MatMul layers reading float32 weights made here, and how many changed. */
export function withFloatOutputLayer(model: Uint8Array): { model: Uint8Array; layers: number } {
  const data = initializerData(model);
  const made = new Map<string, Uint8Array>();
  let layers = 0;
  const edited = editGraphs(model, (nodes, depth) => {
    if (depth > 0) return [...nodes];
    const consumers = consumersOf(nodes);
    const producers = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
    const replaced = new Map<OnnxNode, OnnxNode | null>();
    for (const dequantize of nodes) {
      if (dequantize.opType !== "DequantizeLinear" || "axis" in dequantize.ints) continue;
      const users = consumers(dequantize.outputs[0] ?? "");
      if (
        users.length === 0 ||
        !users.every((u) => u.opType === "MatMul" && u.inputs[1] === dequantize.outputs[0])
      )
        continue;
      const weights = dequantized(dequantize, data, producers);
      if (!weights) continue;
      const name = `${dequantize.outputs[0]}/float`;
      made.set(name, floatInitializer(name, weights.dims, weights.values));
      replaced.set(dequantize, null);
      for (const u of users) {
        replaced.set(u, node("MatMul", u.name, [u.inputs[0] ?? "", name], u.outputs));
        layers++;
      }
    }
    return nodes.flatMap((n) => {
      const r = replaced.get(n);
      return r === undefined ? [n] : r === null ? [] : [r];
    });
  });
  return { model: layers > 0 ? withMainGraphFields(edited, [...made.values()]) : model, layers };
}

/** The float32 weights a DequantizeLinear makes from initializers, [K, N]; null when it is no such node. */
function dequantized(
  dequantize: OnnxNode,
  data: Map<string, InitializerData>,
  producers: Map<string, OnnxNode>,
): { dims: [number, number]; values: Float32Array } | null {
  const [weights, scaleName, zeroName] = dequantize.inputs;
  const scale = data.get(scaleName ?? "");
  const zero = data.get(zeroName ?? "");
  if (!scale || !zero || scale.type !== FLOAT || zero.type !== UINT8) return null;
  if (scale.bytes.length !== 4 || zero.bytes.length !== 1) return null;
  const s = new DataView(scale.bytes.buffer, scale.bytes.byteOffset, 4).getFloat32(0, true);
  const z = zero.bytes[0] as number;
  const own = data.get(weights ?? "");
  if (own) {
    if (own.type !== UINT8 || own.dims.length !== 2) return null;
    const [k, n] = own.dims as [number, number];
    const values = new Float32Array(k * n);
    for (let i = 0; i < values.length; i++) values[i] = ((own.bytes[i] as number) - z) * s;
    return { dims: [k, n], values };
  }
  const transpose = producers.get(weights ?? "");
  const source = data.get(transpose?.inputs[0] ?? "");
  const perm = transpose?.ints.perm ?? [1, 0];
  if (transpose?.opType !== "Transpose" || !source || source.type !== UINT8 || source.dims.length !== 2)
    return null;
  if (!Array.isArray(perm) || perm[0] !== 1 || perm[1] !== 0) return null;
  const [n, k] = source.dims as [number, number];
  const values = new Float32Array(k * n);
  for (let row = 0; row < n; row++)
    for (let col = 0; col < k; col++)
      values[col * n + row] = ((source.bytes[row * k + col] as number) - z) * s;
  return { dims: [k, n], values };
}

// ONNX TensorProto data types.
const FLOAT = 1;
const UINT8 = 2;
