import { describe, expect, it } from "vitest";
import { type Claim, compareClaims, parseRoomMessage } from "../../../src/rooms/claims.js";
import { Referee, type Verdict } from "../../../src/rooms/referee.js";

function claim(site: string, fields: Partial<Claim> = {}): Claim {
  return {
    v: 1,
    site,
    group: "home",
    runId: `${site}-1`,
    wakeWord: "hey_jarvis",
    score: 0.9,
    level: 20,
    dbfs: -25,
    audioMs: 1000,
    ...fields,
  };
}

function decided(verdict: Verdict) {
  if (verdict.state !== "decided") throw new Error(`still pending until ${verdict.until}`);
  return verdict;
}

describe("claims: ranking and the wire", () => {
  it("ranks by score in steps of 0.01, then level in whole dB, then site id", () => {
    const sorted = (claims: Claim[]) => [...claims].sort(compareClaims).map((c) => c.site);
    expect(sorted([claim("a", { score: 0.5 }), claim("b", { score: 0.8 })])).toEqual(["b", "a"]);
    // 0.994 and 0.991 are the same step: the louder board answers.
    expect(
      sorted([claim("a", { score: 0.994, level: 12 }), claim("b", { score: 0.991, level: 18 })]),
    ).toEqual(["b", "a"]);
    expect(sorted([claim("b", { level: 20.2 }), claim("a", { level: 19.9 })])).toEqual(["a", "b"]);
    expect(sorted([claim("hallway"), claim("kitchen"), claim("attic")])).toEqual([
      "attic",
      "hallway",
      "kitchen",
    ]);
  });

  it("parses a claim or a close and names what is wrong with a broken or hostile one", () => {
    const good = claim("kitchen");
    expect(parseRoomMessage(Buffer.from(JSON.stringify(good)))).toEqual({ claim: good });
    const close = {
      v: 1,
      type: "close",
      group: "home",
      site: "hallway",
      round: { site: "kitchen", runId: "k-1" },
    };
    expect(parseRoomMessage(Buffer.from(JSON.stringify(close)))).toEqual({ close });
    const bad = (payload: string | Buffer) => {
      const parsed = parseRoomMessage(typeof payload === "string" ? Buffer.from(payload) : payload);
      return "problem" in parsed ? parsed.problem : "accepted";
    };
    expect(bad("not json")).toBe("message is not JSON");
    expect(bad(JSON.stringify({ ...close, round: { site: "kitchen" } }))).toMatch(
      /^close field round.runId:/,
    );
    expect(bad(JSON.stringify({ ...close, group: "a/#" }))).toMatch(/^close field group:/);
    expect(bad(JSON.stringify({ ...good, v: 2 }))).toMatch(/^claim field v:/);
    expect(bad(JSON.stringify({ ...good, score: 7 }))).toMatch(/^claim field score:/);
    expect(bad(JSON.stringify({ ...good, site: "Kitchen/+" }))).toMatch(/^claim field site:/);
    expect(bad(JSON.stringify({ ...good, level: "loud" }))).toMatch(/^claim field level:/);
    expect(bad(Buffer.alloc(5000, 32))).toMatch(/message larger than 1024 bytes/);
    expect(bad("null")).toMatch(/^claim field \(root\)/);
  });
});

describe("Referee: one board per wake word, decided by the broker's order", () => {
  const ref = (c: Claim) => ({ site: c.site, runId: c.runId });

  it("the opener asks to close its round after the window, and wins alone at the close", () => {
    const referee = new Referee(0.2);
    const own = claim("kitchen");
    // Not back from the broker yet: wait (up to two windows for the echo).
    expect(referee.verdict(own, 10, 10)).toEqual({ state: "pending", until: 10.4 });
    referee.arrived(own, 10.01);
    const waiting = referee.verdict(own, 10, 10.1);
    expect(waiting.state === "pending" && waiting.until).toBeCloseTo(10.21, 9);
    const due = referee.verdict(own, 10, 10.21);
    expect(due).toMatchObject({ state: "pending", close: ref(own) });
    referee.sentClose(ref(own));
    expect(referee.verdict(own, 10, 10.22)).toMatchObject({ state: "pending" });
    expect(referee.verdict(own, 10, 10.22)).not.toHaveProperty("close");
    referee.closed(ref(own));
    expect(decided(referee.verdict(own, 10, 10.23))).toMatchObject({
      won: true,
      reason: "alone",
      winner: own,
    });
  });

  it("every board picks the same winner from the same deliveries, whatever its clock and however late it reads", () => {
    const kitchen = claim("kitchen", { score: 0.95 });
    const hallway = claim("hallway", { score: 0.7 });
    // Each board's clock is its own (skewed by hours); one read everything in one burst.
    const boards = [
      [0, 0.12],
      [7200, 0.12],
      [-3600, 0],
    ].map(([skew = 0, gap = 0]) => {
      const referee = new Referee(0.2);
      referee.arrived(hallway, skew + 1.0);
      referee.arrived(kitchen, skew + 1.0 + gap);
      referee.closed(ref(hallway));
      return { referee, skew };
    });
    for (const { referee, skew } of boards) {
      const forKitchen = decided(referee.verdict(kitchen, skew + 1.1, skew + 1.2));
      const forHallway = decided(referee.verdict(hallway, skew + 0.99, skew + 1.2));
      expect(forKitchen).toMatchObject({ won: true, reason: "best", winner: kitchen });
      expect(forHallway).toMatchObject({ won: false, reason: "outranked", winner: kitchen });
      expect(forKitchen.claims.map((c) => c.site)).toEqual(["hallway", "kitchen"]);
    }
  });

  it("a claim after the close loses, however good, and the round's winner stands", () => {
    const referee = new Referee(0.2);
    const first = claim("hallway", { score: 0.6 });
    const slow = claim("kitchen", { score: 0.99 });
    referee.arrived(first, 5);
    referee.closed(ref(first));
    referee.arrived(slow, 5.05);
    expect(decided(referee.verdict(slow, 5.04, 5.05))).toMatchObject({
      won: false,
      reason: "late",
      winner: first,
      late: [slow],
    });
    expect(decided(referee.verdict(first, 4.99, 5.2))).toMatchObject({ won: true, reason: "alone" });
  });

  it("only the first close of a round counts, and only one naming its opener", () => {
    const referee = new Referee(0.2);
    const first = claim("hallway", { score: 0.6 });
    const second = claim("kitchen", { score: 0.9 });
    referee.arrived(first, 5);
    referee.closed(ref(second)); // names a claim not yet seen: not this round's close
    referee.arrived(second, 5.1);
    referee.closed(ref(second)); // names a claim that did not open the round
    expect(referee.verdict(second, 5.09, 5.15)).toMatchObject({ state: "pending" });
    referee.closed(ref(first));
    referee.arrived(claim("attic", { score: 1 }), 5.2);
    referee.closed(ref(first));
    const verdict = decided(referee.verdict(second, 5.09, 5.3));
    expect(verdict).toMatchObject({ won: true, reason: "best" });
    expect(verdict.late.map((c) => c.site)).toEqual(["attic"]);
  });

  it("a claimant other than the opener closes a window later, in case the opener cannot", () => {
    const referee = new Referee(0.2);
    referee.arrived(claim("hallway"), 3);
    const own = claim("kitchen");
    referee.arrived(own, 3.15);
    const waiting = referee.verdict(own, 3.14, 3.15);
    expect(waiting.state === "pending" && waiting.until).toBeCloseTo(3.4, 9);
    expect(referee.verdict(own, 3.14, 3.4)).toMatchObject({ state: "pending", close: { site: "hallway" } });
  });

  it("without its claim back: waits two windows, then wins only if no one else claimed", () => {
    const alone = new Referee(0.2);
    const own = claim("kitchen");
    const waiting = alone.verdict(own, 1, 1.1);
    expect(waiting.state === "pending" && waiting.until).toBeCloseTo(1.4, 9);
    expect(decided(alone.verdict(own, 1, 1.4))).toMatchObject({ won: true, reason: "no-echo", winner: own });

    const crowded = new Referee(0.2);
    const other = claim("hallway");
    crowded.arrived(other, 1.05);
    expect(decided(crowded.verdict(own, 1, 1.4))).toMatchObject({
      won: false,
      reason: "no-echo",
      winner: other,
    });
  });

  it("while reading a burst (no time limits), only a close decides", () => {
    const referee = new Referee(0.2);
    const own = claim("kitchen");
    // Long past every time limit, but the transport is still reading what waited on the socket.
    expect(referee.verdict(own, 1, 9, false)).toMatchObject({ state: "pending" });
    referee.arrived(claim("hallway", { score: 0.99 }), 9);
    referee.arrived(own, 9);
    // Not the opener: its close is the hallway's to send, for now.
    expect(referee.verdict(own, 1, 9, false)).toEqual({ state: "pending", until: 9.4 });
    referee.closed({ site: "hallway", runId: "hallway-1" });
    expect(decided(referee.verdict(own, 1, 9, false))).toMatchObject({ won: false, reason: "outranked" });
  });

  it("no close by the same-utterance horizon: decided by this board's own arrival times", () => {
    const referee = new Referee(0.2, 1.5);
    const first = claim("hallway", { score: 0.5 });
    const own = claim("kitchen", { score: 0.9 });
    const late = claim("attic", { score: 1 });
    referee.arrived(first, 2);
    referee.arrived(own, 2.1);
    referee.arrived(late, 2.3);
    referee.sentClose(ref(first));
    expect(referee.verdict(own, 2.09, 3.4)).toEqual({ state: "pending", until: 3.5 });
    expect(decided(referee.verdict(own, 2.09, 3.5))).toMatchObject({
      won: true,
      reason: "best",
      late: [late],
    });
  });

  it("claims further apart than the same-utterance horizon open a new round", () => {
    const referee = new Referee(0.2, 1.5);
    const first = claim("hallway", { runId: "h1" });
    const second = claim("kitchen", { runId: "k1", score: 0.1 });
    referee.arrived(first, 0);
    referee.closed(ref(first));
    referee.arrived(second, 1.6);
    expect(referee.verdict(second, 1.59, 1.8)).toMatchObject({ state: "pending", close: ref(second) });
    referee.closed(ref(second));
    expect(decided(referee.verdict(second, 1.59, 1.8))).toMatchObject({ won: true, reason: "alone" });
    // Within the horizon, a claim long after the close belongs to the round and is late.
    const third = claim("attic", { runId: "a1" });
    referee.arrived(third, 2.5);
    expect(decided(referee.verdict(third, 2.49, 2.5))).toMatchObject({ won: false, reason: "late" });
  });

  it("a claim delivered twice counts once, and an arrival stamped earlier than the last is taken as the last", () => {
    const referee = new Referee(0.2);
    const own = claim("kitchen");
    referee.arrived(own, 2);
    referee.arrived(own, 2.3);
    referee.arrived(claim("hallway", { score: 0.99 }), 1.9);
    referee.closed(ref(own));
    const verdict = decided(referee.verdict(own, 2, 2.2));
    expect(verdict).toMatchObject({ won: false, reason: "outranked" });
    expect(verdict.claims.map((c) => c.site)).toEqual(["kitchen", "hallway"]);
  });
});
