import { describe, expect, it } from "vitest";
import { SerialQueue } from "../../../src/stt/serial.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("SerialQueue", () => {
  it("runs jobs one at a time, in call order", async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const gate = deferred();
    const a = queue.run(async () => {
      log.push("a start");
      await gate.promise;
      log.push("a end");
      return "a";
    });
    const b = queue.run(async () => {
      log.push("b");
      return "b";
    });
    await Promise.resolve();
    expect(log).toEqual(["a start"]);
    gate.resolve();
    expect(await Promise.all([a, b])).toEqual(["a", "b"]);
    expect(log).toEqual(["a start", "a end", "b"]);
  });

  it("lets an aborted waiter leave at once while later jobs still wait for the running one", async () => {
    const queue = new SerialQueue();
    const gate = deferred();
    const log: string[] = [];
    const running = queue.run(async () => {
      await gate.promise;
      log.push("first done");
    });
    const controller = new AbortController();
    const aborted = queue.run(async () => log.push("never"), controller.signal);
    const third = queue.run(async () => log.push("third"));
    controller.abort();
    await expect(aborted).rejects.toThrow(/abort/i);
    expect(log).toEqual([]);
    gate.resolve();
    await Promise.all([running, third]);
    expect(log).toEqual(["first done", "third"]);
  });

  it("keeps going after a job fails, and rejects at once when already aborted", async () => {
    const queue = new SerialQueue();
    await expect(queue.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await queue.run(async () => 42)).toBe(42);
    await expect(queue.run(async () => 1, AbortSignal.abort())).rejects.toThrow(/abort/i);
    await queue.idle();
  });
});
