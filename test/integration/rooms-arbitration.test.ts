import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AudioFrame } from "../../src/audio/format.js";
import { configSchema } from "../../src/config/schema.js";
import type { PipelineEvent } from "../../src/events/types.js";
import { MqttArbitration } from "../../src/mqtt/arbitration.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import type { Claim, RoomMessage } from "../../src/rooms/claims.js";
import { silentLogger } from "../../src/util/logger.js";
import type { WakeDetection, WakeWordDetector } from "../../src/wake/detector.js";
import { testBus } from "../support/bus.js";
import {
  FakeCommands,
  FakeIntent,
  FakeTranscriber,
  FakeVad,
  frameGap,
  kitchenOn,
  quietListening,
} from "../support/fake-stages.js";
import { ManualTimers } from "../support/manual-timers.js";
import { prng } from "../support/mixed-audio.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import { waitFor } from "../support/wait-for.js";

/**
 * Three boards (pipelines with fake stages, each with a real MqttArbitration client) on one
 * real Mosquitto. Time is a manual clock shared by the boards, each skewed by hours from the
 * others, with audio clocks far apart too: the test sets the clock to each board's moment of
 * detection, lets the real broker deliver that claim to every board, and only then moves on,
 * so every trial is exactly reproducible from its seed, and no 200 ms window is waited for.
 */

const S = 16000;
const FRAME = 1280;
/** Each trial is 8 s of audio per board: a wake word at 1 s, a command from 1.2 s to 2.5 s. */
const TRIAL_SECONDS = 8;

/** Fires at the listed stream positions, when armed, with the score the test sets for that trial. */
class ScriptedWake implements WakeWordDetector {
  readonly engine = "fake";
  readonly wakeWords = ["hey_jarvis"];
  score = 0.9;
  armed = false;
  constructor(private readonly firesAt: number[]) {}
  async process(frame: AudioFrame): Promise<WakeDetection | null> {
    const end = frame.startSample + frame.samples.length;
    const index = this.firesAt.findIndex((at) => at > frame.startSample && at <= end);
    if (index < 0) return null;
    this.firesAt.splice(index, 1);
    if (!this.armed) return null;
    return { wakeWord: "hey_jarvis", score: this.score, endSample: end };
  }
  reset(): void {}
  async dispose(): Promise<void> {}
}

interface Board {
  site: string;
  pipeline: Pipeline;
  wake: ScriptedWake;
  commands: FakeCommands;
  arbitration: MqttArbitration;
  events: PipelineEvent[];
  heard: Claim[];
  /** Closes this board sent, and closes it heard (its own included). */
  closesSent: number;
  closesHeard: number;
  /** Where this board's audio clock starts: boards started at different times. */
  origin: number;
  /** Next stream position to feed, relative to `origin`. */
  position: number;
}

const timers = new ManualTimers();
const broker = mosquittoAroundTests();
const boards: Board[] = [];

function board(site: string, skewMs: number, origin: number, trials: number): Board {
  const config = configSchema.parse({
    site,
    // The broker comes back within a second in the outage test: retry at once, then every 0.1-1 s.
    mqtt: { url: broker.url, reconnect_min_seconds: 0.1, reconnect_max_seconds: 1 },
    rooms: { group: "home", arbitration_ms: 200 },
  });
  const firesAt = Array.from({ length: trials }, (_, i) => origin + (i * TRIAL_SECONDS + 1) * S);
  const speech = Array.from({ length: trials }, (_, i): [number, number] => [
    origin + (i * TRIAL_SECONDS + 1.2) * S,
    origin + (i * TRIAL_SECONDS + 2.5) * S,
  ]);
  const heard: Claim[] = [];
  const counts = { closesSent: 0, closesHeard: 0 };
  const arbitration = MqttArbitration.start({
    config,
    logger: silentLogger(),
    clock: () => timers.clock() + skewMs,
    timer: timers.timer,
    // The manual clock fires timers inside advance(): a close goes out there and then, and the
    // test waits for it to reach every board before it moves on.
    afterReads: (fn) => fn(),
    onMessage: (message: RoomMessage, direction) => {
      if ("claim" in message) {
        if (direction === "heard") heard.push(message.claim);
      } else if (direction === "sent") self.closesSent++;
      else self.closesHeard++;
    },
  }) as MqttArbitration;
  const events: PipelineEvent[] = [];
  const bus = testBus();
  bus.onAny((event) => events.push(event));
  const wake = new ScriptedWake(firesAt);
  const commands = new FakeCommands();
  const pipeline = new Pipeline({
    site,
    bus,
    wake,
    vad: new FakeVad(speech),
    transcriber: new FakeTranscriber(),
    intent: new FakeIntent({ "turn on the kitchen light": { kind: "execute", intent: kitchenOn, ms: 1 } }),
    commands,
    ...quietListening(),
  });
  pipeline.rooms.set(arbitration);
  const self: Board = {
    site,
    pipeline,
    wake,
    commands,
    arbitration,
    events,
    heard,
    origin,
    position: 0,
    ...counts,
  };
  return self;
}

/** Moves the manual clock on, then waits until every close it made a board send reached every board. */
async function advance(ms: number, listening: Board[]): Promise<void> {
  timers.advance(ms);
  const sent = () => boards.reduce((sum, b) => sum + b.closesSent, 0);
  await waitFor(() => listening.every((b) => b.closesHeard >= sent()), {
    what: "every close delivered to every board",
  });
}

/** Feeds `b` silent frames up to `seconds` into its stream (positions relative to its origin). */
async function feedTo(b: Board, seconds: number): Promise<void> {
  const end = Math.round(seconds * S);
  while (b.position < end) {
    const length = Math.min(FRAME, end - b.position);
    await b.pipeline.process({ samples: new Int16Array(length), startSample: b.origin + b.position });
    await frameGap();
    b.position += length;
  }
}

/**
 * One wake word heard by `claimants` at their offsets (ms): each board's wake frame is fed at
 * its moment on the manual clock, and its claim is delivered by the broker to every board
 * before the clock moves on. Then the window is stepped through and every board finishes.
 * Returns the sites that acted.
 */
async function trial(
  index: number,
  claimants: Array<{ board: Board; offsetMs: number; score: number }>,
): Promise<string[]> {
  const start = index * TRIAL_SECONDS;
  const before = boards.map((b) => b.commands.published.length);
  const listening = boards.filter((b) => b.arbitration.ready);
  for (const b of boards) b.wake.armed = claimants.some((c) => c.board === b);
  // Up to just before the wake frame (the wake fires in the frame ending at 1.04 s).
  await Promise.all(boards.map((b) => feedTo(b, start + 0.96)));
  let now = 0;
  for (const { board: b, offsetMs, score } of [...claimants].sort((x, y) => x.offsetMs - y.offsetMs)) {
    await advance(offsetMs - now, listening);
    now = offsetMs;
    b.wake.score = score;
    const runs = b.events.filter((e) => e.type === "run-start").length;
    await feedTo(b, start + 1.04);
    expect(b.events.filter((e) => e.type === "run-start").length).toBe(runs + 1);
    if (b.arbitration.ready) {
      const runId = (b.events.findLast((e) => e.type === "run-start") as { runId: string }).runId;
      await waitFor(() => listening.every((l) => l.heard.some((c) => c.runId === runId)), {
        what: `${b.site}'s claim delivered to every board`,
      });
    }
  }
  // Everyone else's audio catches up to the wake word too (boards that did not hear it).
  await Promise.all(boards.map((b) => feedTo(b, start + 1.04)));
  await advance(1000 - now, listening);
  await Promise.all(boards.map((b) => feedTo(b, start + TRIAL_SECONDS)));
  await Promise.all(boards.map((b) => b.pipeline.finish()));
  // The clock keeps pace with the audio: the next wake word is a new round.
  await advance((TRIAL_SECONDS - 1) * 1000, listening);
  return boards.filter((b, i) => b.commands.published.length > (before[i] ?? 0)).map((b) => b.site);
}

const TRIALS = 60;

beforeAll(async () => {
  boards.push(
    board("kitchen", 0, 0, TRIALS),
    board("hallway", 3_600_000, 17 * S, TRIALS),
    board("living", -86_400_000, 123 * S, TRIALS),
  );
  await waitFor(() => boards.every((b) => b.arbitration.ready), { what: "every board subscribed" });
});

afterAll(async () => {
  await Promise.all(boards.map((b) => b.arbitration.stop()));
});

const rank = (a: { score: number; board: Board }, b: { score: number; board: Board }) =>
  Math.round(b.score * 100) - Math.round(a.score * 100) || (a.board.site < b.board.site ? -1 : 1);

describe("rooms: three boards on one Mosquitto answer each wake word once", () => {
  it("50 trials, random offsets 0-150 ms, scores and skewed clocks: exactly one acts, the best", async () => {
    const random = prng(1616);
    for (let i = 0; i < 50; i++) {
      const claimants = boards.map((b) => ({
        board: b,
        offsetMs: Math.floor(random() * 151),
        score: Math.round(random() * 50 + 50) / 100,
      }));
      const best = [...claimants].sort(rank)[0]?.board.site;
      const acted = await trial(i, claimants);
      expect({ trial: i, acted }).toEqual({ trial: i, acted: [best] });
    }
    for (const b of boards) {
      const outcomes = b.events.filter((e) => e.type === "run-end").map((e) => e.outcome);
      expect(outcomes.length).toBe(50);
      expect(outcomes.every((o) => o === "published" || o === "lost-arbitration")).toBe(true);
      // Losers decided within the window end at their next frame: they never transcribe or recognize.
      const lostRuns = b.events.filter((e) => e.type === "run-end" && e.outcome === "lost-arbitration");
      for (const lost of lostRuns)
        expect(b.events.some((e) => e.type === "intent-end" && e.runId === lost.runId)).toBe(false);
    }
  });

  it("a slow board (its claim after the window) loses; the two in time decide between them", async () => {
    const [kitchen, hallway, living] = boards as [Board, Board, Board];
    const acted = await trial(50, [
      { board: kitchen, offsetMs: 0, score: 0.7 },
      { board: hallway, offsetMs: 100, score: 0.8 },
      { board: living, offsetMs: 260, score: 0.99 },
    ]);
    expect(acted).toEqual(["hallway"]);
    expect(living.events.findLast((e) => e.type === "arbitration")).toMatchObject({
      won: false,
      reason: "late",
      winner: "hallway",
    });
    expect(hallway.events.findLast((e) => e.type === "arbitration")).toMatchObject({
      won: true,
      reason: "best",
      claims: [{ site: "kitchen" }, { site: "hallway" }],
    });
  });

  it("a board that heard nothing (or is dead) changes nothing: the one that heard it acts alone", async () => {
    const [kitchen] = boards as [Board, Board, Board];
    const acted = await trial(51, [{ board: kitchen, offsetMs: 0, score: 0.6 }]);
    expect(acted).toEqual(["kitchen"]);
    expect(kitchen.events.findLast((e) => e.type === "arbitration")).toMatchObject({
      won: true,
      reason: "alone",
    });
  });

  it("a claim that is not one (hostile or broken) is ignored and the round goes on", async () => {
    const { default: mqtt } = await import("mqtt");
    const intruder = await mqtt.connectAsync(broker.url);
    await intruder.publishAsync("edge-voice/rooms/home/claim", '{"v":1,"site":"x","score":"high"}');
    await intruder.publishAsync("edge-voice/rooms/home/claim", Buffer.alloc(4096, 1));
    await intruder.endAsync();
    const [kitchen, hallway] = boards as [Board, Board, Board];
    const acted = await trial(52, [
      { board: kitchen, offsetMs: 0, score: 0.6 },
      { board: hallway, offsetMs: 50, score: 0.9 },
    ]);
    expect(acted).toEqual(["hallway"]);
  });

  it("broker down: every board that hears the wake word acts alone, at once, without the window", async () => {
    await broker.stop();
    await waitFor(() => boards.every((b) => !b.arbitration.ready), {
      what: "every board sees the broker gone",
    });
    const [kitchen] = boards as [Board, Board, Board];
    const pending = timers.pendingMs().length;
    const acted = await trial(53, [{ board: kitchen, offsetMs: 0, score: 0.9 }]);
    expect(acted).toEqual(["kitchen"]);
    expect(kitchen.events.findLast((e) => e.type === "arbitration")).toMatchObject({
      won: true,
      reason: "offline",
      ms: 0,
    });
    expect(timers.pendingMs().length).toBe(pending);
    // Back again: the boards rejoin the group by themselves.
    await broker.restart();
    await waitFor(() => boards.every((b) => b.arbitration.ready), { what: "every board back in the group" });
    const [, hallway, living] = boards as [Board, Board, Board];
    const again = await trial(54, [
      { board: hallway, offsetMs: 0, score: 0.9 },
      { board: living, offsetMs: 30, score: 0.95 },
    ]);
    expect(again).toEqual(["living"]);
  });
});
