import { EMBEDDING_DIM } from "./embedding-stream.js";

/**
 * The last openWakeWord embeddings (96 values per 80 ms chunk), kept so that a candidate,
 * decided a few chunks after its best one (wake/candidate-trigger.ts waits `after_seconds`),
 * can still hand the embedding verifier the frames the classifier saw at that best chunk.
 * Written twice (at i and i + capacity) so any run of the last `capacity` rows is contiguous.
 */
export class EmbeddingHistory {
  readonly #ring: Float32Array;
  #head = 0;

  constructor(readonly capacity: number) {
    this.#ring = new Float32Array(2 * capacity * EMBEDDING_DIM);
  }

  push(embedding: Float32Array): void {
    const row = embedding.subarray(0, EMBEDDING_DIM);
    this.#ring.set(row, this.#head * EMBEDDING_DIM);
    this.#ring.set(row, (this.#head + this.capacity) * EMBEDDING_DIM);
    this.#head = (this.#head + 1) % this.capacity;
  }

  /** Starts afresh from `rows` ([n][96], oldest first): what the features hold after a reset. */
  refill(rows: Float32Array): void {
    this.#ring.fill(0);
    this.#head = 0;
    for (let i = 0; i < rows.length / EMBEDDING_DIM; i++)
      this.push(rows.subarray(i * EMBEDDING_DIM, (i + 1) * EMBEDDING_DIM));
  }

  /**
   * A copy of `frames` rows, oldest first, ending `back` rows before the newest (0: ending at
   * the newest). Null when that reaches past what is kept.
   */
  window(frames: number, back = 0): Float32Array | null {
    if (back < 0 || frames + back > this.capacity) return null;
    const end = this.#head + this.capacity - back;
    return this.#ring.slice((end - frames) * EMBEDDING_DIM, end * EMBEDDING_DIM);
  }
}
