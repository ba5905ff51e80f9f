import { readFileSync } from "node:fs";
import { floatTensor, loadSession, type ort } from "../onnx/session.js";
import type { Logger } from "../util/logger.js";
import {
  createEmbedder,
  EMBEDDING_DIM,
  type Embedder,
  MEL_BINS,
  MEL_STEP,
  MEL_WINDOW,
} from "./embedding-stream.js";

/** openWakeWord's chunk: 80 ms at 16 kHz. */
export const CHUNK_SAMPLES = 1280;
/** The mel model sees the chunk plus 3 hops (480 samples) before it, so its frames join up. */
const MEL_INPUT = CHUNK_SAMPLES + 480;
/** Mel frames kept for readers of the frames themselves (the mel verifier): 2 s. */
export const MEL_HISTORY = 200;
/** Seconds of noise whose embeddings prime the feature buffer (as the reference does). */
const NOISE_SECONDS = 4;

/**
 * The shared front end of every openWakeWord model, faithful to the reference
 * (openwakeword/utils.py AudioFeatures): per 80 ms chunk, the melspectrogram model runs on
 * the last 1760 samples as raw int16 values (not scaled to [-1, 1]) and yields 8 frames,
 * scaled x/10 + 2; the embedding model runs on the last 76 frames; the embedding joins a
 * buffer that classifiers read their last N rows from. After a reset the mel window is all
 * ones, the first chunk is run alone (5 frames), and the feature buffer holds embeddings of
 * low-level noise, as at the reference's start.
 */
export class OwwFeatures {
  readonly #raw = new Float32Array(MEL_INPUT);
  readonly #firstInput = new Float32Array(CHUNK_SAMPLES);
  readonly #rawTensor = floatTensor(this.#raw, [1, MEL_INPUT]);
  readonly #firstTensor = floatTensor(this.#firstInput, [1, CHUNK_SAMPLES]);
  readonly #window = new Float32Array(MEL_WINDOW * MEL_BINS);
  readonly #embedding = new Float32Array(EMBEDDING_DIM);
  /** Ring of embeddings written twice (at i and i + capacity) so any last-N run is contiguous. */
  readonly #ring: Float32Array;
  #head = 0;
  /** The last MEL_HISTORY scaled mel frames, written twice as #ring is. */
  readonly #mels = new Float32Array(2 * MEL_HISTORY * MEL_BINS);
  #melHead = 0;
  #chunks = 0;
  #noise: Float32Array = new Float32Array(0);
  #disposed = false;

  private constructor(
    private readonly mel: ort.InferenceSession,
    private readonly embedder: Embedder,
    readonly capacity: number,
  ) {
    this.#ring = new Float32Array(2 * capacity * EMBEDDING_DIM);
  }

  /** @param capacity the most embeddings any classifier reads (16; 22 for weather; 34 for timer). */
  static async create(
    paths: { mel: string; embedding: string },
    capacity: number,
    threads: number,
    logger: Logger,
    /** false: run the whole embedding model per chunk (the reference's way; tests compare). */
    streaming = true,
    /** onnxruntime's portable arm64 kernels (the self-test's fallback, onnx/session.ts). */
    safeKernels = false,
  ): Promise<OwwFeatures> {
    const what = `the openWakeWord melspectrogram model (${paths.mel})`;
    const mel = await loadSession(paths.mel, threads, what, safeKernels);
    const bytes = readFileSync(paths.embedding);
    const embedder = await createEmbedder(paths.embedding, bytes, threads, logger, streaming, safeKernels);
    const features = new OwwFeatures(mel, embedder, capacity);
    features.#noise = await features.#noiseEmbeddings();
    features.reset();
    return features;
  }

  get streaming(): boolean {
    return this.embedder.streaming;
  }

  /** Chunks processed since the last reset. */
  get chunks(): number {
    return this.#chunks;
  }

  /** Adds one 1280-sample chunk and computes its embedding. */
  async push(chunk: Int16Array): Promise<void> {
    let frames: Float32Array;
    if (this.#chunks === 0) {
      for (let i = 0; i < CHUNK_SAMPLES; i++) this.#firstInput[i] = chunk[i] as number;
      frames = await this.#melFrames(this.#firstTensor);
      this.#raw.set(this.#firstInput, MEL_INPUT - CHUNK_SAMPLES);
    } else {
      this.#raw.copyWithin(0, CHUNK_SAMPLES);
      const base = MEL_INPUT - CHUNK_SAMPLES;
      for (let i = 0; i < CHUNK_SAMPLES; i++) this.#raw[base + i] = chunk[i] as number;
      frames = await this.#melFrames(this.#rawTensor);
    }
    const count = frames.length / MEL_BINS;
    this.#window.copyWithin(0, frames.length);
    const base = this.#window.length - frames.length;
    for (let i = 0; i < frames.length; i++) this.#window[base + i] = (frames[i] as number) / 10 + 2;
    for (let f = 0; f < count; f++)
      this.#appendMel(this.#window.subarray(base + f * MEL_BINS, base + (f + 1) * MEL_BINS));
    // The embedder may reuse the previous window's rows only when this window is exactly 8
    // frames on from it: every chunk but the first after a reset (which adds 5).
    const stepped = count === MEL_STEP && this.#chunks >= 1;
    await this.embedder.embed(this.#window, stepped, this.#embedding);
    this.#append(this.#embedding);
    this.#chunks++;
  }

  /** The last `n` embeddings, oldest first ([n][96]); a view valid until the next push. */
  last(n: number): Float32Array {
    const end = this.#head + this.capacity;
    return this.#ring.subarray((end - n) * EMBEDDING_DIM, end * EMBEDDING_DIM);
  }

  /**
   * The last `n` mel frames (n <= MEL_HISTORY), oldest first ([n][32], scaled as the embedding
   * model reads them); a view valid until the next push. After a reset, frames of ones, as the
   * embedding model's window starts.
   */
  recentMels(n: number): Float32Array {
    const end = this.#melHead + MEL_HISTORY;
    return this.#mels.subarray((end - n) * MEL_BINS, end * MEL_BINS);
  }

  reset(): void {
    this.#raw.fill(0);
    this.#window.fill(1);
    this.#mels.fill(1);
    this.#melHead = 0;
    this.#chunks = 0;
    this.#head = 0;
    const count = this.#noise.length / EMBEDDING_DIM;
    for (let i = count - this.capacity; i < count; i++) {
      this.#append(this.#noise.subarray(i * EMBEDDING_DIM, (i + 1) * EMBEDDING_DIM));
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.mel.release();
    await this.embedder.dispose();
  }

  #append(embedding: Float32Array): void {
    this.#ring.set(embedding, this.#head * EMBEDDING_DIM);
    this.#ring.set(embedding, (this.#head + this.capacity) * EMBEDDING_DIM);
    this.#head = (this.#head + 1) % this.capacity;
  }

  #appendMel(frame: Float32Array): void {
    this.#mels.set(frame, this.#melHead * MEL_BINS);
    this.#mels.set(frame, (this.#melHead + MEL_HISTORY) * MEL_BINS);
    this.#melHead = (this.#melHead + 1) % MEL_HISTORY;
  }

  async #melFrames(input: ort.Tensor): Promise<Float32Array> {
    const result = await this.mel.run({ [this.mel.inputNames[0] as string]: input });
    return result[this.mel.outputNames[0] as string]?.data as Float32Array;
  }

  /**
   * Embeddings of uniform noise in [-1000, 1000) (seeded, so runs repeat exactly), windows
   * every 8 frames over one mel pass, as the reference primes its buffer.
   */
  async #noiseEmbeddings(): Promise<Float32Array> {
    const seconds = Math.max(NOISE_SECONDS, Math.ceil(((this.capacity + 10) * CHUNK_SAMPLES) / 16000));
    const noise = new Float32Array(seconds * 16000);
    let seed = 0x2f6b1d3;
    for (let i = 0; i < noise.length; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      noise[i] = Math.floor((seed / 4294967296) * 2000) - 1000;
    }
    const mel = await this.#melFrames(floatTensor(noise, [1, noise.length]));
    const frames = mel.length / MEL_BINS;
    const count = Math.floor((frames - MEL_WINDOW) / MEL_STEP) + 1;
    const windows = new Float32Array(count * MEL_WINDOW * MEL_BINS);
    for (let w = 0; w < count; w++) {
      const start = w * MEL_STEP * MEL_BINS;
      for (let i = 0; i < MEL_WINDOW * MEL_BINS; i++) {
        windows[w * MEL_WINDOW * MEL_BINS + i] = (mel[start + i] as number) / 10 + 2;
      }
    }
    if (count < this.capacity) throw new Error(`noise gave ${count} embeddings, need ${this.capacity}`);
    return this.embedder.embedBatch(windows, count);
  }
}
