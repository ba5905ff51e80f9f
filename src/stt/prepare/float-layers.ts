/**
 * Whisper's layers computed in float over their int8 weights, dequantized once when the model
 * is prepared: the activations are no longer quantized.
 *
 * Why: the int8 export quantizes every layer's input to uint8 with one scale per call
 * (DynamicQuantizeLinear -> MatMulInteger / ConvInteger -> Cast -> Mul by the two scales). One
 * scale for a whole tensor lets its largest values (Whisper's activations have outliers) set
 * the step for all the others, starting with the log-mel input of the first convolution, and
 * that error runs through all four layers of whisper-tiny. On the hearing fixtures it made
 * "Hey Jarvis, lock the front door." into "Hey guys, look for more." (docs/stt.md, "Layers in
 * float"). The weights stay what the file holds (int8 steps); only their products are exact.
 * The price: float32 weights (~50 MB more resident for tiny) and float kernels where int8 ones
 * were (on x86 no slower; on an ARM core with int8 dot products somewhat slower).
 *
 * Matches: MatMulInteger(x_q, W, x_zp, W_zp) or ConvInteger(...) whose x_q and x_zp come from
 * DynamicQuantizeLinear(x) (in this graph or the main one), W and W_zp main-graph uint8
 * or int8 initializers (W_zp a scalar), read once by a Cast to float then a Mul by a tensor made
 * by Mul(x_scale, W_scale), W_scale a scalar float initializer. Such a chain becomes
 * MatMul(x, W_float) / Conv(x, W_float) writing the Mul's output; the quantizing nodes no
 * longer read are dropped, and so are the int8 initializers. Anything else is left as it was.
 */

import { floatInitializer, withMainGraphFields, withoutInitializers } from "../../onnx/graph-fields.js";
import { type InitializerData, initializerData } from "../../onnx/initializers.js";
import { consumersOf, editGraphs, node, type OnnxNode, visitGraphs } from "../../onnx/nodes.js";

/** `model` with its dynamically quantized layers in float, and how many layers changed. */
export function withFloatLayers(model: Uint8Array): { model: Uint8Array; layers: number } {
  const data = initializerData(model);
  const readBefore = readTensors(model);
  const outer = mainGraphProducers(model);
  const made = new Map<string, Uint8Array>();
  let layers = 0;
  const edited = editGraphs(model, (nodes, depth) => {
    const consumers = consumersOf(nodes);
    // A branch's own tensors first: both branches of the decoder's If write tensors of the same
    // names from different inputs.
    const own = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
    const producers = depth === 0 ? own : new Map([...outer, ...own]);
    const replaced = new Map<OnnxNode, OnnxNode | null>();
    for (const integer of nodes) {
      const layer = floatLayer(integer, consumers, producers, data);
      if (!layer) continue;
      if (!made.has(layer.weightName))
        made.set(layer.weightName, floatInitializer(layer.weightName, layer.dims, layer.values));
      replaced.set(integer, layer.node);
      for (const gone of layer.gone) replaced.set(gone, null);
      layers++;
    }
    return nodes.flatMap((n) => {
      const r = replaced.get(n);
      return r === undefined ? [n] : r === null ? [] : [r];
    });
  });
  if (layers === 0) return { model, layers };
  const pruned = withoutUnreadNodes(withMainGraphFields(edited, [...made.values()]));
  const readAfter = readTensors(pruned);
  const dropped = new Set([...data.keys()].filter((name) => readBefore.has(name) && !readAfter.has(name)));
  return { model: withoutInitializers(pruned, dropped), layers };
}

/** One matched chain: the float node that replaces it, its weights, and the nodes it makes redundant. */
interface FloatLayer {
  node: OnnxNode;
  gone: OnnxNode[];
  weightName: string;
  dims: number[];
  values: Float32Array;
}

function floatLayer(
  integer: OnnxNode,
  consumers: (tensor: string) => OnnxNode[],
  producers: Map<string, OnnxNode>,
  data: Map<string, InitializerData>,
): FloatLayer | null {
  const op = FLOAT_OP[integer.opType];
  if (!op || integer.attributeCount !== Object.keys(integer.ints).length) return null;
  const [quantized, weight = "", zeroName, weightZeroName = ""] = integer.inputs;
  const quantize = producers.get(quantized ?? "");
  if (quantize?.opType !== "DynamicQuantizeLinear" || quantize.outputs[2] !== zeroName) return null;
  const [cast] = consumers(integer.outputs[0] ?? "");
  if (cast?.opType !== "Cast" || cast.ints.to !== FLOAT || consumers(integer.outputs[0] ?? "").length !== 1)
    return null;
  const users = consumers(cast.outputs[0] ?? "");
  const scaleMul = users[0];
  if (users.length !== 1 || scaleMul?.opType !== "Mul") return null;
  const scales = producers.get(scaleMul.inputs.find((i) => i !== cast.outputs[0]) ?? "");
  if (scales?.opType !== "Mul" || !scales.inputs.includes(quantize.outputs[1] ?? "")) return null;
  const weightScale = scalar(data.get(scales.inputs.find((i) => i !== quantize.outputs[1]) ?? ""));
  const values = dequantized(data.get(weight), data.get(weightZeroName), weightScale);
  if (!values) return null;
  const weightName = `${weight}/float`;
  const input = quantize.inputs[0] ?? "";
  return {
    node: node(op, `${integer.name}/float`, [input, weightName], scaleMul.outputs, integer.ints),
    gone: [cast, scaleMul],
    weightName,
    dims: data.get(weight)?.dims ?? [],
    values,
  };
}

const FLOAT_OP: Record<string, string> = { MatMulInteger: "MatMul", ConvInteger: "Conv" };

/** (w - zero point) * scale over every element; null unless w is 8-bit and the others scalars. */
function dequantized(
  weight: InitializerData | undefined,
  zero: InitializerData | undefined,
  scale: number | null,
): Float32Array | null {
  if (!weight || !zero || scale === null || zero.bytes.length !== 1 || zero.type !== weight.type) return null;
  const signed = weight.type === INT8;
  if (!signed && weight.type !== UINT8) return null;
  const byte = (b: number) => (signed && b > 127 ? b - 256 : b);
  const z = byte(zero.bytes[0] as number);
  const values = new Float32Array(weight.bytes.length);
  for (let i = 0; i < values.length; i++) values[i] = (byte(weight.bytes[i] as number) - z) * scale;
  return values;
}

function scalar(value: InitializerData | undefined): number | null {
  if (value?.type !== FLOAT || value.bytes.length !== 4) return null;
  return new DataView(value.bytes.buffer, value.bytes.byteOffset, 4).getFloat32(0, true);
}

/** Tensor name -> the main graph's node that writes it (a branch reads its parent's tensors). */
function mainGraphProducers(model: Uint8Array): Map<string, OnnxNode> {
  const producers = new Map<string, OnnxNode>();
  visitGraphs(model, (nodes, depth) => {
    if (depth === 0) for (const n of nodes) for (const o of n.outputs) producers.set(o, n);
  });
  return producers;
}

/** Every tensor a node of any graph reads, and every graph's outputs. */
function readTensors(model: Uint8Array): Set<string> {
  const read = new Set<string>();
  visitGraphs(model, (nodes, _depth, outputs) => {
    for (const n of nodes) for (const i of n.inputs) read.add(i);
    for (const o of outputs) read.add(o);
  });
  return read;
}

/**
 * Drops the quantizing nodes nothing reads any more, round after round (the scales' Mul goes
 * first, then the DynamicQuantizeLinear that fed it). Only those two operators: a Mul of the
 * model's own that nothing reads goes too (onnxruntime would drop it as well); other nodes with
 * unread outputs are the model's business.
 */
function withoutUnreadNodes(model: Uint8Array): Uint8Array {
  let current = model;
  for (;;) {
    const read = readTensors(current);
    let dropped = 0;
    const next = editGraphs(current, (nodes) =>
      nodes.filter((n) => {
        const unreadNode =
          (n.opType === "DynamicQuantizeLinear" || n.opType === "Mul") && !n.outputs.some((o) => read.has(o));
        if (unreadNode) dropped++;
        return !unreadNode;
      }),
    );
    if (dropped === 0) return current;
    current = next;
  }
}

// ONNX TensorProto data types.
const FLOAT = 1;
const UINT8 = 2;
const INT8 = 3;
