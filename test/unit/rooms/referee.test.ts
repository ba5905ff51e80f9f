import { describe, expect, it } from "vitest";
import { type Claim, compareClaims, parseClaim } from "../../../src/rooms/claims.js";
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

  it("parses a claim and names what is wrong with a broken or hostile one", () => {
    const good = claim("kitchen");
    expect(parseClaim(Buffer.from(JSON.stringify(good)))).toEqual({ claim: good });
    const bad = (payload: string | Buffer) => {
      const parsed = parseClaim(typeof payload === "string" ? Buffer.from(payload) : payload);
      return "problem" in parsed ? parsed.problem : "accepted";
    };
    expect(bad("not json")).toBe("claim is not JSON");
    expect(bad(JSON.stringify({ ...good, v: 2 }))).toMatch(/^claim field v:/);
    expect(bad(JSON.stringify({ ...good, score: 7 }))).toMatch(/^claim field score:/);
    expect(bad(JSON.stringify({ ...good, site: "Kitchen/+" }))).toMatch(/^claim field site:/);
    expect(bad(JSON.stringify({ ...good, level: "loud" }))).toMatch(/^claim field level:/);
    expect(bad(Buffer.alloc(5000, 32))).toMatch(/larger than 1024 bytes/);
    expect(bad("null")).toMatch(/^claim field \(root\)/);
  });
});

describe("Referee: one board per wake word, timed by the broker's deliveries", () => {
  it("a claim alone waits out the window from its own arrival, then wins alone", () => {
    const referee = new Referee(0.2);
    const own = claim("kitchen");
    expect(referee.verdict(own, 10, 10)).toEqual({ state: "pending", until: 10.2 });
    referee.arrived(own, 10.01);
    const waiting = referee.verdict(own, 10, 10.1);
    expect(waiting.state === "pending" && waiting.until).toBeCloseTo(10.21, 9);
    expect(decided(referee.verdict(own, 10, 10.21))).toMatchObject({
      won: true,
      reason: "alone",
      winner: own,
    });
  });

  it("every board picks the same winner from the same deliveries", () => {
    const kitchen = claim("kitchen", { score: 0.95 });
    const hallway = claim("hallway", { score: 0.7 });
    // Each board's clock is its own (skewed by hours); only the gaps between arrivals count.
    const boards = [0, 7200, -3600].map((skew) => {
      const referee = new Referee(0.2);
      referee.arrived(hallway, skew + 1.0);
      referee.arrived(kitchen, skew + 1.12);
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

  it("a claim that arrives after the window loses at once, however good, and the round's winner stands", () => {
    const referee = new Referee(0.2);
    const first = claim("hallway", { score: 0.6 });
    const slow = claim("kitchen", { score: 0.99 });
    referee.arrived(first, 5);
    referee.arrived(slow, 5.25);
    expect(decided(referee.verdict(slow, 5.24, 5.25))).toMatchObject({
      won: false,
      reason: "late",
      winner: first,
      late: [slow],
    });
    expect(decided(referee.verdict(first, 4.99, 5.2))).toMatchObject({ won: true, reason: "alone" });
  });

  it("the window is the round's, not the claim's: a board that claims later waits less", () => {
    const referee = new Referee(0.2);
    referee.arrived(claim("hallway"), 3);
    const own = claim("kitchen");
    referee.arrived(own, 3.15);
    const waiting = referee.verdict(own, 3.14, 3.15);
    expect(waiting.state === "pending" && waiting.until).toBeCloseTo(3.2, 9);
  });

  it("without its claim back: waits the window, then wins only if no one else claimed", () => {
    const alone = new Referee(0.2);
    const own = claim("kitchen");
    const waiting = alone.verdict(own, 1, 1.1);
    expect(waiting.state === "pending" && waiting.until).toBeCloseTo(1.2, 9);
    expect(decided(alone.verdict(own, 1, 1.2))).toMatchObject({ won: true, reason: "no-echo", winner: own });

    const crowded = new Referee(0.2);
    const other = claim("hallway");
    crowded.arrived(other, 1.05);
    expect(decided(crowded.verdict(own, 1, 1.2))).toMatchObject({
      won: false,
      reason: "no-echo",
      winner: other,
    });
  });

  it("claims further apart than the same-utterance horizon open a new round", () => {
    const referee = new Referee(0.2, 1.5);
    const first = claim("hallway", { runId: "h1" });
    const second = claim("kitchen", { runId: "k1", score: 0.1 });
    referee.arrived(first, 0);
    referee.arrived(second, 1.6);
    expect(decided(referee.verdict(second, 1.59, 1.8))).toMatchObject({ won: true, reason: "alone" });
    // Within the horizon, a claim long after the window belongs to the round and is late.
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
    const verdict = decided(referee.verdict(own, 2, 2.2));
    expect(verdict).toMatchObject({ won: false, reason: "outranked" });
    expect(verdict.claims.map((c) => c.site)).toEqual(["kitchen", "hallway"]);
  });
});
