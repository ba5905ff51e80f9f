/**
 * Moves the output layer out of the branches of the merged Whisper decoder. The export holds
 * two copies of the decoder as the two branches of an If (with and without the key/value
 * cache), and each branch ends in the output layer: transpose the uint8 token embedding,
 * dequantize it, multiply. onnxruntime folds constants and pre-packs weights only in the
 * graph that owns them, and it runs a subgraph's work on outer weights at every run, so
 * the [384, 51865] weight was transposed (and dequantized) per branch and per run.
 *
 * 1. withHoistedConstants computes the constant nodes both branches share once, in the main
 *    graph before the If (a subgraph may read any tensor of the graph around it). A node is
 *    moved when it has inputs, every input is an initializer of the main graph (or the output
 *    of a node moved before it), and every branch has the same node (operator, inputs,
 *    outputs, attributes).
 * 2. withOutputMatMulsAfterIf then moves the MatMul that ends every branch the same way after
 *    the If: the branches output its first input, the main graph multiplies once. (Hoisting
 *    the weights alone made it worse: a MatMul in a branch does not pre-pack outer weights
 *    and packs them on every run, peak +37 MB.)
 *
 * The same operators on the same numbers: the logits are bit for bit those of the export
 * (tested). output-layer.ts then splits the one MatMul into blocks, or makes it int8.
 */

import {
  consumersOf,
  editGraphs,
  initializerShapes,
  node,
  type OnnxNode,
  visitGraphs,
  withOutputs,
} from "../../onnx/nodes.js";

/** `decoder` with the constant nodes shared by all branches of its If nodes computed once before them. */
export function withHoistedConstants(decoder: Uint8Array): { model: Uint8Array; moved: number } {
  const initializers = new Set(initializerShapes(decoder).keys());
  const branches: OnnxNode[][] = [];
  visitGraphs(decoder, (nodes, depth) => {
    if (depth === 1) branches.push([...nodes]);
  });
  const hoisted = commonConstants(branches, initializers);
  if (hoisted.length === 0) return { model: decoder, moved: 0 };
  const outputs = new Set(hoisted.flatMap((n) => n.outputs));
  const model = editGraphs(decoder, (nodes, depth) => {
    if (depth === 1) return nodes.filter((n) => !n.outputs.some((o) => outputs.has(o)));
    if (depth > 1) return [...nodes];
    const at = nodes.findIndex((n) => n.opType === "If");
    // New nodes (no raw bytes) are written from their fields, with a name of the main graph's own.
    const moved = hoisted.map(({ raw: _, ...n }) => ({ ...n, name: `${n.name || n.outputs[0]}/hoisted` }));
    return at < 0 ? [...nodes] : [...nodes.slice(0, at), ...moved, ...nodes.slice(at)];
  });
  return { model, moved: hoisted.length };
}

/**
 * `decoder` with the MatMuls that end every branch of its If in the same way (an If output
 * computed as MatMul(a tensor of the branch, the same weights from the main graph)) moved
 * after the If; how many moved.
 */
export function withOutputMatMulsAfterIf(decoder: Uint8Array): { model: Uint8Array; moved: number } {
  const branches: { nodes: readonly OnnxNode[]; outputs: readonly string[] }[] = [];
  let ifs = 0;
  visitGraphs(decoder, (nodes, depth, outputs) => {
    if (depth === 1) branches.push({ nodes, outputs });
    if (depth === 0) ifs = nodes.filter((n) => n.opType === "If").length;
  });
  const moves = ifs === 1 ? outputMatMuls(branches) : [];
  if (moves.length === 0) return { model: decoder, moved: 0 };
  const model = editGraphs(decoder, (nodes, depth, outputs) => {
    if (depth === 1) {
      const producers = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
      const matmuls = moves.map((m) => producers.get(outputs[m.index] ?? ""));
      const renamed = new Map(matmuls.map((m) => [m?.outputs[0] ?? "", m?.inputs[0] ?? ""]));
      return { nodes: nodes.filter((n) => !matmuls.includes(n)), renamedOutputs: renamed };
    }
    if (depth > 1) return [...nodes];
    return nodes.flatMap((n) => {
      if (n.opType !== "If") return [n];
      const outs = [...n.outputs];
      const after = moves.map(({ index, weights }) => {
        const output = outs[index] ?? "";
        outs[index] = `${output}/before_matmul`;
        return node("MatMul", `${output}/matmul_after_if`, [`${output}/before_matmul`, weights], [output]);
      });
      return [withOutputs(n, outs), ...after];
    });
  });
  return { model, moved: moves.length };
}

/** If outputs that every branch computes with a MatMul by the same main-graph weights, used nowhere else. */
function outputMatMuls(
  branches: { nodes: readonly OnnxNode[]; outputs: readonly string[] }[],
): { index: number; weights: string }[] {
  const [first] = branches;
  if (!first || branches.length < 2) return [];
  // Per branch: output index -> the weights of the MatMul that computes it, when it qualifies.
  const weightsByBranch = branches.map(({ nodes, outputs }) => {
    const local = new Set(nodes.flatMap((n) => n.outputs));
    const readers = consumersOf(nodes);
    return outputs.map((output) => {
      const producer = nodes.find((n) => n.outputs.includes(output));
      const [input, weight] = producer?.inputs ?? [];
      const ok =
        producer?.opType === "MatMul" &&
        producer.domain === "" &&
        producer.attributeCount === 0 &&
        producer.outputs.length === 1 &&
        input !== undefined &&
        local.has(input) &&
        !outputs.includes(input) &&
        weight !== undefined &&
        !local.has(weight) &&
        readers(output).length === 0;
      return ok ? weight : null;
    });
  });
  return first.outputs.flatMap((_, index) => {
    const [weight, ...others] = weightsByBranch.map((w) => w[index] ?? null);
    return weight && others.every((w) => w === weight) ? [{ index, weights: weight }] : [];
  });
}

/** The nodes of the first branch that qualify (see above), in an order that computes each input first. */
function commonConstants(branches: OnnxNode[][], initializers: Set<string>): OnnxNode[] {
  const [first, ...others] = branches;
  if (!first || others.length === 0) return [];
  const signature = (n: OnnxNode) => JSON.stringify([n.opType, n.inputs, n.outputs, n.ints]);
  const inAll = (n: OnnxNode) => others.every((b) => b.some((m) => signature(m) === signature(n)));
  const known = new Set(initializers);
  const out: OnnxNode[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const n of first) {
      if (out.includes(n) || n.inputs.length === 0) continue;
      if (!n.inputs.every((i) => known.has(i)) || !inAll(n) || !onlyIntAttributes(n)) continue;
      out.push(n);
      for (const o of n.outputs) known.add(o);
      grew = true;
    }
  }
  return out;
}

/**
 * A moved node is written again from its decoded fields, which keep integer attributes and
 * the default domain only; a node with anything else stays where it is.
 */
function onlyIntAttributes(n: OnnxNode): boolean {
  return n.domain === "" && n.attributeCount === Object.keys(n.ints).length;
}
