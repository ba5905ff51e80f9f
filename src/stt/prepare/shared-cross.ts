/**
 * Lets the merged Whisper decoder's cache branch attend to one row of cross-attention keys
 * and values for any number of rows, so a batched guided step (stt/batch-decoder.ts) need not
 * repeat the audio's keys and values per hypothesis.
 *
 * Why: as exported, the cache branch reshapes the keys and values by the batch size
 * ([batch x heads, positions, head size]), so each row needed its own copy: ~18 MB per row for
 * tiny's 30 s window, kept resident between commands (cross-tiles.ts: 74 MB for four rows,
 * 147 MB once a second search grew them to eight), and read from memory by every row of
 * every step. The rows of one step are different hypotheses over the same audio, which is
 * what attention calls different query positions: this edit multiplies the rows' queries, laid
 * out as positions ([1, heads, rows, head size]), by the one row of keys and values. The same
 * products; only the order the kernel sums them in may differ. Measured on whisper-tiny: one row
 * bit for bit; several within ~3e-5 of the tiled logits, or ~0.4-0.6 when the int8 layers' one
 * quantization scale per call rounds a value the other way (as much as changing another row's
 * token moves a row's logits through the exported decoder). Guided steps of 4 / 8 / 12 rows
 * took 23 / 32 / 37 ms tiled, 21 / 26 / 28 ms so (one row: 9 ms either way).
 *
 * The pattern is the transformers.js / Optimum export's cross-attention, per layer in the cache
 * branch: Reshape(past key) -> Transpose -> MatMul(queries, .) -> Softmax -> Reshape (the
 * `cross_attentions.N` output) -> Reshape -> MatMul(., Reshape(past value)) -> Reshape, the
 * queries a Reshape of a [rows, heads, 1, head size] Transpose. A model where any layer reading
 * a past key differs is returned as it was, so no layer is left wanting tiled rows. The edited
 * model has a `cross_rows` output (always 1): callers feed one row of keys and values when it
 * is there, and tile them as before when it is not.
 */

import { ElemType, graphOutput, int64Initializer, withMainGraphFields } from "../../onnx/graph-fields.js";
import { consumersOf, editGraphs, node, type OnnxNode, visitGraphs } from "../../onnx/nodes.js";

/** The output that says the decoder reads one row of cross-attention keys and values for all rows. */
export const CROSS_ROWS = "cross_rows";

const CROSS_ROWS_VALUE = `${CROSS_ROWS}/value`;
const PAST_KEY = /^past_key_values\.(\d+)\.encoder\.key$/;
/** [rows, heads, 1, size] <-> [1, heads, rows, size]: each row's one query as a position. */
const ROWS_AS_POSITIONS = [2, 1, 0, 3];

/** `decoder` reading one row of cross-attention keys and values, and how many layers changed (0: as it was). */
export function withSharedCrossAttention(decoder: Uint8Array): { model: Uint8Array; layers: number } {
  const keys = pastKeyInputs(decoder);
  if (keys === 0) return { model: decoder, layers: 0 };
  let layers = 0;
  // Subgraphs are edited before the graph holding them, so the main graph (depth 0) comes last.
  const edited = editGraphs(decoder, (nodes, depth, outputs) => {
    const edits = nodes.flatMap((n) => layerEdit(nodes, n) ?? []);
    layers += edits.length;
    const replaced = new Map<OnnxNode, OnnxNode[]>();
    for (const edit of edits) {
      for (const gone of edit.gone) replaced.set(gone, []);
      replaced.set(edit.at, edit.nodes);
    }
    const kept = edits.length
      ? withoutUnused(
          nodes.flatMap((n) => replaced.get(n) ?? [n]),
          outputs,
        )
      : [...nodes];
    const marked = depth === 0 && layers === keys;
    return marked ? [...kept, node("Identity", CROSS_ROWS, [CROSS_ROWS_VALUE], [CROSS_ROWS])] : kept;
  });
  if (layers !== keys) return { model: decoder, layers: 0 };
  return {
    model: withMainGraphFields(edited, [
      int64Initializer(CROSS_ROWS_VALUE, 1),
      graphOutput(CROSS_ROWS, ElemType.int64, [1]),
    ]),
    layers,
  };
}

/** How many nodes of the model reshape a past cross-attention key (one per layer of the cache branch). */
function pastKeyInputs(decoder: Uint8Array): number {
  let count = 0;
  visitGraphs(decoder, (nodes) => {
    if (nodes.some((n) => n.outputs.includes(CROSS_ROWS))) count = Number.NaN;
    count += nodes.filter((n) => n.inputs.some((i) => PAST_KEY.test(i))).length;
  });
  return Number.isNaN(count) ? 0 : count;
}

interface LayerEdit {
  /** The node the new ones take the place of, and the nodes that go. */
  at: OnnxNode;
  gone: OnnxNode[];
  nodes: OnnxNode[];
}

/** The edit of one layer's cross-attention, when `keyReshape` starts one in the expected shape. */
function layerEdit(nodes: readonly OnnxNode[], keyReshape: OnnxNode): LayerEdit | null {
  const layer = keyReshape.opType === "Reshape" ? PAST_KEY.exec(keyReshape.inputs[0] ?? "")?.[1] : undefined;
  if (layer === undefined) return null;
  const consumers = consumersOf(nodes);
  const producer = (tensor: string | undefined) => nodes.find((n) => n.outputs.includes(tensor ?? ""));
  const only = (from: OnnxNode | null | undefined, op: string): OnnxNode | null => {
    const next = from ? consumers(from.outputs[0] ?? "").filter((n) => n.opType === op) : [];
    return next.length === 1 ? (next[0] as OnnxNode) : null;
  };
  const keyT = only(keyReshape, "Transpose");
  const scores = only(keyT, "MatMul");
  const softmax = only(scores, "Softmax");
  const probsOut = only(softmax, "Reshape");
  const probs = only(probsOut, "Reshape");
  const mix = only(probs, "MatMul");
  const mixOut = only(mix, "Reshape");
  if (!keyT || !scores || !softmax || !probsOut || !probs || !mix || !mixOut) return null;
  const queries = producer(scores.inputs[0]);
  const perHead = producer(queries?.inputs[0]);
  const valueReshape = producer(mix.inputs[1]);
  const value = `past_key_values.${layer}.encoder.value`;
  if (
    queries?.opType !== "Reshape" ||
    perHead?.opType !== "Transpose" ||
    valueReshape?.opType !== "Reshape" ||
    valueReshape.inputs[0] !== value ||
    scores.inputs[1] !== keyT.outputs[0] ||
    softmax.ints.axis !== 2
  )
    return null;
  const name = (part: string) => `${keyReshape.name}/one-row/${part}`;
  return {
    at: scores,
    gone: [keyReshape, keyT, softmax, probsOut, probs, mix, mixOut, valueReshape],
    nodes: [
      node("Transpose", name("queries"), [perHead.outputs[0] ?? ""], [name("queries")], {
        perm: ROWS_AS_POSITIONS,
      }),
      node("Transpose", name("keys"), [keyReshape.inputs[0] ?? ""], [name("keys")], { perm: [0, 1, 3, 2] }),
      node("MatMul", name("scores"), [name("queries"), name("keys")], [name("scores")]),
      node("Softmax", name("softmax"), [name("scores")], [name("probs")], { axis: 3 }),
      // The attention weights as exported ([rows, heads, 1, positions]): the branch still outputs them.
      node("Transpose", name("probs-out"), [name("probs")], probsOut.outputs, { perm: ROWS_AS_POSITIONS }),
      node("MatMul", name("mix"), [name("probs"), value], [name("mix")]),
      // [rows, heads, 1, head size]: what the rest of the layer read before.
      node("Transpose", name("mix-out"), [name("mix")], mixOut.outputs, { perm: ROWS_AS_POSITIONS }),
    ],
  };
}

/** `nodes` without those whose outputs nothing reads any more (the shapes the old reshapes took). */
function withoutUnused(nodes: OnnxNode[], outputs: readonly string[]): OnnxNode[] {
  const kept = new Set(outputs);
  let current = nodes;
  for (;;) {
    const read = new Set(current.flatMap((n) => n.inputs));
    const next = current.filter((n) => n.outputs.some((o) => read.has(o) || kept.has(o)));
    if (next.length === current.length) return next;
    current = next;
  }
}
