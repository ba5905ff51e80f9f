import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import {
  defaultOpset,
  editGraphs,
  initializerShapes,
  node,
  type OnnxNode,
  withOutputs,
} from "../../../src/onnx/nodes.js";
import {
  concatBytes,
  encodeVarint,
  int64Field,
  lengthField,
  readInt64,
  varintField,
} from "../../../src/onnx/protobuf-wire.js";
import { reluModel } from "../../support/tiny-onnx.js";

async function run(model: Uint8Array, x: number[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from(x), [4]) });
  await session.release();
  return Array.from(out.y?.data as Float32Array);
}

describe("editGraphs", () => {
  it("hands over the nodes decoded and copies an unchanged model byte for byte", () => {
    const model = reluModel();
    const seen: string[] = [];
    const same = editGraphs(model, (nodes, depth) => {
      seen.push(...nodes.map((n) => `${depth}:${n.opType}(${n.inputs})->${n.outputs}`));
      return [...nodes];
    });
    expect(seen).toEqual(["0:Relu(x)->y"]);
    expect(Buffer.from(same)).toEqual(Buffer.from(model));
    expect(defaultOpset(model)).toBe(11);
    expect(initializerShapes(model).size).toBe(0);
  });

  it("writes new nodes with integer attributes that onnxruntime runs", async () => {
    const model = reluModel();
    expect(await run(model, [-1, 2, -3, 4])).toEqual([0, 2, 0, 4]);
    // y = Concat(Split(x) in [1, 3], reversed): integer and integer-list attributes.
    const edited = editGraphs(model, () => [
      node("Split", "s", ["x"], ["a", "b"], { axis: 0, split: [1, 3] }),
      node("Concat", "c", ["b", "a"], ["y"], { axis: 0 }),
    ]);
    expect(await run(edited, [-1, 2, -3, 4])).toEqual([2, -3, 4, -1]);
  });

  it("writes negative attributes (protobuf's ten-byte int64) that onnxruntime reads", async () => {
    const edited = editGraphs(reluModel(), () => [
      node("Split", "s", ["x"], ["a", "b"], { axis: -1, split: [1, 3] }),
      node("Concat", "c", ["b", "a"], ["y"], { axis: -1 }),
    ]);
    expect(await run(edited, [-1, 2, -3, 4])).toEqual([2, -3, 4, -1]);
    const field = int64Field(3, -1);
    expect(field.length).toBe(11);
    expect(readInt64(field, 1)).toBe(-1);
  });

  it("renames a graph output (dropping its declared shape) and rewires a node's outputs", async () => {
    const edited = editGraphs(reluModel(), (nodes, _depth, outputs) => {
      expect(outputs).toEqual(["y"]);
      const relu = nodes[0] as OnnxNode;
      return {
        nodes: [withOutputs(relu, ["r"]), node("Neg", "n", ["r"], ["z"])],
        renamedOutputs: new Map([["y", "z"]]),
      };
    });
    const session = await ort.InferenceSession.create(edited);
    expect(session.outputNames).toEqual(["z"]);
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.of(-1, 2, -3, 4), [4]) });
    expect(Array.from(out.z?.data as Float32Array)).toEqual([-0, -2, -0, -4]);
    await session.release();
  });

  it("reads the main graph's initializers with their dims, packed or not", () => {
    const tensor = (name: string, dims: Uint8Array) =>
      lengthField(5, concatBytes([dims, varintField(2, 1), lengthField(8, name)]));
    const packed = lengthField(1, concatBytes([encodeVarint(3), encodeVarint(300)]));
    const unpacked = concatBytes([varintField(1, 2), varintField(1, 5)]);
    const graph = concatBytes([tensor("w", packed), tensor("b", unpacked), lengthField(2, "g")]);
    const model = concatBytes([varintField(1, 7), lengthField(7, graph)]);
    expect(initializerShapes(model)).toEqual(
      new Map([
        ["w", [3, 300]],
        ["b", [2, 5]],
      ]),
    );
  });
});
