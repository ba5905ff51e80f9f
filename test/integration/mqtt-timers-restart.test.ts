import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validate } from "../../src/config/load.js";
import { BoardTimers } from "../../src/daemon/timers.js";
import type { SoundPlayer } from "../../src/feedback/player.js";
import type { MqttService } from "../../src/mqtt/service.js";
import { silentLogger } from "../../src/util/logger.js";
import { testBus } from "../support/bus.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import { Probe, removeTempDirs, tempDir, until } from "../support/mqtt-harness.js";
import { startMqttService } from "../support/mqtt-service.js";
import { CEILING_MS } from "../support/wait-for.js";

afterAll(removeTempDirs);

/**
 * The daemon starts its timers before MQTT (the pipeline is built with their skill): a timer
 * that ended while it was down finishes, and is announced, before any MQTT client exists. Its
 * `timer-finished` must still reach the broker, as every other timer event does.
 */
describe("a timer that ended while the daemon was down, over MQTT (real Mosquitto)", () => {
  const broker = mosquittoAroundTests();
  let probe: Probe;
  let service: MqttService;
  const spoken: string[] = [];
  const bus = testBus();
  const board = new BoardTimers({
    bus,
    logger: silentLogger(),
    env: {},
    hooks: {
      feedbackPlayer: () =>
        ({
          playWav: async () => {},
          speak: async (text: string) => void spoken.push(text),
        }) as unknown as SoundPlayer,
      pipeline: () => null,
    },
  });
  const dir = tempDir("timers-restart");
  const now = Date.now();

  beforeAll(async () => {
    // As the daemon left it: a 10 minute timer that ended 3 minutes ago, and one still running.
    const timer = (id: string, name: string | null, seconds: number, endsAt: number) => ({
      id,
      name,
      area: null,
      site: "kitchen",
      seconds,
      startedAt: endsAt - seconds * 1000,
      endsAt,
      paused: false,
      remainingMs: seconds * 1000,
    });
    const timers = [timer("t1", null, 600, now - 180_000), timer("t2", "pasta", 3600, now + 1_800_000)];
    writeFileSync(path.join(dir, "timers.json"), JSON.stringify({ version: 1, timers }));
    probe = await Probe.connect(broker.url, ["edge-voice/kitchen/#"]);
    const config = validate({ state_dir: dir, site: "kitchen", mqtt: { url: broker.url } });
    // The daemon's order: timers, (pipeline), then MQTT.
    await board.start({ config });
    service = await startMqttService({ config, bus, stateDir: dir, timers: board.control("kitchen") });
  });

  afterAll(async () => {
    await board.stop();
    await service?.stop();
    await probe?.close();
  });

  const last = (topic: string) => probe.on(topic).at(-1)?.payload;
  const waitFor = (topic: string) =>
    until(
      () => last(topic) !== undefined,
      CEILING_MS,
      () => `nothing on ${topic}`,
    );

  it("is announced at start, and its timer-finished reaches MQTT once MQTT starts", async () => {
    await until(
      () => spoken.length > 0,
      CEILING_MS,
      () => "nothing spoken",
    );
    expect(spoken[0]).toBe("your 10 minute timer ended 3 minutes ago");
    await waitFor("edge-voice/kitchen/timer/event");
    expect(JSON.parse(last("edge-voice/kitchen/timer/event") as string)).toEqual({
      event_type: "finished",
      id: "t1",
      name: null,
      seconds: 600,
      late_seconds: 180,
    });
    await waitFor("edge-voice/kitchen/event/timer-finished");
    expect(JSON.parse(last("edge-voice/kitchen/event/timer-finished") as string)).toMatchObject({
      type: "timer-finished",
      timer: { id: "t1", seconds: 600, site: "kitchen" },
      lateSeconds: 180,
    });
    // The retained list holds only the timer still running.
    await waitFor("edge-voice/kitchen/timers");
    expect(JSON.parse(last("edge-voice/kitchen/timers") as string).map((t: { id: string }) => t.id)).toEqual([
      "t2",
    ]);
    // Handed out once: a client replaced by a SIGHUP does not send it again.
    expect(board.control("kitchen")?.takeMissed()).toEqual([]);
    // Said once, not rung: late by minutes, ringing would only alarm.
    expect(board.control("kitchen")?.stopRinging()).toBe(false);
  });
});
