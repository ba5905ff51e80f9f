import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelineEvent } from "../../src/events/types.js";
import { frameGap, silentFrames } from "../support/fake-stages.js";
import { ManualTimers } from "../support/manual-timers.js";
import { Mosquitto } from "../support/mosquitto.js";
import { Probe, removeTempDirs } from "../support/mqtt-harness.js";
import { startTestBase, type TestBase } from "../support/satellite-base.js";
import { boardConfig, devices, type Satellite, startSatellite } from "../support/satellites.js";
import { waitFor } from "../support/wait-for.js";

/**
 * A question from the base answered on the satellite (docs/rooms.md#follow-ups): "unlock the
 * front door" said to the kitchen satellite needs a spoken yes. The base (in this process:
 * fake transcriber, the real intent stage and MQTT service, the real base server) asks; the
 * satellite (fake wake word and VAD, the real link) speaks the question, opens its follow-up
 * window and streams "yes" to the base as a follow-up of that run, without the wake word; the
 * base joins it to the question by its previousRunId and unlocks. One real Mosquitto.
 */

const S = 16000;
type RunStart = Extract<PipelineEvent, { type: "run-start" }>;
type RunEnd = Extract<PipelineEvent, { type: "run-end" }>;

const frontDoor = {
  id: "front_door",
  name: "front door",
  area: "hallway",
  domain: "lock",
  command_topic: "home/front_door/set",
  schema: "default",
  payload_on: "LOCK",
  payload_off: "UNLOCK",
};

describe("a satellite answers the base's question in its follow-up window", () => {
  let broker: Mosquitto;
  let probe: Probe;
  let base: TestBase;
  let satellite: Satellite;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    probe = await Probe.connect(broker.url, ["home/#", "hermes/tts/say"]);
    const config = boardConfig(broker.url, "pi5", {
      role: "base",
      devices: [...devices, frontDoor],
      satellite: { heartbeat_seconds: 0.5 },
    });
    base = await startTestBase(config, "unlock the front door");
    satellite = startSatellite(broker.url);
    await satellite.link.firstAttempt(10_000);
    await waitFor(() => satellite.link.baseState().state.alive, { what: "the base's heartbeat" });
  });

  afterAll(async () => {
    await satellite?.link.stop();
    await base?.stop();
    await probe?.close();
    await broker?.dispose();
    removeTempDirs();
  });

  /** Feeds the satellite `seconds` more of its scripted audio (no waiting for a run: a window may open meanwhile). */
  async function feed(seconds: number): Promise<void> {
    const from = satellite.position;
    satellite.position += seconds * S;
    for (const frame of silentFrames(satellite.position / S, from)) {
      await satellite.pipeline.process(frame);
      await frameGap();
    }
  }

  function runOf(predicate: (e: RunStart) => boolean): RunStart | undefined {
    return satellite.events.find((e): e is RunStart => e.type === "run-start" && predicate(e));
  }

  function runEnd(runId: string): Promise<RunEnd> {
    return waitFor(
      () => satellite.events.find((e): e is RunEnd => e.type === "run-end" && e.runId === runId),
      {
        what: () => `run-end of ${runId}; events: ${satellite.events.map((e) => e.type).join(", ")}`,
      },
    );
  }

  it("asks, listens without the wake word, and the yes unlocks the door", async () => {
    // 0-6 s: the wake word at 1 s, "unlock the front door" at 1.2-2.5 s.
    await feed(6);
    const askedStart = runOf((e) => e.trigger === "wake-word");
    const asked = await runEnd(askedStart?.runId ?? "");
    expect(asked).toMatchObject({ outcome: "rejected", answeredBy: "pi5" });
    const question = base.events.find((e) => e.type === "intent-rejected" && e.runId === asked.runId);
    expect(question).toMatchObject({ reason: "needs-confirmation", targets: ["front_door"] });
    // The question is said on the satellite (its run waited up to 1 s for it before ending).
    await waitFor(() => satellite.replies.length === 1, { what: "the question at the satellite" });
    expect(satellite.replies).toEqual([expect.stringMatching(/unlock the front door/)]);
    expect(probe.on("home/front_door/set")).toEqual([]);

    // 6-12 s: "yes" at 7.2-8.5 s, heard in the window (the wake word at 7 s plays no part: the
    // window's run is already listening).
    base.transcriber.text = "yes";
    await feed(6);
    const answerStart = runOf((e) => e.trigger === "follow-up");
    expect(answerStart).toMatchObject({ previousRunId: asked.runId });
    const answered = await runEnd(answerStart?.runId ?? "");
    expect(answered).toMatchObject({ outcome: "published", answeredBy: "pi5" });
    // The base ran it as the follow-up of its question, for the kitchen satellite.
    const baseRun = base.events.filter((e) => e.runId === answered.runId);
    expect(baseRun[0]).toMatchObject({
      type: "run-start",
      site: "kitchen",
      trigger: "follow-up",
      previousRunId: asked.runId,
    });
    expect(baseRun.find((e) => e.type === "intent-end")).toMatchObject({
      intent: "HassTurnOff",
      targets: ["front_door"],
    });
    await probe.waitFor((m) => m.some((x) => x.topic === "home/front_door/set"));
    expect(probe.on("home/front_door/set").map((m) => m.payload)).toEqual(["UNLOCK"]);
  });

  it("a yes with no question pending unlocks nothing (the window closed with the answer)", async () => {
    const before = satellite.events.length;
    await feed(6);
    const start = satellite.events.slice(before).find((e): e is RunStart => e.type === "run-start");
    expect(start?.trigger).toBe("wake-word");
    const end = await runEnd(start?.runId ?? "");
    expect(end).toMatchObject({ outcome: "rejected", answeredBy: "pi5" });
    expect(probe.on("home/front_door/set")).toHaveLength(1);
  });
});

describe("a question's result and its words, in either order", () => {
  const question = "say yes to unlock the front door";

  async function setup() {
    const broker = await Mosquitto.start();
    const fakeBase = await Probe.connect(broker.url, ["edge-voice/base/pi5/audio/#"]);
    const online = JSON.stringify({ v: 1, site: "pi5", state: "online", beat: 1 });
    await fakeBase.client.publishAsync("edge-voice/base/pi5/status", online, { qos: 1, retain: true });
    const timers = new ManualTimers();
    const satellite = startSatellite(broker.url, timers);
    await waitFor(() => satellite.link.baseState().state.alive, { what: "the fake base's status" });
    // 6 s of the scripted audio (the window may open before they are all fed: no speak(), which
    // waits for the last run to end).
    const feeding = (async () => {
      for (const frame of silentFrames(6)) {
        await satellite.pipeline.process(frame);
        await frameGap();
      }
    })();
    // The command's end went to the base: it answers that it asked a question.
    await waitFor(() => satellite.events.some((e) => e.type === "stt-vad-end"), { what: "the endpoint" });
    const runId = satellite.events[0]?.runId ?? "";
    const ended = waitFor(
      () => satellite.events.find((e): e is RunEnd => e.type === "run-end" && e.runId === runId),
      { what: "the asking run's end" },
    );
    const result = { v: 1, sessionId: runId, state: "ended", outcome: "rejected", followUpSeconds: 8 };
    await fakeBase.client.publishAsync("edge-voice/base/pi5/result/kitchen", JSON.stringify(result), {
      qos: 1,
    });
    const say = () =>
      fakeBase.client.publishAsync(
        "hermes/tts/say",
        JSON.stringify({ text: question, siteId: "kitchen", sessionId: runId }),
        { qos: 1 },
      );
    const close = async () => {
      await feeding;
      await satellite.link.stop();
      await fakeBase.close();
      await broker.dispose();
    };
    return { satellite, timers, ended, say, close };
  }

  it("the result first: the run ends (and its window opens) only once the question has been said", async () => {
    const { satellite, timers, ended, say, close } = await setup();
    try {
      await timers.waiting(1000);
      expect(satellite.events.some((e) => e.type === "run-end")).toBe(false);
      await say();
      const end = await ended;
      expect(end).toMatchObject({ outcome: "rejected", answeredBy: "pi5" });
      expect(satellite.replies).toEqual([question]);
    } finally {
      await close();
    }
  });

  it("no words at all: the run ends after 1 s anyway (manual clock)", async () => {
    const { satellite, timers, ended, close } = await setup();
    try {
      await timers.waiting(1000);
      timers.advance(1000);
      expect(await ended).toMatchObject({ outcome: "rejected", answeredBy: "pi5" });
      expect(satellite.replies).toEqual([]);
    } finally {
      await close();
    }
  });
});
