import { describe, expect, it } from "vitest";
import { graphOutputs, withoutOutputs } from "../../../src/onnx/prune.js";

/** A protobuf length-delimited field: tag (field << 3 | 2), length, payload (all short here). */
function field(no: number, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === "string" ? Buffer.from(payload) : payload;
  return Uint8Array.from([(no << 3) | 2, bytes.length, ...bytes]);
}

describe("withoutOutputs", () => {
  it("drops the named graph outputs and keeps every other byte", () => {
    const output = (name: string) => field(12, field(1, name));
    const graph = Buffer.concat([field(1, "node"), output("keep"), output("drop"), field(2, "g")]);
    const model = Buffer.concat([Uint8Array.of(0x08, 0x07), field(7, graph), field(8, "opset")]);
    expect(graphOutputs(model)).toEqual(["keep", "drop"]);
    const pruned = withoutOutputs(model, (name) => name === "drop");
    expect(graphOutputs(pruned)).toEqual(["keep"]);
    const expected = Buffer.concat([
      Uint8Array.of(0x08, 0x07),
      field(7, Buffer.concat([field(1, "node"), output("keep"), field(2, "g")])),
      field(8, "opset"),
    ]);
    expect(Buffer.from(pruned)).toEqual(expected);
  });

  it("refuses bytes that are not protobuf", () => {
    expect(() => graphOutputs(Uint8Array.of(0x0f, 0x01))).toThrow(/wire type/);
  });
});
