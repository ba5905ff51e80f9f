import { describe, expect, it } from "vitest";
import { MicrophoneSupervisor } from "../../../src/daemon/microphone.js";
import type { PipelineEvent } from "../../../src/events/types.js";
import { testBus } from "../../support/bus.js";
import { ManualTimers } from "../../support/manual-timers.js";

function setup(watchdogMs: number | null = 200) {
  const bus = testBus();
  const events: PipelineEvent[] = [];
  bus.onAny((event) => events.push(event));
  const notes: string[] = [];
  const notifier = {
    ready: async (status?: string) => void notes.push(`READY ${status}`),
    status: async (text: string) => void notes.push(`STATUS ${text}`),
    watchdog: async () => void notes.push("WATCHDOG"),
  };
  const timers = new ManualTimers();
  const supervisor = new MicrophoneSupervisor(bus, notifier, watchdogMs, timers.timer);
  return { supervisor, events, notes, timers };
}

describe("MicrophoneSupervisor", () => {
  it("a missing microphone: READY with what it waits for, one mic-unavailable error event, the watchdog fed", () => {
    const { supervisor, events, notes, timers } = setup();
    supervisor.onState("waiting", "no such device");
    expect(notes).toEqual(["READY waiting for microphone: no such device"]);
    expect(events).toEqual([
      expect.objectContaining({
        type: "error",
        code: "mic-unavailable",
        message: "microphone unavailable: no such device; retrying until it is back",
      }),
    ]);
    expect(events[0]).not.toHaveProperty("runId");
    timers.advance(200);
    timers.advance(200);
    expect(notes.filter((n) => n === "WATCHDOG")).toHaveLength(2);
  });

  it("the microphone back: STATUS listening, and the waiting pings stop", () => {
    const { supervisor, notes, timers } = setup();
    supervisor.onState("waiting");
    supervisor.onState("open");
    timers.advance(1000);
    expect(notes).toEqual(["READY waiting for microphone", "STATUS listening"]);
    expect(timers.pendingMs()).toEqual([]);
  });

  it("without a systemd watchdog nothing is scheduled", () => {
    const { supervisor, timers } = setup(null);
    supervisor.onState("waiting", "busy");
    expect(timers.pendingMs()).toEqual([]);
  });
});
