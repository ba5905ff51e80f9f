import { EdgeVoiceError, ExitCode } from "../errors.js";
import { floatTensor, loadSession, type ort } from "../onnx/session.js";
import { EMBEDDING_DIM } from "./embedding-stream.js";

/**
 * One openWakeWord classifier: reads its last N embeddings (N from the model's input shape:
 * 16 for most, 22 for weather, 34 for timer) and gives a score in 0..1. Multi-class models
 * (timer) name their classes in the output's name as JSON ({"1": "1_minute_timer", ...});
 * the score is the highest over the named classes, as the reference reports each of them.
 */
export class WakeClassifier {
  readonly #input: Float32Array;
  readonly #tensor: ort.Tensor;
  #disposed = false;

  private constructor(
    readonly id: string,
    private readonly session: ort.InferenceSession,
    readonly windowSize: number,
    private readonly classes: readonly number[] | null,
  ) {
    this.#input = new Float32Array(windowSize * EMBEDDING_DIM);
    this.#tensor = floatTensor(this.#input, [1, windowSize, EMBEDDING_DIM]);
  }

  /** @param safeKernels onnxruntime's portable arm64 kernels (the self-test's fallback, onnx/session.ts). */
  static async load(id: string, path: string, threads: number, safeKernels = false): Promise<WakeClassifier> {
    const session = await loadSession(path, threads, `wake-word model ${id} (${path})`, safeKernels);
    const shape = inputShape(session);
    const windowSize = shape[1];
    if (shape.length !== 3 || typeof windowSize !== "number" || shape[2] !== EMBEDDING_DIM) {
      await session.release();
      throw new EdgeVoiceError(
        "model-load-failed",
        `wake-word model ${id} (${path}) is not an openWakeWord classifier: its input is [${shape.join(", ")}], expected [1, N, 96]`,
        {
          exitCode: ExitCode.config,
          hint: "wake.models[].path must point to an openWakeWord .onnx classifier (trained on its speech embeddings)",
        },
      );
    }
    return new WakeClassifier(id, session, windowSize, classIndices(session.outputNames[0] ?? ""));
  }

  /** Scores the given embeddings ([windowSize][96], oldest first). */
  async score(features: Float32Array): Promise<number> {
    this.#input.set(features);
    const result = await this.session.run({ [this.session.inputNames[0] as string]: this.#tensor });
    const out = result[this.session.outputNames[0] as string]?.data as Float32Array;
    if (out.length === 1 || !this.classes) return Math.max(...out);
    let best = 0;
    for (const i of this.classes) best = Math.max(best, out[i] ?? 0);
    return best;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.session.release();
  }
}

function inputShape(session: ort.InferenceSession): ReadonlyArray<number | string> {
  const meta = session.inputMetadata[0];
  return meta?.isTensor ? meta.shape : [];
}

/** Class indices named by a JSON output name, or null (use every output). */
function classIndices(outputName: string): number[] | null {
  try {
    const map: unknown = JSON.parse(outputName);
    if (!map || typeof map !== "object") return null;
    const indices = Object.keys(map).map(Number);
    return indices.length > 0 && indices.every(Number.isInteger) ? indices : null;
  } catch {
    return null;
  }
}
