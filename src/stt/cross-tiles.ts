import ort from "onnxruntime-node";

/**
 * The decoder's cross-attention keys and values repeated for several rows (a batched guided
 * step), in buffers kept for the life of the model rather than allocated per command.
 *
 * Why: the merged decoder reshapes its cross-attention inputs by the batch size, so every
 * row needs its own copy of the audio's keys and values (~18 MB per row for tiny's 30 s
 * window). Allocated afresh for each guided pass, four rows took ~100-250 ms here (fresh
 * pages, zero-filled), a third of the guided pass's decoder time (2026-12-02, 16 clips near
 * idle); copied into buffers already touched, ~5 ms. The buffers stay resident (~74 MB for
 * four rows), the memory each guided pass used to take and give back.
 *
 * The buffers hold one source at a time and know which: asked for another source's rows,
 * they are filled again, so a decoder never reads another command's audio.
 */
export class CrossTiles {
  #rows = 0;
  #buffers = new Map<string, Float32Array>();
  #owner: ReadonlyMap<string, ort.Tensor> | null = null;
  /** Rows holding the owner's values: filled as asked, since a first search needs 4 of the 8 a second one grew them to. */
  #filled = 0;

  /** `source`'s tensors ([1, ...] each) repeated for `rows` rows; `source` itself for one. */
  tiles(source: ReadonlyMap<string, ort.Tensor>, rows: number): ReadonlyMap<string, ort.Tensor> {
    if (rows <= 1) return source;
    if (rows > this.#rows || !this.#fits(source)) this.#allocate(source, Math.max(rows, this.#rows));
    if (this.#owner !== source) {
      this.#owner = source;
      this.#filled = 0;
    }
    if (this.#filled < rows) this.#fill(source, rows);
    const out = new Map<string, ort.Tensor>();
    for (const [name, tensor] of source) {
      const [, ...rest] = tensor.dims as number[];
      const buffer = this.#buffers.get(name) as Float32Array;
      const size = (tensor.data as Float32Array).length;
      out.set(name, new ort.Tensor("float32", buffer.subarray(0, rows * size), [rows, ...rest]));
    }
    return out;
  }

  /** True when every tensor of `source` has a buffer of its size. */
  #fits(source: ReadonlyMap<string, ort.Tensor>): boolean {
    if (source.size !== this.#buffers.size) return false;
    for (const [name, tensor] of source) {
      const size = (tensor.data as Float32Array).length;
      if (this.#buffers.get(name)?.length !== size * this.#rows) return false;
    }
    return true;
  }

  #allocate(source: ReadonlyMap<string, ort.Tensor>, rows: number): void {
    this.#buffers = new Map(
      [...source].map(([name, tensor]) => [
        name,
        new Float32Array((tensor.data as Float32Array).length * rows),
      ]),
    );
    this.#rows = rows;
    this.#owner = null;
    this.#filled = 0;
  }

  /** Copies `source` into the rows not yet holding it, up to `rows`. */
  #fill(source: ReadonlyMap<string, ort.Tensor>, rows: number): void {
    for (const [name, tensor] of source) {
      const data = tensor.data as Float32Array;
      const buffer = this.#buffers.get(name) as Float32Array;
      for (let row = this.#filled; row < rows; row++) buffer.set(data, row * data.length);
    }
    this.#filled = rows;
  }
}
