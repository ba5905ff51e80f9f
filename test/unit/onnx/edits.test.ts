import { describe, expect, it } from "vitest";
import { applyEdits } from "../../../src/onnx/edits.js";
import { captureLogger } from "../../support/capture-logger.js";

describe("applyEdits", () => {
  it("runs the edits in order", () => {
    const double = (m: Uint8Array) => Uint8Array.from(m, (b) => b * 2);
    const plusOne = (m: Uint8Array) => Uint8Array.from(m, (b) => b + 1);
    const out = applyEdits("m.onnx", Uint8Array.of(1, 2), undefined, [
      ["double", double],
      ["plus one", plusOne],
    ]);
    expect(out).toEqual(Uint8Array.of(3, 5));
  });

  it("stops at the edit that throws and logs its name and reason", () => {
    const { lines, logger } = captureLogger("info");
    let after = 0;
    const out = applyEdits("m.onnx", Uint8Array.of(1), logger, [
      ["keep", (m) => m],
      [
        "cut",
        () => {
          throw new Error("no such node");
        },
      ],
      [
        "never",
        (m) => {
          after++;
          return m;
        },
      ],
    ]);
    expect(out).toBeNull();
    expect(after).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, file: "m.onnx", edit: "cut", err: "no such node" });
  });
});
