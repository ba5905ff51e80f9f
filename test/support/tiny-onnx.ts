import { concatBytes, lengthField, varintField } from "../../src/onnx/protobuf-wire.js";

/**
 * ONNX models written byte by byte for tests that need a real session but no model file:
 * onnxruntime loads them in milliseconds.
 */

/** A float32 [n] ValueInfoProto. */
function tensorInfo(name: string, n: number): Uint8Array {
  const dim = lengthField(1, varintField(1, n));
  const tensorType = concatBytes([varintField(1, 1), lengthField(2, dim)]);
  return concatBytes([lengthField(1, name), lengthField(2, lengthField(1, tensorType))]);
}

/** ModelProto (ir 7, opset 11) whose graph computes y = Relu(x) from a hand-written NodeProto. */
export function reluModel(): Uint8Array {
  const relu = concatBytes([
    lengthField(1, "x"),
    lengthField(2, "y"),
    lengthField(3, "r"),
    lengthField(4, "Relu"),
  ]);
  const graph = concatBytes([
    lengthField(1, relu),
    lengthField(2, "g"),
    lengthField(11, tensorInfo("x", 4)),
    lengthField(12, tensorInfo("y", 4)),
  ]);
  const opset = concatBytes([lengthField(1, ""), varintField(2, 11)]);
  return concatBytes([varintField(1, 7), lengthField(7, graph), lengthField(8, opset)]);
}
