import { describe, expect, it } from "vitest";
import { ort } from "../../../src/onnx/session.js";
import { ThreadSession } from "../../../src/onnx/session-thread.js";
import { reluModel } from "../../support/tiny-onnx.js";

const x = () => ({ x: new ort.Tensor("float32", Float32Array.from([-1, 2, -3, 4]), [4]) });

describe("ThreadSession", () => {
  it("runs a model in a worker thread and hands back its outputs", async () => {
    const session = await ThreadSession.open(reluModel(), {}, "relu.onnx");
    try {
      expect(session.inputNames).toEqual(["x"]);
      const out = await session.run(x(), ["y"]);
      expect(out.y?.dims).toEqual([4]);
      expect(Array.from(out.y?.data as Float32Array)).toEqual([0, 2, 0, 4]);
      // Runs queued together each get their own answer.
      const both = await Promise.all([session.run(x(), ["y"]), session.run(x(), ["y"])]);
      expect(both.map((o) => Array.from(o.y?.data as Float32Array))).toEqual([
        [0, 2, 0, 4],
        [0, 2, 0, 4],
      ]);
    } finally {
      await session.release();
    }
  });

  it("refuses a broken model as openSession does: model-load-failed naming the file", async () => {
    const broken = reluModel().slice(0, 20);
    await expect(ThreadSession.open(broken, {}, "encoder_model.onnx")).rejects.toMatchObject({
      code: "model-load-failed",
      message: expect.stringContaining("could not load encoder_model.onnx"),
    });
  });

  it("fails a run that was waiting when the thread went away, and every later run, instead of hanging", async () => {
    const session = await ThreadSession.open(reluModel(), {}, "relu.onnx");
    const waiting = session.run(x(), ["y"]);
    await session.release();
    // The answer may have been on its way before the thread stopped; what matters is that it settles.
    const settled = await waiting.then(
      (out) => Array.from(out.y?.data as Float32Array),
      (error: Error) => error.message,
    );
    expect([[0, 2, 0, 4], expect.stringContaining("relu.onnx failed in its thread")]).toContainEqual(settled);
    await expect(session.run(x(), ["y"])).rejects.toThrow(/relu\.onnx failed in its thread: released/);
  });

  it("reports a run onnxruntime refuses (wrong input name) as an error, and keeps serving", async () => {
    const session = await ThreadSession.open(reluModel(), {}, "relu.onnx");
    try {
      const wrong = { z: new ort.Tensor("float32", Float32Array.from([1, 2, 3, 4]), [4]) };
      await expect(session.run(wrong, ["y"])).rejects.toThrow(/relu\.onnx failed in its thread/);
      const out = await session.run(x(), ["y"]);
      expect(Array.from(out.y?.data as Float32Array)).toEqual([0, 2, 0, 4]);
    } finally {
      await session.release();
    }
  });
});
