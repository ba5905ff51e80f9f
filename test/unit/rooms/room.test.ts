import { describe, expect, it } from "vitest";
import type { RoomMessage } from "../../../src/rooms/claims.js";
import { type ArbitrationDecision, ArbitrationRoom, type WakeClaim } from "../../../src/rooms/room.js";
import { ManualTimers } from "../../support/manual-timers.js";
import { prng } from "../../support/mixed-audio.js";

interface Board {
  site: string;
  room: ArbitrationRoom;
  /** The broker takes this board's claims this long after it sends them (its link, its load). */
  upMs: number;
  /** ... and hands every message to it this long after taking it (constant per board, as one socket keeps order). */
  downMs: number;
  /** False: the broker is unreachable from this board. */
  online: boolean;
  /** When this board's last delivery is read (one socket keeps the broker's order). */
  readAt: number;
  /** This board's event loop is stalled until then: it reads nothing, but its timers still fire on time afterwards. */
  stalledUntil: number;
  /** Every close this board sent. */
  closes: number;
}

/**
 * A broker on a manual clock: it takes each message `upMs` after its board sent it and delivers
 * it to every board of the group (the sender included) that board's `downMs` later, in the
 * order taken, as one Mosquitto does, and each board reads its socket in that order. Boards'
 * clocks are skewed from each other.
 */
class SimulatedGroup {
  readonly timers = new ManualTimers();
  readonly boards: Board[] = [];

  /** Extra delay of each read (a board's busy event loop, a Wi-Fi retry), different per message and board; order is kept. */
  constructor(private readonly jitterMs: () => number = () => 0) {}

  add(
    site: string,
    options: { upMs?: number; downMs?: number; skewMs?: number; windowMs?: number } = {},
  ): Board {
    const skew = options.skewMs ?? 0;
    const board: Board = {
      site,
      upMs: options.upMs ?? 1,
      downMs: options.downMs ?? 1,
      online: true,
      readAt: 0,
      stalledUntil: 0,
      closes: 0,
      room: undefined as unknown as ArbitrationRoom,
    };
    board.room = new ArbitrationRoom({
      site,
      group: "home",
      windowMs: options.windowMs ?? 200,
      clock: () => this.timers.clock() + skew,
      // A stalled board runs nothing until the stall ends; then its expired timers first (as
      // Node does), its reads next, and what the room defers until after the reads last.
      timer: (ms, fire) => {
        const due = this.timers.clock() + ms;
        return this.timers.timer(ms, () => {
          const wait = board.stalledUntil - due;
          if (wait > 0) this.timers.timer(wait, fire);
          else fire();
        });
      },
      afterReads: (fn) => this.timers.timer(0, fn),
      send: (message) => {
        if ("close" in message) board.closes++;
        if (board.online) this.#take(board, message);
        return board.online;
      },
    });
    this.boards.push(board);
    return board;
  }

  #take(from: Board, message: RoomMessage): void {
    this.timers.timer(from.upMs, () => {
      const now = this.timers.clock();
      for (const to of this.boards) {
        if (!to.online) continue;
        to.readAt = Math.max(to.readAt, to.stalledUntil, now + to.downMs + this.jitterMs());
        this.timers.timer(to.readAt - now, () => to.room.received(message));
      }
    });
  }

  /** Each board claims at its offset (ms); returns every decision once all are made. */
  async trial(
    claims: Array<{ board: Board; atMs: number; wake: WakeClaim }>,
  ): Promise<Map<string, ArbitrationDecision>> {
    const decisions = new Map<string, ArbitrationDecision>();
    for (const { board, atMs, wake } of claims)
      this.timers.timer(atMs, () => {
        void board.room.claim(wake).then((decision) => decisions.set(board.site, decision));
      });
    for (let i = 0; i < 2000 && decisions.size < claims.length; i++) {
      this.timers.advance(1);
      await Promise.resolve();
    }
    return decisions;
  }
}

function wake(runId: string, score: number, level = 20): WakeClaim {
  return { runId, wakeWord: "hey_jarvis", score, level, dbfs: -30, audioMs: 1234 };
}

const winners = (decisions: Map<string, ArbitrationDecision>) =>
  [...decisions].filter(([, d]) => d.won).map(([site]) => site);

describe("ArbitrationRoom: boards of one group on a simulated broker", () => {
  it("50 trials, offsets 0-150 ms, broker delays 0-30 ms, skewed clocks: exactly one acts, the best", async () => {
    const random = prng(16);
    for (let trial = 0; trial < 50; trial++) {
      const group = new SimulatedGroup();
      const sites = ["kitchen", "hallway", "living"];
      const boards = sites.map((site) =>
        group.add(site, {
          upMs: Math.floor(random() * 25),
          downMs: Math.floor(random() * 5),
          skewMs: Math.floor(random() * 1e7) - 5e6,
        }),
      );
      const claims = boards.map((board, i) => ({
        board,
        atMs: Math.floor(random() * 150),
        wake: wake(`${trial}-${i}`, Math.round(random() * 100) / 100, Math.round(random() * 30)),
      }));
      const decisions = await group.trial(claims);
      const best = [...claims].sort(
        (a, b) =>
          Math.round(b.wake.score * 100) - Math.round(a.wake.score * 100) ||
          Math.round(b.wake.level) - Math.round(a.wake.level) ||
          (a.board.site < b.board.site ? -1 : 1),
      )[0];
      expect({ trial, winners: winners(decisions) }).toEqual({ trial, winners: [best?.board.site] });
      for (const decision of decisions.values()) {
        expect(decision.winner).toBe(best?.board.site);
        expect(decision.claims).toHaveLength(3);
        // The window runs from the first claim's return from the broker (at most 25 + 4 ms after
        // it was sent), then the opener's close makes the same trip.
        expect(decision.ms).toBeLessThanOrEqual(258);
      }
    }
  });

  it("500 trials spread past the window (offsets 0-400 ms, delays 0-100 ms): never two, never none", async () => {
    const random = prng(1600);
    for (let trial = 0; trial < 500; trial++) {
      const group = new SimulatedGroup();
      const claims = ["a", "b", "c"].map((site, i) => ({
        board: group.add(site, { upMs: Math.floor(random() * 100), downMs: Math.floor(random() * 20) }),
        atMs: Math.floor(random() * 400),
        wake: wake(`${trial}-${i}`, Math.round(random() * 10) / 10),
      }));
      const decisions = await group.trial(claims);
      expect({ trial, acting: winners(decisions).length }).toEqual({ trial, acting: 1 });
    }
  });

  it("500 trials with each delivery up to 20 ms late at random (busy boards): claims 0-150 ms apart still pick one", async () => {
    const random = prng(2016);
    for (let trial = 0; trial < 500; trial++) {
      const group = new SimulatedGroup(() => random() * 20);
      const claims = ["a", "b", "c"].map((site, i) => ({
        board: group.add(site, { upMs: Math.floor(random() * 25), downMs: Math.floor(random() * 5) }),
        atMs: random() * 150,
        wake: wake(`${trial}-${i}`, Math.round(random() * 10) / 10),
      }));
      const decisions = await group.trial(claims);
      expect({ trial, acting: winners(decisions).length }).toEqual({ trial, acting: 1 });
    }
  });

  it("500 trials with one board's event loop stalled 100-900 ms at its wake word (its timers fire before it reads): still one", async () => {
    const random = prng(2612);
    let opensLate = 0;
    for (let trial = 0; trial < 500; trial++) {
      const group = new SimulatedGroup(() => random() * 5);
      const claims = ["a", "b", "c"].map((site, i) => ({
        board: group.add(site, { upMs: Math.floor(random() * 10), downMs: Math.floor(random() * 5) }),
        atMs: random() * 150,
        wake: wake(`${trial}-${i}`, Math.round(random() * 10) / 10),
      }));
      const stalled = claims[Math.floor(random() * 3)] as (typeof claims)[number];
      stalled.board.stalledUntil = stalled.atMs + 100 + random() * 800;
      if (stalled.board.stalledUntil > 250) opensLate++;
      const decisions = await group.trial(claims);
      expect({ trial, acting: winners(decisions).length }).toEqual({ trial, acting: 1 });
      const named = new Set([...decisions.values()].map((d) => d.winner));
      expect({ trial, winners: [...named] }).toEqual({ trial, winners: [winners(decisions)[0]] });
    }
    // The stalls mostly outlast the window: the case where timers alone split the boards.
    expect(opensLate).toBeGreaterThan(400);
  });

  it("the opener closes its round once; the others only when its close does not come", async () => {
    const group = new SimulatedGroup();
    const kitchen = group.add("kitchen");
    const hallway = group.add("hallway");
    await group.trial([
      { board: kitchen, atMs: 0, wake: wake("k", 0.8) },
      { board: hallway, atMs: 30, wake: wake("h", 0.9) },
    ]);
    expect([kitchen.closes, hallway.closes]).toEqual([1, 0]);

    const dying = new SimulatedGroup();
    const opener = dying.add("kitchen");
    const other = dying.add("hallway");
    const decided = dying.trial([
      { board: opener, atMs: 0, wake: wake("k", 0.9) },
      { board: other, atMs: 30, wake: wake("h", 0.5) },
    ]);
    // The opener's claim is out; then it goes offline before it can close.
    dying.timers.timer(100, () => {
      opener.online = false;
    });
    const decisions = await decided;
    expect(other.closes).toBe(1);
    expect(decisions.get("hallway")).toMatchObject({ won: false, reason: "outranked", winner: "kitchen" });
  });

  it("a slow board (its claim after the window) loses silently; the others decide as if it were not there", async () => {
    const group = new SimulatedGroup();
    const kitchen = group.add("kitchen");
    const hallway = group.add("hallway");
    const slowLink = group.add("attic", { upMs: 250 });
    const slowBoard = group.add("garage");
    const decisions = await group.trial([
      { board: kitchen, atMs: 0, wake: wake("k", 0.8) },
      { board: hallway, atMs: 40, wake: wake("h", 0.7) },
      { board: slowLink, atMs: 10, wake: wake("a", 0.99) },
      { board: slowBoard, atMs: 230, wake: wake("g", 0.99) },
    ]);
    expect(winners(decisions)).toEqual(["kitchen"]);
    // Detected late: its claim came back after the window.
    expect(decisions.get("garage")).toMatchObject({ won: false, reason: "late", winner: "kitchen" });
    // A slow link: its claim reached the broker after the round's close.
    expect(decisions.get("attic")).toMatchObject({ won: false, reason: "late", winner: "kitchen" });
    expect(decisions.get("kitchen")).toMatchObject({ reason: "best" });
    expect(decisions.get("kitchen")?.claims.map((c) => c.site)).toEqual(["kitchen", "hallway"]);
  });

  it("a dead board claims nothing: the living ones decide alone among themselves", async () => {
    const group = new SimulatedGroup();
    const kitchen = group.add("kitchen");
    group.add("hallway").online = false;
    const decisions = await group.trial([{ board: kitchen, atMs: 0, wake: wake("k", 0.5) }]);
    expect(decisions.get("kitchen")).toMatchObject({
      won: true,
      reason: "alone",
      claims: [{ site: "kitchen" }],
    });
  });

  it("broker unreachable: the board acts alone at once, the window costs nothing", async () => {
    const group = new SimulatedGroup();
    const kitchen = group.add("kitchen");
    kitchen.online = false;
    const decision = await kitchen.room.claim(wake("k", 0.9));
    expect(decision).toMatchObject({ won: true, reason: "offline", winner: "kitchen", ms: 0 });
    expect(group.timers.asked).toEqual([]);
  });

  it("a claim the broker never returns: acts alone after two windows (and the reads) when no one else claimed", async () => {
    const group = new SimulatedGroup();
    const kitchen = group.add("kitchen", { upMs: 5000 });
    const decisions = await group.trial([{ board: kitchen, atMs: 0, wake: wake("k", 0.9) }]);
    expect(decisions.get("kitchen")).toMatchObject({ won: true, reason: "no-echo", ms: 401 });
  });

  it("closes the broker loses: each board decides by its own arrival times at the horizon", async () => {
    const group = new SimulatedGroup();
    const kitchen = group.add("kitchen");
    const hallway = group.add("hallway");
    const decided = group.trial([
      { board: kitchen, atMs: 0, wake: wake("k", 0.9) },
      { board: hallway, atMs: 20, wake: wake("h", 0.5) },
    ]);
    // Both claims are out by 100 ms; after that nothing reaches the broker (the closes are lost).
    group.timers.timer(100, () => {
      for (const board of group.boards) board.online = false;
    });
    const decisions = await decided;
    expect(winners(decisions)).toEqual(["kitchen"]);
    // The same-utterance horizon (1.5 s) from the round's opening (2 ms after the claim was
    // sent), decided once the messages waiting were read (1 ms: the next step of the clock).
    expect(decisions.get("kitchen")?.ms).toBe(1503);
  });

  it("shutdown settles a waiting claim (no run hangs on it)", async () => {
    const group = new SimulatedGroup();
    const kitchen = group.add("kitchen");
    const pending = kitchen.room.claim(wake("k", 0.9));
    kitchen.room.dispose();
    await expect(pending).resolves.toMatchObject({ won: true });
    // Only the simulated broker's delivery is left; the room's 200 ms wait was cancelled.
    expect(group.timers.pendingMs()).toEqual([1]);
  });
});
