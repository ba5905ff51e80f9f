import { ort } from "../onnx/session.js";
import type { DecoderOutput } from "./logits.js";
import { LOGIT_MASK, LOGITS_NORM } from "./prepare/logit-norms.js";
import { LAST_ROWS, LOGITS_FROM } from "./prepare/logit-rows.js";

/** The decoder's attention geometry: the shape of an empty key/value cache. */
export interface DecoderShape {
  heads: number;
  headDim: number;
}

/**
 * The decoder sessions a KvDecoder runs (WhisperSessions in onnx-whisper.ts): the no-cache
 * branch for the first call, the cache branch after it (one merged session may be both).
 */
export interface DecoderSessions {
  readonly first: ort.InferenceSession;
  readonly withPast: ort.InferenceSession;
  readonly shape: DecoderShape;
}

const PAST = /^past_key_values\.(\d+)\.(decoder|encoder)\.(key|value)$/;

/**
 * Runs the decoder, carrying its key/value caches. The first call (the no-cache branch)
 * computes the cross-attention keys/values once; later calls fetch only the self-attention
 * cache and logits, so the encoder's keys/values (18 MB for tiny) are never copied back to
 * JS per token. The cache branch of the exported merged decoder has no causal mask (measured:
 * a position's logits change with the tokens after it), so after the first call tokens go
 * in one at a time.
 */
export class KvDecoder {
  /** Cross-attention keys/values (past_key_values.N.encoder.*), fixed once computed. */
  #cross: ReadonlyMap<string, ort.Tensor> | null = null;
  /** Self-attention keys/values (past_key_values.N.decoder.*), growing by one position per token. */
  #self = new Map<string, ort.Tensor>();

  /**
   * `cross`: another decoder's cross-attention cache over the same `hidden` (KvDecoder.caches()),
   * kept instead of this decoder's own. Its first call still computes them inside the no-cache
   * branch (the only causal one), but does not copy them out (18 MB for tiny), and decoders
   * batched from its caches find the rows already tiled for that audio (cross-tiles.ts).
   */
  constructor(
    private readonly sessions: DecoderSessions,
    private readonly hidden: ort.Tensor,
    private readonly cross?: ReadonlyMap<string, ort.Tensor>,
  ) {}

  /**
   * Feeds `ids` after what was fed before. Returns logits [rows, vocab] row-major: one row per
   * id on the first call (so a caller can read the <|startoftranscript|> position), only the
   * last id's row after it. With `lastRowOnly`, a prepared decoder computes only the first
   * call's last rows (prepare/logit-rows.ts: two, so the last is exact); others still return
   * every row, so read the last.
   */
  async step(ids: readonly number[], options: StepOptions = {}): Promise<DecoderOutput> {
    if (this.#cross === null) return this.#run(ids, false, options.lastRowOnly ?? false, options.mask);
    let out: DecoderOutput | null = null;
    for (const id of ids) out = await this.#run([id], true, false, options.mask);
    if (!out) throw new RangeError("step needs at least one token");
    return out;
  }

  /**
   * Logits of `ids` as a fresh sequence over the same audio, leaving the current sequence's
   * cache as it is: one cached call per id, reusing the cross-attention cache (a second
   * no-cache call would recompute it: ~90 ms for tiny against ~12 ms per token here).
   */
  async probe(ids: readonly number[]): Promise<DecoderOutput> {
    if (this.#cross === null) throw new Error("probe needs a first step");
    const saved = this.#self;
    this.#self = new Map();
    try {
      return await this.step(ids);
    } finally {
      this.#self = saved;
    }
  }

  /**
   * The caches as they stand (null before the first step), for a decoder that goes on from
   * this sequence's start (guided decoding, stt/batch-decoder.ts) without recomputing them.
   */
  caches(): { cross: ReadonlyMap<string, ort.Tensor>; self: ReadonlyMap<string, ort.Tensor> } | null {
    return this.#cross ? { cross: this.#cross, self: this.#self } : null;
  }

  /** Forgets everything fed so far: the next step starts a new sequence over the same audio. */
  restart(): void {
    this.#cross = null;
    this.#self = new Map();
  }

  async #run(
    ids: readonly number[],
    cached: boolean,
    lastRowOnly = false,
    mask?: Float32Array,
  ): Promise<DecoderOutput> {
    const session = cached ? this.sessions.withPast : this.sessions.first;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
    };
    for (const name of session.inputNames) {
      if (name === "encoder_hidden_states") feeds[name] = this.hidden;
      else if (name === "use_cache_branch")
        feeds[name] = new ort.Tensor("bool", Uint8Array.of(cached ? 1 : 0), [1]);
      else if (PAST.test(name))
        feeds[name] = this.#cross?.get(name) ?? this.#self.get(name) ?? this.#emptyPast();
      else if (name === LOGITS_FROM)
        feeds[name] = logitsFrom(lastRowOnly ? -Math.min(LAST_ROWS, ids.length) : 0);
      else if (name === LOGIT_MASK) feeds[name] = maskFeed(mask);
    }
    const adopted = !cached && this.cross !== undefined;
    const fetches = [
      "logits",
      ...normFetch(session, mask),
      ...session.outputNames.filter((n) => wanted(n, cached || adopted)),
    ];
    const out = await session.run(feeds, fetches);
    const computed = new Map<string, ort.Tensor>();
    for (const name of fetches) {
      if (!name.startsWith("present.")) continue;
      const past = name.replace(/^present\./, "past_key_values.");
      (name.includes(".encoder.") ? computed : this.#self).set(past, out[name] as ort.Tensor);
    }
    // The same Map object as the adopted one: the tiles know it as that audio's.
    this.#cross ??= adopted && this.cross ? this.cross : computed;
    return decoderOutput(out, mask);
  }

  #emptyPast(): ort.Tensor {
    const { heads, headDim } = this.sessions.shape;
    return new ort.Tensor("float32", new Float32Array(0), [1, heads, 0, headDim]);
  }
}

/** What a decoder step may be asked beyond its tokens. */
export interface StepOptions {
  /** Only the last position's logits are read: a prepared decoder need not compute the others. */
  lastRowOnly?: boolean;
  /** The rows' normalisers are wanted, over the ids this mask keeps (logits.ts normMask). */
  mask?: Float32Array | undefined;
}

/** Every id counted: what a decoder with a `logit_mask` input is fed when no normaliser is wanted (broadcast). */
const NO_MASK = new ort.Tensor("float32", Float32Array.of(0), [1]);
const MASK_TENSORS = new WeakMap<Float32Array, ort.Tensor>();

/** The `logit_mask` feed for `mask` (one tensor per mask, kept). */
export function maskFeed(mask: Float32Array | undefined): ort.Tensor {
  if (!mask) return NO_MASK;
  let tensor = MASK_TENSORS.get(mask);
  if (!tensor) {
    tensor = new ort.Tensor("float32", mask, [mask.length]);
    MASK_TENSORS.set(mask, tensor);
  }
  return tensor;
}

/** The normaliser output to fetch: only when asked for and the decoder has it (prepare/logit-norms.ts). */
export function normFetch(
  session: { outputNames: readonly string[] },
  mask: Float32Array | undefined,
): string[] {
  return mask && session.outputNames.includes(LOGITS_NORM) ? [LOGITS_NORM] : [];
}

/** Logits and, when fetched, the rows' normalisers with the mask they were computed under. */
export function decoderOutput(
  out: Record<string, ort.Tensor>,
  mask: Float32Array | undefined,
): DecoderOutput {
  const logits = out.logits as ort.Tensor;
  const norms = out[LOGITS_NORM];
  return {
    logits: logits.data as Float32Array,
    vocab: logits.dims[2] as number,
    ...(mask && norms ? { norms: { values: norms.data as Float32Array, mask } } : {}),
  };
}

/**
 * The `logits_from` feed of a prepared decoder (prepare/logit-rows.ts): the first position
 * whose logits are computed, negative from the end; 0 for every row.
 */
export function logitsFrom(position: number): ort.Tensor {
  return new ort.Tensor("int64", BigInt64Array.of(BigInt(position)), [1]);
}

/** Self-attention cache always; cross-attention cache only on the first call (it never changes). */
function wanted(output: string, cached: boolean): boolean {
  if (!output.startsWith("present.")) return false;
  return !cached || output.includes(".decoder.");
}
