/**
 * Gives the merged Whisper decoder's cache branch a causal mask, so one cached call can take
 * several tokens per row: each attends to the cached positions and to the tokens before it
 * in the call, never to those after it. As exported, only the no-cache branch masks (the
 * cache branch was traced with one token a call), so a guided search spent one decoder call
 * per token even where every hypothesis shares the tokens (the wake phrase Whisper wrote
 * first: stt/guided-pass.ts seeds).
 *
 * Per self-attention layer of the cache branch, Add(scores, mask) before its Softmax: scores
 * [rows x heads, new, cached + new], the mask [new, cached + new] built once from their shape
 * (Shape -> Range -> Greater -> Where: 0 where a key may be seen, -1e9 past the query's own
 * position). With one token a call the mask is all zeros, so every logit is the same, bit for
 * bit (tested). The pattern is the transformers.js / Optimum export's (MatMul -> Softmax in
 * layers' self_attn, the no-cache branch adding its mask between them); a decoder where no
 * self-attention Softmax reads a MatMul directly is returned as it is. The edited model has a
 * `causal_cache` output: callers feed several tokens to a cached call only when it is there.
 */

import {
  ElemType,
  floatInitializer,
  graphOutput,
  int64Initializer,
  withMainGraphFields,
} from "../../onnx/graph-fields.js";
import { editGraphs, node, type OnnxNode, visitGraphs } from "../../onnx/nodes.js";

/** The output (always 1) that tells callers a cached call may take several tokens per row. */
export const CAUSAL_CACHE = "causal_cache";

const P = CAUSAL_CACHE;
const MARK = `${P}/value`;
const ZERO = `${P}/zero`;
const ONE = `${P}/one`;
const AT_NEW = `${P}/new_axis`;
const AT_ALL = `${P}/all_axis`;
const HIDDEN = `${P}/hidden`;
const SEEN = `${P}/seen`;
const MASK = `${P}/mask`;
/** Far below any score: exp() of it is 0, and it cannot overflow when added. */
const HIDDEN_SCORE = -1e9;

/** `decoder` whose cache branch masks later tokens of a call, and how many layers changed (0: as it was). */
export function withCausalCache(decoder: Uint8Array): { model: Uint8Array; layers: number } {
  if (edited(decoder)) return { model: decoder, layers: 0 };
  let layers = 0;
  // Subgraphs are edited before the graph holding them: the main graph (depth 0) comes last.
  const model = editGraphs(decoder, (nodes, depth) => {
    if (depth === 0)
      return layers > 0 ? [...nodes, node("Identity", CAUSAL_CACHE, [MARK], [CAUSAL_CACHE])] : [...nodes];
    const producers = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
    const unmasked = nodes.filter(
      (n) =>
        n.opType === "Softmax" &&
        n.name.includes("self_attn") &&
        producers.get(n.inputs[0] ?? "")?.opType === "MatMul",
    );
    if (unmasked.length === 0) return [...nodes];
    layers += unmasked.length;
    const out: OnnxNode[] = [];
    for (const n of nodes) {
      if (!unmasked.includes(n)) {
        out.push(n);
        continue;
      }
      const scores = n.inputs[0] as string;
      if (n === unmasked[0]) out.push(...maskNodes(scores));
      const masked = `${n.name}/masked`;
      out.push(node("Add", `${n.name}/mask`, [scores, MASK], [masked]));
      out.push(node("Softmax", n.name, [masked], n.outputs, n.ints));
    }
    return out;
  });
  if (layers === 0) return { model: decoder, layers };
  return {
    model: withMainGraphFields(model, [
      int64Initializer(MARK, 1),
      graphOutput(CAUSAL_CACHE, ElemType.int64, [1]),
      int64Initializer(ZERO, 0, []),
      int64Initializer(ONE, 1, []),
      int64Initializer(AT_NEW, 1),
      int64Initializer(AT_ALL, 2),
      floatInitializer(HIDDEN, [], Float32Array.of(HIDDEN_SCORE)),
      floatInitializer(SEEN, [], Float32Array.of(0)),
    ]),
    layers,
  };
}

/** Whether the decoder has been through this edit already. */
function edited(decoder: Uint8Array): boolean {
  let found = false;
  visitGraphs(decoder, (nodes) => {
    if (nodes.some((n) => n.outputs.includes(CAUSAL_CACHE))) found = true;
  });
  return found;
}

/** The mask [new, all] from the scores' shape [rows x heads, new, all]: key j hidden from query i when j > all - new + i. */
function maskNodes(scores: string): OnnxNode[] {
  const t = (name: string) => `${P}/${name}`;
  return [
    node("Shape", t("shape"), [scores], [t("shape")]),
    node("Gather", t("new1"), [t("shape"), AT_NEW], [t("new1")], { axis: 0 }),
    node("Gather", t("all1"), [t("shape"), AT_ALL], [t("all1")], { axis: 0 }),
    node("Squeeze", t("new"), [t("new1")], [t("new")], { axes: [0] }),
    node("Squeeze", t("all"), [t("all1")], [t("all")], { axes: [0] }),
    node("Range", t("queries"), [ZERO, t("new"), ONE], [t("queries")]),
    node("Range", t("keys"), [ZERO, t("all"), ONE], [t("keys")]),
    node("Sub", t("cached"), [t("all"), t("new")], [t("cached")]),
    node("Add", t("last_seen"), [t("queries"), t("cached")], [t("last_seen")]),
    node("Unsqueeze", t("last_seen_column"), [t("last_seen")], [t("last_seen_column")], { axes: [1] }),
    node("Greater", t("later"), [t("keys"), t("last_seen_column")], [t("later")]),
    node("Where", MASK, [t("later"), HIDDEN, SEEN], [MASK]),
  ];
}
