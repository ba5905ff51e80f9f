/**
 * Moves constant work out of the branches of the merged Whisper decoder. The export holds
 * two copies of the decoder as the two branches of an If (with and without the key/value
 * cache), and each branch transposes the uint8 token embedding for the output layer.
 * onnxruntime folds such constants at load, once per branch, so the [384, 51865] weight was
 * held twice. Computed once in the main graph before the If, both branches read the same
 * tensor (a subgraph may read any tensor of the graph around it): the same numbers, held once.
 * Measured with the int8 output layer (onnx-output-layer.ts): decoder peak RSS 248 -> 211 MB,
 * the same logits. Not used without it: a float32 MatMul whose weights come from outside its
 * branch is not pre-packed at load and packs them on every run (peak 310 -> 347 MB).
 *
 * A node is moved when it has inputs, every input is an initializer of the main graph (or
 * the output of a node moved before it), and every branch of the If has the same node (same
 * operator, inputs, outputs and attributes). Nothing else changes.
 */

import { editGraphs, initializerNames, type OnnxNode, visitGraphs } from "../util/onnx-nodes.js";

/** `decoder` with the constant nodes shared by all branches of its If nodes computed once before them. */
export function withHoistedConstants(decoder: Uint8Array): { model: Uint8Array; moved: number } {
  const initializers = initializerNames(decoder);
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
