import { describe, expect, it } from "vitest";
import type { TimerInfo } from "../../../src/events/types.js";
import { TimerRinger } from "../../../src/feedback/timer-ringer.js";
import { ringWords } from "../../../src/skills/timers/speech.js";
import { testBus } from "../../support/bus.js";
import { ManualTimers } from "../../support/manual-timers.js";

function timer(name: string | null, site = "kitchen"): TimerInfo {
  return { id: "t1", name, seconds: 600, endsAt: null, site, area: null, paused: false, remainingSeconds: 0 };
}

/** Ringing on a manual clock with a player that plays instantly and writes down what it played. */
function harness(
  limitMs = 10_000,
  pauseMs = 4000,
  hooks: { listen?: (s: number) => void; busy?: () => boolean } = {},
) {
  const timers = new ManualTimers();
  const played: string[] = [];
  const player = {
    playWav: async () => {
      played.push("earcon");
    },
    speak: async (text: string) => {
      played.push(text);
    },
  };
  const bus = testBus();
  const ringer = new TimerRinger({
    player,
    voice: "en-us",
    limitMs,
    pauseMs,
    words: ringWords,
    clock: timers.clock,
    sleep: timers.sleep,
    ...hooks,
  }).attach(bus);
  const finish = (name: string | null, lateSeconds = 0, site = "kitchen") =>
    bus.emit({ type: "timer-finished", timer: timer(name, site), lateSeconds });
  return { timers, played, ringer, finish };
}

describe("TimerRinger", () => {
  it("rings with pauses until the limit, then stops by itself", async () => {
    const h = harness(10_000, 4000);
    h.finish("pasta");
    await h.timers.waiting(4000);
    expect(h.played).toEqual(["earcon", "your pasta timer is done"]);
    expect(h.ringer.isRinging("kitchen")).toBe(true);
    h.timers.advance(4000);
    await h.timers.waiting(4000);
    h.timers.advance(4000);
    // At 8 s the next pause would pass the 10 s limit: the third ring is the last.
    await expect.poll(() => h.ringer.isRinging("kitchen")).toBe(false);
    expect(h.played.filter((p) => p === "earcon")).toHaveLength(3);
    expect(h.timers.pendingMs()).toEqual([]);
  });

  it("stops when told, in the pause, and says whether it was ringing", async () => {
    const h = harness(60_000, 4000);
    h.finish(null);
    await h.timers.waiting(4000);
    expect(h.played).toEqual(["earcon", "your 10 minute timer is done"]);
    expect(h.ringer.stop("hall")).toBe(false);
    expect(h.ringer.stop("kitchen")).toBe(true);
    expect(h.ringer.isRinging("kitchen")).toBe(false);
    expect(h.ringer.stop("kitchen")).toBe(false);
    h.timers.advance(60_000);
    expect(h.played).toHaveLength(2);
  });

  it("rings two timers that end together as one", async () => {
    const h = harness(60_000, 4000);
    h.finish("pasta");
    h.finish("egg");
    await h.timers.waiting(4000);
    h.timers.advance(4000);
    await h.timers.waiting(4000);
    expect(h.played.at(-1)).toBe("your pasta timer is done. your egg timer is done");
    h.ringer.dispose();
  });

  it("announces a timer that ended while the daemon was down once, without ringing", async () => {
    const h = harness();
    h.finish(null, 185);
    await expect.poll(() => h.played).toEqual(["earcon", "your 10 minute timer ended 3 minutes ago"]);
    expect(h.ringer.isRinging("kitchen")).toBe(false);
    expect(h.timers.pendingMs()).toEqual([]);
  });

  it("opens a follow-up window in each pause and never rings over a run in progress", async () => {
    const windows: number[] = [];
    let busy = false;
    const h = harness(60_000, 4000, { listen: (s) => windows.push(s), busy: () => busy });
    h.finish("pasta");
    await h.timers.waiting(4000);
    expect(windows).toEqual([4]);
    // Someone is saying "stop": the next ring waits while the run lasts.
    busy = true;
    h.timers.advance(4000);
    await h.timers.waiting(250);
    h.timers.advance(250);
    await h.timers.waiting(250);
    expect(h.played).toHaveLength(2);
    busy = false;
    h.timers.advance(250);
    await h.timers.waiting(4000);
    expect(h.played).toHaveLength(4);
    expect(windows).toEqual([4, 4]);
    h.ringer.dispose();
  });
});
