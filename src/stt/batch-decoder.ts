import ort from "onnxruntime-node";
import { CrossTiles } from "./cross-tiles.js";
import type { BatchDecoder } from "./guided-decode.js";
import { decoderOutput, logitsFrom, maskFeed, normFetch } from "./kv-decoder.js";
import type { DecoderOutput } from "./logits.js";
import type { WhisperSessions } from "./onnx-whisper.js";
import { CAUSAL_CACHE } from "./prepare/causal-cache.js";
import { LOGIT_MASK } from "./prepare/logit-norms.js";
import { LOGITS_FROM } from "./prepare/logit-rows.js";
import { CROSS_ROWS } from "./prepare/shared-cross.js";

const PAST = /^past_key_values\.(\d+)\.(decoder|encoder)\.(key|value)$/;

export interface DecoderCaches {
  cross: ReadonlyMap<string, ort.Tensor>;
  self: ReadonlyMap<string, ort.Tensor>;
}

/**
 * Whisper's decoder stepping several hypotheses in one call per step (guided beam search).
 * It starts from a free pass's caches (KvDecoder.caches()): the cross-attention keys and
 * values are reused, not recomputed (~90 ms for tiny's 30 s window), and the
 * self-attention cache is cut back to the shared start sequence. A prepared decoder reads
 * one row of the cross-attention cache for every row (prepare/shared-cross.ts); one as
 * exported needs the same audio repeated per row, in buffers kept per model (cross-tiles.ts).
 * The small self-attention cache is gathered by parent at each step.
 */
export class BatchKvDecoder implements BatchDecoder {
  #self: Map<string, ort.Tensor>;

  /** `positions`: how many fed positions of the free pass's self-attention cache to keep. */
  constructor(
    private readonly sessions: WhisperSessions,
    private readonly hidden: ort.Tensor,
    private readonly caches: DecoderCaches,
    positions: number,
  ) {
    this.#self = new Map([...caches.self].map(([name, tensor]) => [name, firstPositions(tensor, positions)]));
  }

  /** Whether `together` may feed several tokens in one call (a prepared decoder: prepare/causal-cache.ts). */
  get takesSeveral(): boolean {
    return this.sessions.withPast.outputNames.includes(CAUSAL_CACHE);
  }

  /**
   * Feeds `ids` after the sequence so far, all in one call, to the one row there is (before
   * the first step, or after a step of one row): logits for each, [ids, vocab]. The next
   * step's parents are [0]. Only when `takesSeveral`. The int8 layers quantize with one scale
   * per call, so each row's logits differ a little from those of its own call (measured: up
   * to ~0.5 for whisper-tiny, a few hundredths of a log-probability).
   */
  async together(ids: readonly number[], mask?: Float32Array): Promise<DecoderOutput> {
    if (!this.takesSeveral) throw new Error("this decoder takes one token per cached call");
    return this.#run([0], [ids], mask);
  }

  step(parents: readonly number[], ids: readonly number[], mask?: Float32Array): Promise<DecoderOutput> {
    return this.#run(
      parents,
      ids.map((id) => [id]),
      mask,
    );
  }

  async #run(
    parents: readonly number[],
    ids: readonly (readonly number[])[],
    mask?: Float32Array,
  ): Promise<DecoderOutput> {
    const rows = ids.length;
    const width = ids[0]?.length ?? 1;
    const session = this.sessions.withPast;
    const cross = session.outputNames.includes(CROSS_ROWS)
      ? this.caches.cross
      : tilesFor(this.sessions).tiles(this.caches.cross, rows);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", BigInt64Array.from(ids.flat().map(BigInt)), [rows, width]),
    };
    for (const name of session.inputNames) {
      if (name === "encoder_hidden_states") feeds[name] = this.hidden;
      else if (name === "use_cache_branch") feeds[name] = new ort.Tensor("bool", Uint8Array.of(1), [1]);
      else if (name === LOGITS_FROM) feeds[name] = logitsFrom(0);
      else if (name === LOGIT_MASK) feeds[name] = maskFeed(mask);
      else if (PAST.test(name)) {
        const self = this.#self.get(name);
        const tensor = self ? gatherRows(self, parents) : cross.get(name);
        if (!tensor) throw new Error(`no cache for decoder input ${name}`);
        feeds[name] = tensor;
      }
    }
    const selfCache = session.outputNames.filter((n) => /^present\.\d+\.decoder\./.test(n));
    const fetches = ["logits", ...normFetch(session, mask), ...selfCache];
    const out = await session.run(feeds, fetches);
    const self = new Map<string, ort.Tensor>();
    for (const name of selfCache)
      self.set(name.replace(/^present\./, "past_key_values."), out[name] as ort.Tensor);
    this.#self = self;
    return decoderOutput(out, mask);
  }
}

/** One set of buffers per loaded model: its guided passes run one at a time. */
const TILES = new WeakMap<WhisperSessions, CrossTiles>();

function tilesFor(sessions: WhisperSessions): CrossTiles {
  let tiles = TILES.get(sessions);
  if (!tiles) {
    tiles = new CrossTiles();
    TILES.set(sessions, tiles);
  }
  return tiles;
}

/** [1, heads, T, dim] -> [1, heads, positions, dim]. */
function firstPositions(tensor: ort.Tensor, positions: number): ort.Tensor {
  const [batch, heads, length, dim] = tensor.dims as [number, number, number, number];
  if (positions >= length) return tensor;
  const data = tensor.data as Float32Array;
  const out = new Float32Array(batch * heads * positions * dim);
  for (let h = 0; h < batch * heads; h++) {
    out.set(data.subarray(h * length * dim, (h * length + positions) * dim), h * positions * dim);
  }
  return new ort.Tensor("float32", out, [batch, heads, positions, dim]);
}

/** Row i of the result is row parents[i] of `tensor` (batch is the first dimension). */
function gatherRows(tensor: ort.Tensor, parents: readonly number[]): ort.Tensor {
  const [batch, ...rest] = tensor.dims as number[];
  if (parents.length === batch && parents.every((p, i) => p === i)) return tensor;
  const data = tensor.data as Float32Array;
  const size = data.length / (batch as number);
  const out = new Float32Array(parents.length * size);
  parents.forEach((p, i) => {
    out.set(data.subarray(p * size, (p + 1) * size), i * size);
  });
  return new ort.Tensor("float32", out, [parents.length, ...rest]);
}
