/**
 * Computes the Whisper encoder's self-attention in blocks of query rows. As exported, each
 * layer builds its whole [heads, positions, positions] score matrix, then its softmax, before
 * multiplying by the values: for tiny's 1500 positions that is 2 x 54 MB alive at once, most
 * of the encoder's peak memory. Softmax runs along each row, so the rows can be taken a block
 * at a time (Split the queries, then per block MatMul -> Softmax -> MatMul, then Concat):
 * the same arithmetic on the same numbers, so the hidden states come out bit for bit the same
 * (checked by a test on whisper-tiny), with a score block of ~300 rows instead of 1500.
 * Measured, whisper-tiny q8, 30 s window, one thread: the encoder's peak memory over its
 * weights 133 -> 50 MB, time unchanged (347 -> 342 ms). onnxruntime runs each block's nodes
 * before the next block's (its default order follows each output back to its inputs), so
 * only one block's scores are alive at a time.
 *
 * The pattern is the transformers.js / Optimum export of Whisper (3-D batched matmuls,
 * [batch x heads, positions, head size]): MatMul(Q, K^T) -> Softmax(axis 2) [-> Reshape ->
 * Reshape] -> MatMul(., V). The reshapes only round-trip through the 4-D attention-weight
 * output, which onnx/prune.ts has removed. Anything else is left as it is.
 */

import { consumersOf, defaultOpset, editGraphs, node, type OnnxNode } from "../../onnx/nodes.js";

/** Query rows per block: 1500 positions -> 5 blocks of 300 (measured: 10 blocks saved no more). */
const BLOCK_ROWS = 300;

/** `encoder` with self-attention over `positions` positions computed in blocks of query rows, and how many layers changed. */
export function withBlockedAttention(
  encoder: Uint8Array,
  positions: number,
): { model: Uint8Array; layers: number } {
  if (!Number.isInteger(positions) || positions < 1) {
    throw new RangeError(`positions must be a positive integer, got ${positions}`);
  }
  // Split takes its sizes as an attribute up to opset 12 (an input from 13): the exports
  // this is written for are opset 11; newer ones are left as they are.
  const blocks = defaultOpset(encoder) <= 12 ? Math.ceil(positions / BLOCK_ROWS) : 1;
  const sizes = Array.from(
    { length: blocks },
    (_, i) => Math.floor((positions * (i + 1)) / blocks) - Math.floor((positions * i) / blocks),
  );
  let layers = 0;
  const model = editGraphs(encoder, (nodes, depth) => {
    // The encoder's layers are in its main graph; subgraphs (a merged decoder's branches,
    // whose queries are a few tokens long, not `positions`) are not for this edit.
    if (blocks < 2 || depth > 0) return [...nodes];
    const consumers = consumersOf(nodes);
    const removed = new Set<OnnxNode>();
    const replaced = new Map<OnnxNode, OnnxNode[]>();
    for (const scores of nodes) {
      const attention = matchAttention(scores, consumers);
      if (!attention) continue;
      for (const n of [scores, ...attention.between]) removed.add(n);
      replaced.set(attention.context, blockedNodes(scores, attention.context, sizes));
      layers++;
    }
    return nodes.flatMap((n) => (removed.has(n) ? [] : (replaced.get(n) ?? [n])));
  });
  return { model, layers };
}

interface Attention {
  /** Softmax and the reshapes after it: replaced by the blocks (as is the scores MatMul). */
  between: OnnxNode[];
  /** The MatMul with the values: where the blocks go (its inputs are all ready there). */
  context: OnnxNode;
}

/** `scores` = MatMul(Q, K^T) when it starts the exported attention pattern. */
function matchAttention(scores: OnnxNode, consumers: (t: string) => OnnxNode[]): Attention | null {
  const only = (n: OnnxNode): OnnxNode | undefined => {
    const next = consumers(n.outputs[0] ?? "");
    return next.length === 1 ? next[0] : undefined;
  };
  if (scores.opType !== "MatMul") return null;
  const softmax = only(scores);
  if (softmax?.opType !== "Softmax" || softmax.ints.axis !== 2) return null;
  const between: OnnxNode[] = [softmax];
  let next = only(softmax);
  while (next?.opType === "Reshape" && between.length < 3) {
    between.push(next);
    next = only(next);
  }
  const last = between[between.length - 1] as OnnxNode;
  if (next?.opType !== "MatMul" || next.inputs[0] !== last.outputs[0]) return null;
  return { between, context: next };
}

/** Split(Q) -> per block MatMul(Qb, K^T) -> Softmax -> MatMul(., V) -> Concat into the context's output. */
function blockedNodes(scores: OnnxNode, context: OnnxNode, sizes: number[]): OnnxNode[] {
  const [queries = "", keysT = ""] = scores.inputs;
  const values = context.inputs[1] ?? "";
  const prefix = `${scores.name || scores.outputs[0]}/blocked`;
  const parts = sizes.map((_, b) => `${prefix}/${b}/queries`);
  const out: OnnxNode[] = [node("Split", `${prefix}/split`, [queries], parts, { axis: 1, split: sizes })];
  const contexts = sizes.map((_, b) => {
    const p = `${prefix}/${b}`;
    out.push(
      node("MatMul", `${p}/scores`, [parts[b] as string, keysT], [`${p}/scores`]),
      node("Softmax", `${p}/softmax`, [`${p}/scores`], [`${p}/weights`], { axis: 2 }),
      node("MatMul", `${p}/context`, [`${p}/weights`, values], [`${p}/context`]),
    );
    return `${p}/context`;
  });
  out.push(node("Concat", `${prefix}/concat`, contexts, context.outputs, { axis: 1 }));
  return out;
}
