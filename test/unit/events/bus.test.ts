import { describe, expect, it } from "vitest";
import { EventBus } from "../../../src/events/bus.js";

const start = { type: "run-start", runId: "r1", site: "den" } as const;

describe("EventBus listener errors", () => {
  it("reports a throwing listener and still calls the others (the daemon's bus)", () => {
    const reported: unknown[] = [];
    const bus = new EventBus(
      () => 0,
      (error) => reported.push(error),
    );
    const seen: string[] = [];
    bus.on("run-start", () => {
      throw new Error("broken sink");
    });
    bus.onAny((event) => seen.push(event.type));
    bus.emit(start);
    expect(seen).toEqual(["run-start"]);
    expect(reported).toEqual([new Error("broken sink")]);
  });

  it('lets the error out of emit with "throw" (tests)', () => {
    const bus = new EventBus(() => 0, "throw");
    bus.on("run-start", () => {
      throw new Error("assertion failed");
    });
    expect(() => bus.emit(start)).toThrow("assertion failed");
  });
});
