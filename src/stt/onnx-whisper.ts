import { EdgeVoiceError, ExitCode } from "../errors.js";
import { PreparedModelCache } from "../onnx/prepared-cache.js";
import { openSession, ort, PORTABLE_KERNELS } from "../onnx/session.js";
import { type RunnableSession, ThreadSession } from "../onnx/session-thread.js";
import type { Logger } from "../util/logger.js";
import { LAST_ROWS, LOGITS_FROM } from "./prepare/logit-rows.js";
import {
  decoderModel,
  type EncoderWindow,
  encoderModel,
  type PreparedModel,
  windowedEncoderModel,
} from "./prepare/recipes.js";

/** The ONNX files of one Whisper model: a merged decoder, or a decoder plus a decoder-with-past. */
export interface WhisperOnnxFiles {
  encoder: string;
  decoderMerged?: string;
  decoder?: string;
  decoderWithPast?: string;
}

/** Picks the ONNX files from a verified model's paths (quantized variants first when several are listed). */
export function pickOnnxFiles(paths: Record<string, string>, modelId: string): WhisperOnnxFiles {
  const names = Object.keys(paths).filter((n) => n.endsWith(".onnx"));
  const find = (pattern: RegExp): string | undefined => {
    const matches = names.filter((n) => pattern.test(n.split("/").pop() ?? n));
    const chosen = matches.find((n) => n.includes("quantized")) ?? matches[0];
    return chosen ? paths[chosen] : undefined;
  };
  const encoder = find(/^encoder_model.*\.onnx$/);
  const decoderMerged = find(/^decoder_model_merged.*\.onnx$/);
  const decoder = find(/^decoder_model(_quantized|_int8|_uint8|_fp16)?\.onnx$/);
  const decoderWithPast = find(/^decoder_with_past_model.*\.onnx$/);
  if (encoder && decoderMerged) return { encoder, decoderMerged };
  if (encoder && decoder && decoderWithPast) return { encoder, decoder, decoderWithPast };
  throw new EdgeVoiceError("model-load-failed", `model ${modelId} lacks Whisper's ONNX encoder and decoder`, {
    hint: "the manifest entry needs onnx/encoder_model*.onnx and onnx/decoder_model_merged*.onnx (or decoder_model + decoder_with_past_model)",
    exitCode: ExitCode.config,
  });
}

export interface DecoderShape {
  heads: number;
  headDim: number;
}

/** How the models are edited in memory at load (the files on disk stay as pinned). */
export interface LoadOptions {
  /** onnxruntime intra-op threads of the encoder sessions. */
  threads: number;
  /** ... and of the decoder (default 1). */
  decoderThreads?: number;
  shape: DecoderShape;
  /** Encoder positions of the full window (1500), for blocked attention. */
  positions: number;
  window?: EncoderWindow | undefined;
  /** The decoder's output layer in int8 (prepare/output-layer.ts). */
  int8OutputLayer: boolean;
  /** Where edited models are kept between starts (onnx/prepared-cache.ts); absent or null: nowhere. */
  preparedDir?: string | null;
  /**
   * onnxruntime's portable arm64 kernels instead of KleidiAI's (`mlas.disable_kleidiai`): the
   * fallback when the self-test hears garbage (stt/self-test.ts). No effect on x86.
   */
  safeKernels?: boolean;
  /**
   * The encoder in a worker thread (onnx/session-thread.ts), so the event loop, and with it
   * listening, keeps going while it computes (`stt.encoder_thread`).
   */
  encoderThread?: boolean;
  logger?: Logger;
}

/** onnxruntime sessions for one Whisper model, loaded once and reused for every utterance. */
export class WhisperSessions {
  private constructor(
    readonly encoder: RunnableSession,
    readonly first: ort.InferenceSession,
    readonly withPast: ort.InferenceSession,
    readonly shape: DecoderShape,
    /** The encoder cut to a shorter window, and the frames it takes; null when there is none. */
    readonly windowed: { session: RunnableSession; frames: number } | null = null,
  ) {}

  /**
   * With `window`, a second encoder session takes that shorter window; the full one stays
   * for audio that does not fit it (nothing is truncated).
   */
  static async load(files: WhisperOnnxFiles, load: LoadOptions): Promise<WhisperSessions> {
    const { shape, window } = load;
    const cache = new PreparedModelCache(load.preparedDir ?? null, load.logger);
    const open = (file: string, model: PreparedModel, options: ort.InferenceSession.SessionOptions) =>
      cache.open(model.recipe, model.prepare, (bytesOrPath) => openSession(bytesOrPath, options, file));
    const openEncoder = (file: string, model: PreparedModel, options: ort.InferenceSession.SessionOptions) =>
      load.encoderThread
        ? cache.open(model.recipe, model.prepare, (bytesOrPath) =>
            ThreadSession.open(bytesOrPath, options, file),
          )
        : open(file, model, options);
    const encoderOptions = sessionOptions(load.threads, load.safeKernels ?? false);
    const encoder = await openEncoder(
      files.encoder,
      encoderModel(files.encoder, load.positions, load.logger),
      encoderOptions,
    );
    const windowed =
      window && window.frames < window.fullFrames
        ? {
            session: await openEncoder(
              files.encoder,
              windowedEncoderModel(files.encoder, window, load.logger),
              encoderOptions,
            ),
            frames: window.frames,
          }
        : null;
    const decoderOptions = {
      ...sessionOptions(load.decoderThreads ?? 1, load.safeKernels ?? false),
      enableCpuMemArena: false,
    };
    const decoder = (file: string) =>
      open(file, decoderModel(file, load.int8OutputLayer, load.logger), decoderOptions);
    if (files.decoderMerged) {
      const merged = await decoder(files.decoderMerged);
      return new WhisperSessions(encoder, merged, merged, shape, windowed);
    }
    const first = await decoder(files.decoder as string);
    const withPast = await decoder(files.decoderWithPast as string);
    return new WhisperSessions(encoder, first, withPast, shape, windowed);
  }

  /**
   * Encoder output for one window of features ([1, mels, frames]): the windowed encoder
   * when `frames` is its window, else the full one.
   */
  async encode(features: Float32Array, mels: number, frames: number): Promise<ort.Tensor> {
    const session = frames === this.windowed?.frames ? this.windowed.session : this.encoder;
    const input = new ort.Tensor("float32", features, [1, mels, frames]);
    const out = await session.run({ [session.inputNames[0] as string]: input }, ["last_hidden_state"]);
    return out.last_hidden_state as ort.Tensor;
  }

  /** A decoder over one encoder output, carrying its key/value cache from step to step. */
  decoder(encoderHidden: ort.Tensor): KvDecoder {
    return new KvDecoder(this, encoderHidden);
  }

  async dispose(): Promise<void> {
    const sessions = new Set([this.encoder, this.first, this.withPast]);
    if (this.windowed) sessions.add(this.windowed.session);
    for (const session of sessions) await session.release();
  }
}

/**
 * Options of every Whisper session. The decoder's add no arena: its largest blocks are small
 * (the output layer goes in column blocks) and the arena kept what the first run grew to;
 * measured on whisper-tiny, 21 MB less after a run, 8 against 9 ms per token (the encoder
 * keeps it: without, each 30 s window took 450-550 ms against 350). The decoder also has
 * its own thread count: one token's step is too small to share (2 threads decoded slower
 * than 1 here, and cost ~20 MB), while the encoder's 30 s window gains from a second core.
 */
function sessionOptions(threads: number, safeKernels: boolean): ort.InferenceSession.SessionOptions {
  return {
    ...(safeKernels ? { extra: PORTABLE_KERNELS } : {}),
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    // The memory pattern plans one block for all of a run's intermediates up front; without
    // it the arena reuses freed chunks. Measured on the fixtures, whisper-tiny 30 s window:
    // peak RSS of `edge-voice transcribe` 650-685 -> 530-550 MB, encoder 420 -> 360 ms,
    // the same text and log-probabilities.
    enableMemPattern: false,
  };
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
  #cross: Map<string, ort.Tensor> | null = null;
  /** Self-attention keys/values (past_key_values.N.decoder.*), growing by one position per token. */
  #self = new Map<string, ort.Tensor>();

  constructor(
    private readonly sessions: WhisperSessions,
    private readonly hidden: ort.Tensor,
  ) {}

  /**
   * Feeds `ids` after what was fed before. Returns logits [rows, vocab] row-major: one row per
   * id on the first call (so a caller can read the <|startoftranscript|> position), only the
   * last id's row after it. With `lastRowOnly`, a prepared decoder computes only the first
   * call's last rows (prepare/logit-rows.ts: two, so the last is exact); others still return
   * every row, so read the last.
   */
  async step(
    ids: readonly number[],
    options: StepOptions = {},
  ): Promise<{ logits: Float32Array; vocab: number }> {
    if (this.#cross === null) return this.#run(ids, false, options.lastRowOnly ?? false);
    let out: { logits: Float32Array; vocab: number } | null = null;
    for (const id of ids) out = await this.#run([id], true);
    if (!out) throw new RangeError("step needs at least one token");
    return out;
  }

  /**
   * Logits of `ids` as a fresh sequence over the same audio, leaving the current sequence's
   * cache as it is: one cached call per id, reusing the cross-attention cache (a second
   * no-cache call would recompute it: ~90 ms for tiny against ~12 ms per token here).
   */
  async probe(ids: readonly number[]): Promise<{ logits: Float32Array; vocab: number }> {
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
  ): Promise<{ logits: Float32Array; vocab: number }> {
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
    }
    const fetches = ["logits", ...session.outputNames.filter((n) => wanted(n, cached))];
    const out = await session.run(feeds, fetches);
    const cross = this.#cross ?? new Map<string, ort.Tensor>();
    for (const name of fetches) {
      if (name === "logits") continue;
      const past = name.replace(/^present\./, "past_key_values.");
      (name.includes(".encoder.") ? cross : this.#self).set(past, out[name] as ort.Tensor);
    }
    this.#cross = cross;
    const logits = out.logits as ort.Tensor;
    return { logits: logits.data as Float32Array, vocab: logits.dims[2] as number };
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
