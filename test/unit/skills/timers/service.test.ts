import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { PipelineEvent } from "../../../../src/events/types.js";
import { TimerService } from "../../../../src/skills/timers/service.js";
import { TimerStore } from "../../../../src/skills/timers/store.js";
import { silentLogger } from "../../../../src/util/logger.js";
import { testBus } from "../../../support/bus.js";
import { ManualTimers } from "../../../support/manual-timers.js";

const WALL0 = Date.UTC(2026, 11, 2, 12, 0, 0);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-timers-"));
  dirs.push(dir);
  return dir;
}

/** A service on a manual clock; the wall clock moves with it from `wall`. */
function harness(dir: string | null, wall = WALL0) {
  const timers = new ManualTimers();
  const bus = testBus();
  const events: PipelineEvent[] = [];
  bus.onAny((e) => events.push(e));
  const warnings: string[] = [];
  const logger = silentLogger();
  logger.warn = ((obj: unknown, msg?: string) => warnings.push(`${msg} ${JSON.stringify(obj)}`)) as never;
  const service = new TimerService({
    bus,
    store: dir ? new TimerStore(dir) : null,
    logger,
    clock: timers.clock,
    wallClock: () => wall + timers.clock(),
    timer: timers.timer,
  });
  const types = () => events.map((e) => e.type);
  return { timers, service, events, types, warnings };
}

describe("TimerService", () => {
  it("emits started, updated, cancelled and finishes a timer when its end comes on the clock", () => {
    const h = harness(null);
    h.service.start();
    const pasta = h.service.startTimer({ seconds: 600, name: "pasta", site: "kitchen" }, "run-1");
    expect(pasta?.id).toBe("t1");
    expect(h.events[0]).toMatchObject({
      type: "timer-started",
      runId: "run-1",
      timer: { id: "t1", name: "pasta", seconds: 600, endsAt: "2026-12-02T12:10:00.000Z", site: "kitchen" },
    });
    expect(h.timers.pendingMs()).toEqual([600_000]);
    h.service.startTimer({ seconds: 60, site: "kitchen" });
    expect(h.timers.pendingMs()).toEqual([60_000]);
    h.service.cancel("t2", "run-2");
    expect(h.timers.pendingMs()).toEqual([600_000]);
    h.timers.advance(300_000);
    h.service.adjust("t1", 60);
    expect(h.timers.pendingMs()).toEqual([360_000]);
    h.timers.advance(359_999);
    expect(h.types()).not.toContain("timer-finished");
    h.timers.advance(1);
    expect(h.types()).toEqual([
      "timer-started",
      "timer-started",
      "timer-cancelled",
      "timer-updated",
      "timer-finished",
    ]);
    expect(h.events.at(-1)).toMatchObject({ timer: { name: "pasta", seconds: 660 }, lateSeconds: 0 });
    expect(h.events.at(-1)?.runId).toBeUndefined();
    expect(h.timers.pendingMs()).toEqual([]);
  });

  it("a paused timer never finishes and leaves nothing pending", () => {
    const h = harness(null);
    h.service.start();
    h.service.startTimer({ seconds: 10, site: "s" });
    h.service.pause("t1");
    expect(h.timers.pendingMs()).toEqual([]);
    h.timers.advance(60_000);
    h.service.unpause("t1");
    h.timers.advance(10_000);
    expect(h.types().at(-1)).toBe("timer-finished");
  });

  it("survives a restart: a running timer continues, one that ended meanwhile finishes at start with how late", () => {
    const dir = tempDir();
    const first = harness(dir);
    first.service.start();
    first.service.startTimer({ seconds: 600, site: "s" });
    first.service.startTimer({ seconds: 3600, name: "bread", site: "s" });
    first.service.stop();
    const stored = JSON.parse(readFileSync(path.join(dir, "timers.json"), "utf8"));
    expect(stored.timers.map((t: { id: string }) => t.id)).toEqual(["t1", "t2"]);
    // Back 13 minutes later: a new process, its monotonic clock from zero.
    const second = harness(dir, WALL0 + 780_000);
    second.service.start();
    expect(second.events).toEqual([
      expect.objectContaining({
        type: "timer-finished",
        lateSeconds: 180,
        timer: expect.objectContaining({ seconds: 600 }),
      }),
    ]);
    expect(second.service.list("s").map((t) => [t.name, t.remainingMs])).toEqual([
      ["bread", 3600_000 - 780_000],
    ]);
    expect(second.timers.pendingMs()).toEqual([3600_000 - 780_000]);
    // The finished one is gone from the file too.
    const after = JSON.parse(readFileSync(path.join(dir, "timers.json"), "utf8"));
    expect(after.timers.map((t: { name: string }) => t.name)).toEqual(["bread"]);
  });

  it.each([
    ["not JSON", "{ torn"],
    ["the wrong shape", JSON.stringify({ version: 1, timers: [{ id: "t1", seconds: -5 }] })],
    ["a later version", JSON.stringify({ version: 2, timers: [] })],
  ])("a state file with %s: one log line, no timers, the file kept aside", (_what, content) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "timers.json"), content);
    const h = harness(dir);
    h.service.start();
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]).toContain("unreadable");
    expect(h.service.list(null)).toEqual([]);
    const kept = readdirSync(dir).filter((f) => f.startsWith("timers.json.bad-"));
    expect(kept).toHaveLength(1);
    expect(readFileSync(path.join(dir, kept[0] as string), "utf8")).toBe(content);
    expect(existsSync(path.join(dir, "timers.json"))).toBe(false);
    // And it works from there: a new timer is saved in a fresh file.
    h.service.startTimer({ seconds: 5, site: "s" });
    expect(existsSync(path.join(dir, "timers.json"))).toBe(true);
  });

  it("a state file that cannot be written is logged and the timer still rings", () => {
    const dir = tempDir();
    const file = path.join(dir, "blocked");
    writeFileSync(file, "a file where the state directory should be");
    const h = harness(path.join(file, "state"));
    h.service.start();
    h.service.startTimer({ seconds: 5, site: "s" });
    expect(h.warnings[0]).toContain("could not save");
    h.timers.advance(5000);
    expect(h.types().at(-1)).toBe("timer-finished");
  });
});
