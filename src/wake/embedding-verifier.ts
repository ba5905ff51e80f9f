import path from "node:path";
import { fileURLToPath } from "node:url";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import type { EveryChunkSettings } from "./candidate-trigger.js";
import { EMBEDDING_DIM } from "./embedding-stream.js";
import { readPinned } from "./pinned-file.js";

/**
 * A small model over openWakeWord's own speech embeddings that tells the wake phrase from
 * what only sounds like it ("hey Charlie" scores up to 0.99 on hey_jarvis): the 16 embeddings
 * the classifier saw at a candidate's best chunk, standardized, through one hidden layer (or
 * none: logistic regression) to a probability. No new model runs: the embeddings are already
 * computed, so a verdict is one dot product per hidden unit, well under a millisecond.
 * Trained by scripts/train-wake-verifier.ts on espeak-ng voices other than the benchmark's.
 */
export interface EmbeddingVerifierWeights {
  format: typeof FORMAT;
  wakeWord: string;
  /** Embedding rows read, oldest first, ending at the candidate's best chunk. */
  frames: number;
  /** Per input value (frames x 96): subtracted, then multiplied. */
  mean: number[];
  scale: number[];
  /** [units][frames x 96] row by row, and a bias per unit; null: no hidden layer. */
  hidden: { weights: number[]; biases: number[] } | null;
  /** Over the hidden units (or the inputs without a hidden layer). */
  output: { weights: number[]; bias: number };
  /** The probability at or above which a candidate wakes, chosen on voices held out of training. */
  threshold: number;
  /**
   * Windows read per candidate: its best chunk and the `chunks - 1` after it, the highest
   * probability counting (chosen on held-out voices). Absent: 1.
   */
  chunks?: number;
  /**
   * Read on every chunk past a score floor as a first stage of its own (wake.verifier.every_chunk),
   * at the threshold and floor chosen on held-out voices. Absent: not made for it.
   */
  everyChunk?: EveryChunkSettings;
  /** How it was made (informative: voices, examples, the held-out figures). */
  trainedOn: Record<string, unknown>;
}

const FORMAT = "edge-voice-wake-verifier/1";

/** Verifiers the project trains and ships, pinned by sha256 (retrain: docs/listening.md). */
export const BUNDLED_EMBEDDING_VERIFIERS: Readonly<Record<string, { file: string; sha256: string }>> = {
  hey_jarvis: {
    file: "assets/wake-verifier/hey_jarvis.json",
    sha256: "73effed4ce67fccdbcd6e9ece68bfc133ad98794d457ea5b13e253636a60ca2b",
  },
};

/** The repository root: resolved from src/wake under vitest and tsx, dist/wake once built. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export class EmbeddingVerifier {
  readonly #hidden: Float32Array;
  readonly #x: Float32Array;

  private constructor(readonly weights: EmbeddingVerifierWeights) {
    this.#x = new Float32Array(weights.frames * EMBEDDING_DIM);
    this.#hidden = new Float32Array(weights.hidden?.biases.length ?? 0);
  }

  /** Checks the shapes; throws a plain Error naming what is wrong. */
  static fromWeights(weights: EmbeddingVerifierWeights): EmbeddingVerifier {
    const inputs = weights.frames * EMBEDDING_DIM;
    const problems: string[] = [];
    if (weights.format !== FORMAT) problems.push(`format ${String(weights.format)}, expected ${FORMAT}`);
    if (weights.mean?.length !== inputs || weights.scale?.length !== inputs)
      problems.push(`mean and scale need ${inputs} values`);
    const units = weights.hidden ? weights.hidden.biases.length : inputs;
    if (weights.hidden && weights.hidden.weights.length !== units * inputs)
      problems.push(`hidden weights need ${units * inputs} values`);
    if (weights.output?.weights.length !== units) problems.push(`output weights need ${units} values`);
    if (!(weights.threshold >= 0 && weights.threshold <= 1)) problems.push("threshold outside 0..1");
    if (
      weights.chunks !== undefined &&
      !(Number.isInteger(weights.chunks) && weights.chunks >= 1 && weights.chunks <= 4)
    )
      problems.push("chunks must be 1..4");
    const every = weights.everyChunk;
    if (
      every !== undefined &&
      !(
        every.threshold >= 0 &&
        every.threshold <= 1 &&
        every.scoreFloor >= 0 &&
        every.scoreFloor <= 1 &&
        Number.isInteger(every.floorChunks) &&
        every.floorChunks >= 1 &&
        optionalCount(every.consecutive, 1) &&
        optionalCount(every.holdChunks, 0)
      )
    )
      problems.push(
        "everyChunk needs a threshold and scoreFloor in 0..1, floorChunks and consecutive >= 1, holdChunks >= 0",
      );
    if (problems.length > 0) throw new Error(problems.join("; "));
    return new EmbeddingVerifier(weights);
  }

  /** The bundled verifier of a wake word, checked against its pinned sha256; null when there is none. */
  static bundled(wakeWord: string, root = ROOT): EmbeddingVerifier | null {
    const entry = BUNDLED_EMBEDDING_VERIFIERS[wakeWord];
    if (!entry) return null;
    const file = path.join(root, entry.file);
    const bytes = readPinned(file, entry.sha256, (why) => unusable(wakeWord, file, why));
    try {
      return EmbeddingVerifier.fromWeights(JSON.parse(bytes.toString("utf8")) as EmbeddingVerifierWeights);
    } catch (error) {
      throw unusable(wakeWord, file, (error as Error).message);
    }
  }

  get frames(): number {
    return this.weights.frames;
  }

  get threshold(): number {
    return this.weights.threshold;
  }

  /** Windows read per candidate (weights' `chunks`, default 1). */
  get chunks(): number {
    return this.weights.chunks ?? 1;
  }

  /** The first stage it was made for (weights' `everyChunk`); null: none. */
  get everyChunk(): EveryChunkSettings | null {
    return this.weights.everyChunk ?? null;
  }

  /** Probability (0..1) that `embeddings` ([frames][96], oldest first) end with the wake phrase. */
  score(embeddings: Float32Array): number {
    const { mean, scale, hidden, output } = this.weights;
    const x = this.#x;
    for (let i = 0; i < x.length; i++)
      x[i] = ((embeddings[i] as number) - (mean[i] as number)) * (scale[i] as number);
    let z = output.bias;
    if (!hidden) {
      for (let i = 0; i < x.length; i++) z += (output.weights[i] as number) * (x[i] as number);
      return sigmoid(z);
    }
    const h = this.#hidden;
    for (let u = 0; u < h.length; u++) {
      let sum = hidden.biases[u] as number;
      const base = u * x.length;
      for (let i = 0; i < x.length; i++) sum += (hidden.weights[base + i] as number) * (x[i] as number);
      h[u] = Math.max(0, sum);
      z += (output.weights[u] as number) * (h[u] as number);
    }
    return sigmoid(z);
  }
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function unusable(wakeWord: string, file: string, why: string): EdgeVoiceError {
  return new EdgeVoiceError("model-corrupt", `the wake-word verifier of ${wakeWord} (${file}) ${why}`, {
    exitCode: ExitCode.config,
    hint: "reinstall edge-voice, or set wake.verifier.method: whisper",
  });
}

/** Absent, or a whole number of at least `min` (an everyChunk count). */
function optionalCount(value: number | undefined, min: number): boolean {
  return value === undefined || (Number.isInteger(value) && value >= min);
}
