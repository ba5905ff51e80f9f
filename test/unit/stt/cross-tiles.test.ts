import { describe, expect, it } from "vitest";
import { CrossTiles } from "../../../src/stt/cross-tiles.js";

/** onnxruntime's tensor, by way of the class under test (a unit test loads no onnxruntime itself). */
type Tensor = ReturnType<CrossTiles["tiles"]> extends ReadonlyMap<string, infer T> ? T : never;

/** A cross-attention cache of one row: two tensors [1, 2, 3, 2] whose values start at `base`. */
function cache(base: number): Map<string, Tensor> {
  // What tiles() reads of a source tensor: its data and dims.
  const tensor = (offset: number) =>
    ({
      data: Float32Array.from({ length: 12 }, (_, i) => base + offset + i),
      dims: [1, 2, 3, 2],
    }) as unknown as Tensor;
  return new Map([
    ["past_key_values.0.encoder.key", tensor(0)],
    ["past_key_values.0.encoder.value", tensor(100)],
  ]);
}

const rowsOf = (tensor: Tensor) => {
  const data = tensor.data as Float32Array;
  const size = data.length / (tensor.dims[0] as number);
  return Array.from({ length: tensor.dims[0] as number }, (_, r) => [
    ...data.subarray(r * size, (r + 1) * size),
  ]);
};

describe("CrossTiles", () => {
  it("repeats each tensor's one row for the rows asked, and gives one row as it is", () => {
    const tiles = new CrossTiles();
    const source = cache(0);
    expect(tiles.tiles(source, 1)).toBe(source);
    const three = tiles.tiles(source, 3);
    for (const [name, tensor] of three) {
      expect(tensor.dims).toEqual([3, 2, 3, 2]);
      const one = [...((source.get(name) as Tensor).data as Float32Array)];
      expect(rowsOf(tensor)).toEqual([one, one, one]);
    }
  });

  it("serves fewer rows from the same buffers, and fills them again for another command's audio", () => {
    const tiles = new CrossTiles();
    const first = cache(0);
    const four = tiles.tiles(first, 4).get("past_key_values.0.encoder.key") as Tensor;
    const two = tiles.tiles(first, 2).get("past_key_values.0.encoder.key") as Tensor;
    expect((two.data as Float32Array).buffer).toBe((four.data as Float32Array).buffer);
    expect(two.dims).toEqual([2, 2, 3, 2]);

    const second = cache(1000);
    const again = tiles.tiles(second, 3).get("past_key_values.0.encoder.key") as Tensor;
    const expected = [...((second.get("past_key_values.0.encoder.key") as Tensor).data as Float32Array)];
    expect(rowsOf(again)).toEqual([expected, expected, expected]);
    // Back to the first command's audio: refilled, never the second's.
    const back = tiles.tiles(first, 2).get("past_key_values.0.encoder.key") as Tensor;
    expect(rowsOf(back)[1]?.[0]).toBe(0);
  });

  it("copies only the rows asked for, the rest when they are", () => {
    // A first search asks 4 rows of buffers a second search grew to 8: 4 copies, not 8.
    const tiles = new CrossTiles();
    tiles.tiles(cache(0), 4);
    const second = cache(1000);
    const two = tiles.tiles(second, 2).get("past_key_values.0.encoder.key") as Tensor;
    const whole = new Float32Array((two.data as Float32Array).buffer);
    expect(whole[1 * 12]).toBe(1000);
    expect(whole[2 * 12]).toBe(0);
    const four = tiles.tiles(second, 4).get("past_key_values.0.encoder.key") as Tensor;
    expect(rowsOf(four).map((row) => row[0])).toEqual([1000, 1000, 1000, 1000]);
  });

  it("grows for more rows than it has", () => {
    const tiles = new CrossTiles();
    const source = cache(7);
    tiles.tiles(source, 2);
    const five = tiles.tiles(source, 5).get("past_key_values.0.encoder.value") as Tensor;
    expect(five.dims[0]).toBe(5);
    expect(rowsOf(five)[4]?.[0]).toBe(107);
  });
});
