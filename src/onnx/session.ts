import * as ort from "onnxruntime-node";
import { EdgeVoiceError, ExitCode } from "../errors.js";

export { ort };

/**
 * Session options for the small streaming models (wake word, VAD). One intra-op thread by
 * default: these models run every 32-80 ms on tiny inputs, where thread hand-off costs more
 * than it saves (measured: two threads ran the openWakeWord stages slower per chunk here).
 * No spinning, so an idle-listening daemon leaves the cores asleep between chunks.
 */
export function sessionOptions(threads: number, safeKernels = false): ort.InferenceSession.SessionOptions {
  const session = { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } };
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    // No arena: each session would keep its own pool of freed blocks (several small sessions
    // here); their tensors are small enough for malloc to reuse. Measured on 120 s of noise
    // through the daemon: peak RSS 508 -> 483 MB, CPU time the same within 2 %.
    enableCpuMemArena: false,
    extra: safeKernels ? { session, ...PORTABLE_KERNELS } : { session },
  };
}

/**
 * onnxruntime's portable arm64 matrix kernels instead of KleidiAI's (session option
 * `mlas.disable_kleidiai`): the start-up self-tests' fallback when a model mishears its clip
 * (stt/self-test.ts, wake/self-test.ts); under qemu's `max` CPU the KleidiAI SME kernels gave
 * Whisper garbage. No effect on x86.
 */
export const PORTABLE_KERNELS = { mlas: { disable_kleidiai: "1" } } as const;

/** Loads a small streaming model with sessionOptions(threads, safeKernels); see openSession. */
export function loadSession(
  source: string | Uint8Array,
  threads: number,
  what: string,
  safeKernels = false,
): Promise<ort.InferenceSession> {
  return openSession(source, sessionOptions(threads, safeKernels), what);
}

/**
 * Opens a session of `model` (a path, or bytes edited in memory), turning onnxruntime's
 * failure into an error that names `what` (the file) and what to do.
 */
export async function openSession(
  model: string | Uint8Array,
  options: ort.InferenceSession.SessionOptions,
  what: string,
): Promise<ort.InferenceSession> {
  try {
    return typeof model === "string"
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
  } catch (error) {
    throw loadFailed(what, error);
  }
}

/** onnxruntime refused a model: one clear error naming the file and what to do. */
export function loadFailed(what: string, error: unknown): EdgeVoiceError {
  const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return new EdgeVoiceError("model-load-failed", `could not load ${what}: ${reason}`, {
    exitCode: ExitCode.config,
    hint: "check that the file is an ONNX model of the expected kind (`edge-voice models verify` checks the bundled ones; re-fetch one that fails)",
    cause: error,
  });
}

/** A float32 tensor over a buffer the caller keeps and refills, so no tensor is allocated per chunk. */
export function floatTensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("float32", data, dims);
}
