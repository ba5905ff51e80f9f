import { floatTensor, loadSession, type ort } from "../onnx/session.js";
import { extractSubgraph } from "../onnx/subgraph.js";
import type { Logger } from "../util/logger.js";

export const MEL_BINS = 32;
/** Mel frames the embedding model sees at once (775 ms). */
export const MEL_WINDOW = 76;
/** New mel frames per 80 ms chunk: the window moves by this much between embeddings. */
export const MEL_STEP = 8;
export const EMBEDDING_DIM = 96;

/**
 * The speech-embedding model is a chain of convolutions that are "valid" (unpadded) in time,
 * with three 2x max-pools in time: its total time stride is 8, exactly the window's step. So
 * when the window moves by 8 frames, every intermediate row of the previous window reappears
 * 4, 2 and 1 rows earlier after each pool. We cut the model at the pools into four stages,
 * keep each stage's input rows, and run each stage on only the rows its new outputs need:
 * 12 of 76 mel frames, 12 of 36, 10 of 14, 3 of 3. The result is the same embedding (checked
 * at load against the whole model) for about a third of the work.
 */
interface Stage {
  /** Tensor the stage starts from. */
  input: string;
  channels: number;
  width: number;
  /** Rows held for a whole window. */
  rows: number;
  /** Input rows a streaming step feeds (the new rows plus the receptive field). */
  streamRows: number;
}

const STAGES: readonly Stage[] = [
  { input: "model/conv2d/Conv2D__6:0", channels: 1, width: MEL_BINS, rows: MEL_WINDOW, streamRows: 12 },
  { input: "model/max_pooling2d/MaxPool:0", channels: 24, width: 16, rows: 36, streamRows: 12 },
  { input: "model/max_pooling2d_2/MaxPool:0", channels: 72, width: 4, rows: 14, streamRows: 10 },
  { input: "model/max_pooling2d_4/MaxPool:0", channels: 96, width: 1, rows: 3, streamRows: 3 },
];
const FINAL_OUTPUT = "conv2d_19";
const FULL_INPUT = "input_1";

/** Computes the embedding of the newest 76-frame mel window. */
export interface Embedder {
  /**
   * @param window the last 76 mel frames, oldest first ([76][32]).
   * @param steppedBy8 exactly 8 frames arrived since the previous call (false after a reset).
   * @param out receives 96 values.
   */
  embed(window: Float32Array, steppedBy8: boolean, out: Float32Array): Promise<void>;
  /** Embeddings of many windows at once (the noise that primes the feature buffer). */
  embedBatch(windows: Float32Array, count: number): Promise<Float32Array>;
  readonly streaming: boolean;
  dispose(): Promise<void>;
}

export async function createEmbedder(
  modelPath: string,
  bytes: Uint8Array,
  threads: number,
  logger: Logger,
  streaming = true,
  safeKernels = false,
): Promise<Embedder> {
  const what = `the openWakeWord embedding model (${modelPath})`;
  const full = await loadSession(modelPath, threads, what, safeKernels);
  if (!streaming) return new WholeEmbedder(full);
  try {
    const stages = await Promise.all(
      STAGES.map((_, i) =>
        loadSession(stageModel(bytes, i), threads, `embedding stage ${i + 1}`, safeKernels),
      ),
    );
    const streaming = new StreamingEmbedder(full, stages);
    if (await streaming.matchesWholeModel()) return streaming;
    await Promise.all(stages.map((s) => s.release()));
    logger.warn("embedding model stages disagree with the whole model; running the whole model per chunk");
  } catch (error) {
    logger.warn({ err: error }, "embedding model cannot be staged; running the whole model per chunk");
  }
  return new WholeEmbedder(full);
}

function stageModel(bytes: Uint8Array, i: number): Uint8Array {
  const stage = STAGES[i] as Stage;
  const next = STAGES[i + 1];
  const output = next
    ? { name: next.input, dims: [1, next.channels, "rows_out", next.width] }
    : { name: FINAL_OUTPUT, dims: [1, 1, 1, EMBEDDING_DIM] };
  return extractSubgraph(
    bytes,
    { name: stage.input, dims: [1, stage.channels, "rows", stage.width] },
    output,
  );
}

/** Runs the original model on the whole window each time (the fallback, and the batch path). */
class WholeEmbedder implements Embedder {
  readonly streaming: boolean = false;
  readonly #input = new Float32Array(MEL_WINDOW * MEL_BINS);
  readonly #tensor = floatTensor(this.#input, [1, MEL_WINDOW, MEL_BINS, 1]);
  #disposed = false;

  constructor(protected readonly session: ort.InferenceSession) {}

  async embed(window: Float32Array, _steppedBy8: boolean, out: Float32Array): Promise<void> {
    this.#input.set(window);
    const result = await this.session.run({ [FULL_INPUT]: this.#tensor });
    out.set(outputData(result, FINAL_OUTPUT).subarray(0, EMBEDDING_DIM));
  }

  async embedBatch(windows: Float32Array, count: number): Promise<Float32Array> {
    const tensor = floatTensor(windows, [count, MEL_WINDOW, MEL_BINS, 1]);
    const result = await this.session.run({ [FULL_INPUT]: tensor });
    return outputData(result, FINAL_OUTPUT).slice(0, count * EMBEDDING_DIM);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.session.release();
  }
}

/** Input rows of one stage ([channels][rows][width]), shifted as new rows arrive. */
class StageRows {
  readonly data: Float32Array;
  readonly full: ort.Tensor;
  /** The streaming step's input: the last streamRows rows. */
  readonly tail: Float32Array;
  readonly tailTensor: ort.Tensor;

  constructor(readonly stage: Stage) {
    const { channels, rows, width, streamRows } = stage;
    this.data = new Float32Array(channels * rows * width);
    this.full = floatTensor(this.data, [1, channels, rows, width]);
    this.tail = new Float32Array(channels * streamRows * width);
    this.tailTensor = floatTensor(this.tail, [1, channels, streamRows, width]);
  }

  /** Drops the oldest `n` rows of each channel and appends `fresh` ([channels][n][width]). */
  append(fresh: Float32Array, n: number): void {
    const { channels, rows, width } = this.stage;
    const plane = rows * width;
    for (let c = 0; c < channels; c++) {
      const base = c * plane;
      this.data.copyWithin(base, base + n * width, base + plane);
      this.data.set(fresh.subarray(c * n * width, (c + 1) * n * width), base + plane - n * width);
    }
  }

  /** Copies the last streamRows rows into `tail`. */
  fillTail(): void {
    const { channels, rows, width, streamRows } = this.stage;
    const plane = rows * width;
    const keep = streamRows * width;
    for (let c = 0; c < channels; c++) {
      this.tail.set(this.data.subarray(c * plane + plane - keep, (c + 1) * plane), c * keep);
    }
  }
}

class StreamingEmbedder extends WholeEmbedder {
  override readonly streaming = true;
  readonly #stages: ort.InferenceSession[];
  readonly #rows = STAGES.map((s) => new StageRows(s));

  constructor(full: ort.InferenceSession, stages: ort.InferenceSession[]) {
    super(full);
    this.#stages = stages;
  }

  override async embed(window: Float32Array, steppedBy8: boolean, out: Float32Array): Promise<void> {
    const first = this.#rows[0] as StageRows;
    first.data.set(window);
    let fresh: Float32Array = first.data;
    for (let i = 0; i < this.#stages.length; i++) {
      const rows = this.#rows[i] as StageRows;
      const next = this.#rows[i + 1];
      if (steppedBy8) rows.fillTail();
      const feed = steppedBy8 ? rows.tailTensor : rows.full;
      fresh = outputData(await this.#run(i, feed), this.#outputName(i));
      if (!next) break;
      if (steppedBy8) next.append(fresh, MEL_STEP >> (i + 1));
      else next.data.set(fresh);
    }
    out.set(fresh.subarray(0, EMBEDDING_DIM));
  }

  /** Whole-window pass through the stages equals the original model on a fixed pseudo-random window. */
  async matchesWholeModel(): Promise<boolean> {
    const window = new Float32Array(MEL_WINDOW * MEL_BINS);
    let seed = 12345;
    for (let i = 0; i < window.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      window[i] = (seed / 2147483648) * 4 - 2;
    }
    const staged = new Float32Array(EMBEDDING_DIM);
    const whole = new Float32Array(EMBEDDING_DIM);
    await this.embed(window, false, staged);
    await super.embed(window, false, whole);
    return staged.every((v, i) => Math.abs(v - (whole[i] as number)) <= 1e-4 * (1 + Math.abs(v)));
  }

  #run(i: number, feed: ort.Tensor): Promise<ort.InferenceSession.ReturnType> {
    const session = this.#stages[i] as ort.InferenceSession;
    return session.run({ [STAGES[i]?.input as string]: feed });
  }

  #outputName(i: number): string {
    return STAGES[i + 1]?.input ?? FINAL_OUTPUT;
  }

  override async dispose(): Promise<void> {
    const stages = this.#stages.splice(0);
    await Promise.all(stages.map((s) => s.release()));
    await super.dispose();
  }
}

function outputData(result: ort.InferenceSession.ReturnType, name: string): Float32Array {
  const tensor = result[name];
  if (!tensor) throw new Error(`model has no output ${name}`);
  return tensor.data as Float32Array;
}
