import { EdgeVoiceError, ExitCode } from "../errors.js";
import { PreparedModelCache } from "../onnx/prepared-cache.js";
import { openSession, ort, PORTABLE_KERNELS } from "../onnx/session.js";
import { type RunnableSession, ThreadSession } from "../onnx/session-thread.js";
import { hostCpu, saturatesU8S8 } from "../system/cpu.js";
import type { Logger } from "../util/logger.js";
import { type DecoderShape, KvDecoder } from "./kv-decoder.js";
import {
  decoderModel,
  type EncoderWindow,
  encoderModel,
  type Layers,
  type OutputLayer,
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
  /** How the decoder's output layer runs (prepare/recipes.ts OutputLayer). */
  outputLayer: OutputLayer;
  /** How the other layers of both models compute (prepare/recipes.ts Layers); default int8, as the file. */
  layers?: Layers;
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
  /**
   * The decoder's int8 weights stored as uint8 (prepare/unsigned-weights.ts): the same exact
   * sums on every CPU. Absent: where this CPU's u8 x s8 kernel saturates (x86 without VNNI).
   */
  unsignedWeights?: boolean;
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
      encoderModel(files.encoder, load.positions, load.logger, load.layers),
      encoderOptions,
    );
    const windowed =
      window && window.frames < window.fullFrames
        ? {
            session: await openEncoder(
              files.encoder,
              windowedEncoderModel(files.encoder, window, load.logger, load.layers),
              encoderOptions,
            ),
            frames: window.frames,
          }
        : null;
    const unsigned = load.unsignedWeights ?? saturatesU8S8(hostCpu());
    const decoderOptions = {
      ...sessionOptions(load.decoderThreads ?? 1, load.safeKernels ?? false),
      enableCpuMemArena: false,
    };
    const decoder = (file: string) =>
      open(file, decoderModel(file, load.outputLayer, load.logger, unsigned, load.layers), decoderOptions);
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

  /**
   * A decoder over one encoder output, carrying its key/value cache from step to step;
   * `cross`: another decoder's cross-attention cache over the same output, kept (KvDecoder).
   */
  decoder(encoderHidden: ort.Tensor, cross?: ReadonlyMap<string, ort.Tensor>): KvDecoder {
    return new KvDecoder(this, encoderHidden, cross);
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
