import type { AudioFrame } from "../audio/format.js";
import { Rechunker } from "../audio/rechunker.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import { floatTensor, loadSession, ort } from "../onnx/session.js";
import type { VadWindow, VoiceActivityDetector } from "./detector.js";

/** Silero v5 at 16 kHz: 512 new samples per window (32 ms)... */
export const SILERO_WINDOW = 512;
/** ...with the previous window's last 64 samples in front; without them v5 scores speech near 0. */
const CONTEXT = 64;
const STATE_SIZE = 2 * 1 * 128;

/**
 * Silero VAD v5 on onnxruntime-node. Windows of 512 samples (re-chunked from frames of any
 * length, positions kept exact), each fed with the 64 samples before it and the recurrent
 * state the previous window left; reset() clears both, once per run.
 */
export class SileroVad implements VoiceActivityDetector {
  readonly #rechunker = new Rechunker(SILERO_WINDOW);
  readonly #input = new Float32Array(CONTEXT + SILERO_WINDOW);
  readonly #state = new Float32Array(STATE_SIZE);
  readonly #feeds: Record<string, ort.Tensor>;
  #disposed = false;

  private constructor(private readonly session: ort.InferenceSession) {
    this.#feeds = {
      input: floatTensor(this.#input, [1, CONTEXT + SILERO_WINDOW]),
      state: floatTensor(this.#state, [2, 1, 128]),
      sr: new ort.Tensor("int64", BigInt64Array.from([16_000n]), []),
    };
  }

  static async create(path: string, threads = 1): Promise<SileroVad> {
    const session = await loadSession(path, threads, `the Silero VAD model (${path})`);
    const names = new Set(session.inputNames);
    if (!names.has("input") || !names.has("state") || !names.has("sr")) {
      await session.release();
      throw new EdgeVoiceError(
        "model-load-failed",
        `${path} is not a Silero VAD v5 model (its inputs are ${session.inputNames.join(", ")})`,
        { exitCode: ExitCode.config, hint: "set vad.model to silero_vad_v5" },
      );
    }
    return new SileroVad(session);
  }

  async process(frame: AudioFrame): Promise<VadWindow[]> {
    const out: VadWindow[] = [];
    for (const window of this.#rechunker.windows(frame)) {
      if (window.afterGap) this.#clear();
      out.push({ endSample: window.endSample, probability: await this.#score(window.samples) });
    }
    return out;
  }

  reset(): void {
    this.#rechunker.reset();
    this.#clear();
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.session.release();
  }

  async #score(samples: Int16Array): Promise<number> {
    const input = this.#input;
    // The previous window's last 64 samples become this one's context.
    input.copyWithin(0, SILERO_WINDOW);
    for (let i = 0; i < SILERO_WINDOW; i++) input[CONTEXT + i] = (samples[i] as number) / 32768;
    const { output, stateN } = await this.session.run(this.#feeds);
    if (!output || !stateN) throw new Error("Silero VAD gave no output");
    this.#state.set(stateN.data as Float32Array);
    return (output.data as Float32Array)[0] as number;
  }

  #clear(): void {
    this.#input.fill(0);
    this.#state.fill(0);
  }
}
