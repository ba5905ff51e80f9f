import { describe, expect, it } from "vitest";
import { MAX_TIMERS_PER_SITE, type Now, TimerEngine } from "../../../../src/skills/timers/engine.js";

const WALL0 = Date.UTC(2026, 11, 2, 12, 0, 0);

/** Both clocks moved together, as they do while nothing odd happens. */
function clocks() {
  const now: Now = { mono: 1_000, wall: WALL0 };
  return {
    now: () => ({ ...now }),
    advance(ms: number) {
      now.mono += ms;
      now.wall += ms;
    },
    jumpWall(ms: number) {
      now.wall += ms;
    },
  };
}

describe("TimerEngine", () => {
  it("counts a timer down and finishes it once, at its end", () => {
    const c = clocks();
    const engine = new TimerEngine();
    const timer = engine.start({ seconds: 600, name: "pasta", site: "kitchen" }, c.now());
    expect(timer).toMatchObject({
      id: "t1",
      name: "pasta",
      seconds: 600,
      paused: false,
      remainingMs: 600_000,
    });
    expect(timer?.endsAt).toBe(WALL0 + 600_000);
    c.advance(252_000);
    expect(engine.get("t1", c.now())?.remainingMs).toBe(348_000);
    expect(engine.nextDueMs(c.now())).toBe(348_000);
    expect(engine.takeDue(c.now())).toEqual([]);
    c.advance(348_500);
    const due = engine.takeDue(c.now());
    expect(due).toHaveLength(1);
    expect(due[0]?.lateMs).toBe(500);
    expect(due[0]?.timer.name).toBe("pasta");
    expect(engine.takeDue(c.now())).toEqual([]);
    expect(engine.list(null, c.now())).toEqual([]);
    expect(engine.nextDueMs(c.now())).toBeNull();
  });

  it("runs on the monotonic clock: a wall-clock jump neither rings early nor late", () => {
    const c = clocks();
    const engine = new TimerEngine();
    engine.start({ seconds: 60, site: "s" }, c.now());
    c.jumpWall(3_600_000);
    expect(engine.takeDue(c.now())).toEqual([]);
    expect(engine.get("t1", c.now())?.remainingMs).toBe(60_000);
  });

  it("keeps several timers per site, soonest first, and selects by name, duration, last and all", () => {
    const c = clocks();
    const engine = new TimerEngine();
    engine.start({ seconds: 600, name: "pasta", site: "kitchen" }, c.now());
    c.advance(1000);
    engine.start({ seconds: 300, name: null, site: "kitchen" }, c.now());
    c.advance(1000);
    engine.start({ seconds: 900, name: "egg", site: "kitchen" }, c.now());
    engine.start({ seconds: 60, site: "hall" }, c.now());
    expect(engine.list("kitchen", c.now()).map((t) => t.id)).toEqual(["t2", "t1", "t3"]);
    const ids = (sel: Parameters<TimerEngine["select"]>[0]) => {
      const found = engine.select(sel, c.now());
      return found.kind === "none" ? found.kind : { kind: found.kind, ids: found.timers.map((t) => t.id) };
    };
    expect(ids({ site: "kitchen", name: "egg" })).toEqual({ kind: "found", ids: ["t3"] });
    expect(ids({ site: "kitchen", seconds: 300 })).toEqual({ kind: "found", ids: ["t2"] });
    expect(ids({ site: "kitchen", which: "last" })).toEqual({ kind: "found", ids: ["t3"] });
    expect(ids({ site: "kitchen", which: "all" })).toEqual({ kind: "found", ids: ["t2", "t1", "t3"] });
    expect(ids({ site: "kitchen" })).toEqual({ kind: "ambiguous", ids: ["t2", "t1", "t3"] });
    expect(ids({ site: "hall" })).toEqual({ kind: "found", ids: ["t4"] });
    expect(ids({ site: "kitchen", name: "rice" })).toBe("none");
    expect(engine.cancel("t1", c.now())?.name).toBe("pasta");
    expect(engine.cancel("t1", c.now())).toBeNull();
    expect(engine.list("kitchen", c.now())).toHaveLength(2);
  });

  it("adds and takes away time; taking away more than is left ends it now", () => {
    const c = clocks();
    const engine = new TimerEngine();
    engine.start({ seconds: 600, site: "s" }, c.now());
    c.advance(100_000);
    const longer = engine.adjust("t1", 300, c.now());
    expect(longer).toMatchObject({ seconds: 900, remainingMs: 800_000 });
    expect(longer?.endsAt).toBe(c.now().wall + 800_000);
    expect(engine.adjust("t1", -120, c.now())).toMatchObject({ seconds: 780, remainingMs: 680_000 });
    expect(engine.adjust("t1", 86_400, c.now())).toBeNull();
    engine.adjust("t1", -3600, c.now());
    expect(engine.takeDue(c.now())).toHaveLength(1);
  });

  it("pauses and unpauses: no time passes while paused", () => {
    const c = clocks();
    const engine = new TimerEngine();
    engine.start({ seconds: 120, site: "s" }, c.now());
    c.advance(20_000);
    expect(engine.pause("t1", c.now())).toMatchObject({ paused: true, remainingMs: 100_000, endsAt: null });
    c.advance(500_000);
    expect(engine.takeDue(c.now())).toEqual([]);
    expect(engine.nextDueMs(c.now())).toBeNull();
    expect(engine.unpause("t1", c.now())).toMatchObject({ paused: false, remainingMs: 100_000 });
    c.advance(100_000);
    expect(engine.takeDue(c.now())).toHaveLength(1);
  });

  it("refuses durations out of range and more than the per-site limit", () => {
    const c = clocks();
    const engine = new TimerEngine();
    expect(engine.start({ seconds: 0, site: "s" }, c.now())).toBeNull();
    expect(engine.start({ seconds: 86_401, site: "s" }, c.now())).toBeNull();
    expect(engine.start({ seconds: Number.NaN, site: "s" }, c.now())).toBeNull();
    for (let i = 0; i < MAX_TIMERS_PER_SITE; i++)
      expect(engine.start({ seconds: 60, site: "s" }, c.now())).not.toBeNull();
    expect(engine.start({ seconds: 60, site: "s" }, c.now())).toBeNull();
    expect(engine.start({ seconds: 60, site: "other" }, c.now())).not.toBeNull();
  });

  it("restores records on wall time: a running timer continues, an ended one is due and says how late", () => {
    const c = clocks();
    const before = new TimerEngine();
    before.start({ seconds: 600, name: "pasta", site: "s" }, c.now());
    before.start({ seconds: 3600, site: "s" }, c.now());
    before.start({ seconds: 300, site: "s" }, c.now());
    before.pause("t3", c.now());
    const saved = before.list(null, c.now());
    // The daemon is down for 13 minutes; the new process's monotonic clock starts over.
    const after = new TimerEngine();
    const now = { mono: 5, wall: c.now().wall + 780_000 };
    expect(after.restore(saved, now)).toBe(3);
    const due = after.takeDue(now);
    expect(due.map((d) => [d.timer.name, d.lateMs])).toEqual([["pasta", 180_000]]);
    expect(after.get("t2", now)?.remainingMs).toBe(3600_000 - 780_000);
    expect(after.get("t3", now)).toMatchObject({ paused: true, remainingMs: 300_000 });
    expect(after.start({ seconds: 5, site: "s" }, now)?.id).toBe("t4");
    // Already there: skipped; the pasta timer, finished and taken, comes back (the caller restores once).
    expect(after.restore(saved, now)).toBe(1);
  });
});
