import { readFileSync, writeFileSync } from "node:fs";
import { fields } from "../../src/onnx/protobuf-wire.js";

/**
 * Overwrites the payload of the model's largest initializer (ModelProto.graph = 7,
 * GraphProto.initializer = 5, TensorProto.raw_data = 9) with one value: the file still loads,
 * but its arithmetic is wrong, as on a CPU whose kernels compute garbage.
 */
export function flattenLargestWeight(file: string): void {
  const bytes = new Uint8Array(readFileSync(file));
  const graph = fields(bytes, 0, bytes.length).find((f) => f.no === 7);
  if (!graph) throw new Error(`${file} has no graph`);
  const raw = fields(bytes, graph.payload, graph.end)
    .filter((f) => f.no === 5)
    .flatMap((init) => fields(bytes, init.payload, init.end).filter((f) => f.no === 9))
    .reduce((a, b) => (b.end - b.payload > a.end - a.payload ? b : a));
  bytes.fill(0x55, raw.payload, raw.end);
  writeFileSync(file, bytes);
}
