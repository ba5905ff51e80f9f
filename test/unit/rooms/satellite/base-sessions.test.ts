import { describe, expect, it } from "vitest";
import { type BaseAction, BaseSessions } from "../../../../src/rooms/satellite/base-sessions.js";
import type { Packet } from "../../../../src/rooms/satellite/protocol.js";

const limits = { queue: 3, perSite: 1, maxSamples: 16000, stallMs: 3000, concurrency: 1 };
const start = (seq = 0): Packet => ({
  kind: "start",
  seq,
  start: { area: null, wakeWord: "hey_jarvis", score: 0.9, sampleRate: 16000 },
});
const audio = (seq: number, offset: number, n = 1280, value = 1): Packet => ({
  kind: "audio",
  seq,
  offset,
  samples: new Int16Array(n).fill(value),
});
const end = (seq: number, from: number, to: number): Packet => ({ kind: "end", seq, end: { from, to } });

/** A whole session: start, `frames` frames, an end cutting [from, to). */
function stream(base: BaseSessions, site: string, id: string, frames = 3, now = 0): BaseAction[] {
  const actions = base.receive(site, id, start(), now);
  for (let i = 0; i < frames; i++)
    actions.push(...base.receive(site, id, audio(i + 1, i * 1280, 1280, i + 1), now));
  actions.push(...base.receive(site, id, end(frames + 1, 100, frames * 1280), now));
  return actions;
}

describe("BaseSessions", () => {
  it("accepts a session, assembles its audio in order and runs the cut", () => {
    const base = new BaseSessions(limits);
    const actions = stream(base, "kitchen", "r1");
    expect(actions[0]).toEqual({ type: "accept", site: "kitchen", id: "r1" });
    const run = actions[1] as Extract<BaseAction, { type: "run" }>;
    expect(run.type).toBe("run");
    expect(run.session.audio.length).toBe(3 * 1280 - 100);
    expect(run.session.audio[0]).toBe(1);
    expect(run.session.audio[1280 - 100]).toBe(2);
    expect(run.session.audio.at(-1)).toBe(3);
    expect(base.running).toBe(1);
  });

  it("serves one at a time, in order, the others wait", () => {
    const base = new BaseSessions(limits);
    stream(base, "kitchen", "r1");
    const second = stream(base, "hall", "r2");
    expect(second.map((a) => a.type)).toEqual(["accept"]);
    expect(base.waiting).toBe(1);
    const next = base.done("kitchen", "r1");
    expect(next).toMatchObject([{ type: "run", session: { site: "hall", id: "r2" } }]);
    expect(base.done("hall", "r2")).toEqual([]);
    expect(base.size).toBe(0);
  });

  it("rejects a flood past the queue and a satellite past its own limit, keeping the rest", () => {
    const base = new BaseSessions(limits);
    expect(base.receive("a", "1", start(), 0)).toMatchObject([{ type: "accept" }]);
    expect(base.receive("a", "2", start(), 0)).toEqual([
      { type: "reject", site: "a", id: "2", reason: "site-busy" },
    ]);
    base.receive("b", "1", start(), 0);
    base.receive("c", "1", start(), 0);
    expect(base.receive("d", "1", start(), 0)).toEqual([
      { type: "reject", site: "d", id: "1", reason: "queue-full" },
    ]);
    expect(base.size).toBe(3);
    // The accepted ones go on untouched.
    expect(base.receive("a", "1", audio(1, 0), 0)).toEqual([]);
    expect(base.receive("a", "1", end(2, 0, 1280), 0)).toMatchObject([{ type: "run" }]);
  });

  it("rejects a satellite that never stops, and one whose audio stalls", () => {
    const base = new BaseSessions({ ...limits, queue: 5 });
    base.receive("a", "1", start(), 0);
    const actions: BaseAction[] = [];
    for (let i = 0; i < 14; i++) actions.push(...base.receive("a", "1", audio(i + 1, i * 1280), i * 80));
    expect(actions).toEqual([{ type: "reject", site: "a", id: "1", reason: "too-long" }]);
    // Later packets of a refused session are dropped without a word.
    expect(base.receive("a", "1", audio(15, 14 * 1280), 1200)).toEqual([]);

    base.receive("b", "1", start(), 0);
    base.receive("b", "1", audio(1, 0), 1000);
    expect(base.tick(3999)).toEqual([]);
    expect(base.tick(4000)).toEqual([{ type: "reject", site: "b", id: "1", reason: "stalled" }]);
  });

  it("rejects lost or reordered packets and an end that does not fit", () => {
    const base = new BaseSessions({ ...limits, queue: 5 });
    base.receive("a", "1", start(), 0);
    expect(base.receive("a", "1", audio(2, 0), 0)).toMatchObject([{ reason: "audio-lost" }]);
    base.receive("b", "1", start(), 0);
    expect(base.receive("b", "1", audio(1, 640), 0)).toMatchObject([{ reason: "audio-lost" }]);
    base.receive("c", "1", start(), 0);
    base.receive("c", "1", audio(1, 0), 0);
    expect(base.receive("c", "1", end(2, 0, 5000), 0)).toMatchObject([{ reason: "invalid" }]);
    expect(base.receive("d", "1", start(4), 0)).toMatchObject([{ reason: "audio-lost" }]);
  });

  it("a cancelled session leaves the queue; a running one is cancelled by its run", () => {
    const base = new BaseSessions(limits);
    stream(base, "kitchen", "r1");
    stream(base, "hall", "r2");
    expect(base.receive("hall", "r2", { kind: "cancel", seq: 9, outcome: "aborted" }, 0)).toEqual([]);
    expect(base.waiting).toBe(0);
    expect(base.receive("kitchen", "r1", { kind: "cancel", seq: 9, outcome: "aborted" }, 0)).toEqual([
      { type: "cancel", site: "kitchen", id: "r1", outcome: "aborted" },
    ]);
    expect(base.done("kitchen", "r1")).toEqual([]);
    expect(base.size).toBe(0);
  });
});
