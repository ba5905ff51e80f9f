import path from "node:path";
import { fileURLToPath } from "node:url";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import { floatTensor, loadSession, type ort } from "../onnx/session.js";
import { MEL_BINS } from "./embedding-stream.js";
import { readPinned } from "./pinned-file.js";

/**
 * A small convolutional network over openWakeWord's own log-mel frames (the ones its
 * embedding model reads), trained with other talkers mixed into the audio. openWakeWord's
 * speech embeddings keep little of "hey jarvis" under babble at 5 dB, so neither its
 * classifier nor the embedding verifier hears it there; the frames still hold it. Read on the
 * chunks where the embedding verifier is read on its own (wake.verifier.every_chunk): a chunk
 * counts when either hears the phrase. Trained by scripts/train-wake-mel-cnn.py on espeak-ng
 * voices other than the benchmark's; its threshold chosen on voices held out in turn.
 */
export interface MelVerifierDescriptor {
  format: typeof FORMAT;
  wakeWord: string;
  /** The network's file, beside this one, and its sha256. */
  model: string;
  modelSha256: string;
  /** Mel frames read, oldest first, ending at the newest chunk (10 ms each). */
  frames: number;
  /** The probability at or above which a chunk counts as the phrase. */
  threshold: number;
  /** How it was made (informative: voices, windows, the held-out figures). */
  trainedOn: Record<string, unknown>;
}

const FORMAT = "edge-voice-wake-mel-verifier/1";

/** Mel verifiers the project trains and ships, pinned by sha256 (retrain: docs/listening.md). */
export const BUNDLED_MEL_VERIFIERS: Readonly<Record<string, { file: string; sha256: string }>> = {
  hey_jarvis: {
    file: "assets/wake-verifier/hey_jarvis-mel.json",
    sha256: "3c458b613991760b796defaf566933270ea793185783b5a802ce2072a61c56e7",
  },
};

/** The repository root: resolved from src/wake under vitest and tsx, dist/wake once built. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export class MelVerifier {
  readonly #input: Float32Array;
  readonly #tensor: ort.Tensor;

  private constructor(
    readonly descriptor: MelVerifierDescriptor,
    private readonly session: ort.InferenceSession,
  ) {
    this.#input = new Float32Array(descriptor.frames * MEL_BINS);
    this.#tensor = floatTensor(this.#input, [1, descriptor.frames, MEL_BINS]);
  }

  /** The descriptor's problems, named; empty when it is usable. */
  static problems(d: MelVerifierDescriptor): string[] {
    const problems: string[] = [];
    if (d.format !== FORMAT) problems.push(`format ${String(d.format)}, expected ${FORMAT}`);
    if (typeof d.model !== "string" || path.basename(d.model) !== d.model)
      problems.push("model must name a file beside the descriptor");
    if (!/^[0-9a-f]{64}$/.test(String(d.modelSha256))) problems.push("modelSha256 must be 64 hex digits");
    if (!(Number.isInteger(d.frames) && d.frames >= 16 && d.frames <= 400))
      problems.push("frames must be 16..400");
    if (!(d.threshold >= 0 && d.threshold <= 1)) problems.push("threshold outside 0..1");
    return problems;
  }

  /**
   * The bundled verifier of a wake word, its descriptor and network checked against their
   * pinned sha256 before anything runs; null when there is none.
   */
  static async bundled(
    wakeWord: string,
    threads: number,
    safeKernels = false,
    root = ROOT,
  ): Promise<MelVerifier | null> {
    const entry = MelVerifier.bundledFile(wakeWord, root);
    if (!entry) return null;
    return MelVerifier.load(entry.file, entry.sha256, wakeWord, threads, safeKernels);
  }

  /** Where the bundled verifier of a wake word lies and its descriptor's pinned sha256; null: none. */
  static bundledFile(wakeWord: string, root = ROOT): { file: string; sha256: string } | null {
    const entry = BUNDLED_MEL_VERIFIERS[wakeWord];
    return entry ? { file: path.join(root, entry.file), sha256: entry.sha256 } : null;
  }

  /**
   * A descriptor file and the network beside it, the network checked against the descriptor's
   * sha256 and the descriptor against `sha256` (null: a candidate under test, bench/wake-mel.ts).
   */
  static async load(
    file: string,
    sha256: string | null,
    wakeWord: string,
    threads: number,
    safeKernels = false,
  ): Promise<MelVerifier> {
    const bytes = readPinned(file, sha256, (why) => unusable(wakeWord, file, why));
    let descriptor: MelVerifierDescriptor;
    try {
      descriptor = JSON.parse(bytes.toString("utf8")) as MelVerifierDescriptor;
    } catch (error) {
      throw unusable(wakeWord, file, (error as Error).message);
    }
    const problems = MelVerifier.problems(descriptor);
    if (problems.length > 0) throw unusable(wakeWord, file, problems.join("; "));
    const modelFile = path.join(path.dirname(file), descriptor.model);
    readPinned(modelFile, descriptor.modelSha256, (why) => unusable(wakeWord, modelFile, why));
    const session = await loadSession(
      modelFile,
      threads,
      `the wake-word mel verifier of ${wakeWord}`,
      safeKernels,
    );
    return new MelVerifier(descriptor, session);
  }

  get frames(): number {
    return this.descriptor.frames;
  }

  get threshold(): number {
    return this.descriptor.threshold;
  }

  /** Probability (0..1) that `mels` ([frames][32], oldest first, scaled as openWakeWord's) end with the phrase. */
  async score(mels: Float32Array): Promise<number> {
    this.#input.set(mels.subarray(mels.length - this.#input.length));
    const out = await this.session.run({ [this.session.inputNames[0] as string]: this.#tensor });
    const probability = out[this.session.outputNames[0] as string]?.data as Float32Array | undefined;
    return probability?.[0] ?? 0;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

function unusable(wakeWord: string, file: string, why: string): EdgeVoiceError {
  return new EdgeVoiceError("model-corrupt", `the wake-word mel verifier of ${wakeWord} (${file}) ${why}`, {
    exitCode: ExitCode.config,
    hint: "reinstall edge-voice, or set wake.verifier.mel: false",
  });
}
