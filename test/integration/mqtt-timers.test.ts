import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timerControl } from "../../src/daemon/timers.js";
import { EventBus } from "../../src/events/bus.js";
import { TimerRinger } from "../../src/feedback/timer-ringer.js";
import type { MqttService } from "../../src/mqtt/service.js";
import { TimerService } from "../../src/skills/timers/service.js";
import { ringWords } from "../../src/skills/timers/speech.js";
import { silentLogger } from "../../src/util/logger.js";
import { ManualTimers } from "../support/manual-timers.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import { captureLogger, mqttConfig, Probe, removeTempDirs, until } from "../support/mqtt-harness.js";
import { startMqttService } from "../support/mqtt-service.js";
import { CEILING_MS } from "../support/wait-for.js";

afterAll(removeTempDirs);

const WALL0 = Date.UTC(2026, 11, 2, 12, 0, 0);

describe("timers over MQTT (real Mosquitto)", () => {
  const broker = mosquittoAroundTests();
  let service: MqttService;
  let probe: Probe;
  const clock = new ManualTimers();
  const bus = new EventBus();
  const played: string[] = [];
  const timers = new TimerService({
    bus,
    store: null,
    logger: silentLogger(),
    clock: clock.clock,
    wallClock: () => WALL0 + clock.clock(),
    timer: clock.timer,
  });
  const ringer = new TimerRinger({
    player: { playWav: async () => {}, speak: async (text) => void played.push(text) },
    voice: "en-us",
    limitMs: 60_000,
    pauseMs: 4000,
    words: ringWords,
    clock: clock.clock,
    sleep: clock.sleep,
  }).attach(bus);
  const log = captureLogger("warn");

  beforeAll(async () => {
    probe = await Probe.connect(broker.url, ["edge-voice/kitchen/#", "homeassistant/device/#"]);
    timers.start();
    timers.startTimer({ seconds: 600, name: "pasta", site: "kitchen" });
    service = await startMqttService({
      config: mqttConfig({ site: "kitchen", mqtt: { url: broker.url } }),
      bus,
      logger: log.logger,
      timers: timerControl(timers, ringer, "kitchen"),
    });
  });

  afterAll(async () => {
    ringer.dispose();
    timers.stop();
    await service?.stop();
    await probe?.close();
  });

  const last = (topic: string) => probe.on(topic).at(-1)?.payload;
  const waitFor = (topic: string, check: (payload: string | undefined) => boolean) =>
    until(
      () => check(last(topic)),
      CEILING_MS,
      () => `${topic}: ${last(topic)}`,
    );

  it("publishes the retained list, the next end and Home Assistant entities", async () => {
    await waitFor("edge-voice/kitchen/timers", (p) => p !== undefined);
    expect(JSON.parse(last("edge-voice/kitchen/timers") as string)).toEqual([
      {
        id: "t1",
        name: "pasta",
        seconds: 600,
        endsAt: "2026-12-02T12:10:00.000Z",
        paused: false,
        area: null,
      },
    ]);
    await waitFor("edge-voice/kitchen/state/next_timer", (p) => p === "2026-12-02T12:10:00.000Z");
    const discovery = JSON.parse(last("homeassistant/device/edge_voice_kitchen/config") as string);
    expect(discovery.components.next_timer).toMatchObject({ platform: "sensor", device_class: "timestamp" });
    expect(discovery.components.timer).toMatchObject({
      platform: "event",
      state_topic: "edge-voice/kitchen/timer/event",
    });
    expect(discovery.components.stop_timer).toMatchObject({
      platform: "button",
      command_topic: "edge-voice/kitchen/set/timer",
    });
  });

  it("follows changes, sends an event per finished timer, and stops the ringing on set/timer", async () => {
    timers.startTimer({ seconds: 60, site: "kitchen" });
    await waitFor("edge-voice/kitchen/timers", (p) => (p ? JSON.parse(p).length === 2 : false));
    await waitFor("edge-voice/kitchen/state/next_timer", (p) => p === "2026-12-02T12:01:00.000Z");
    clock.advance(60_000);
    await waitFor("edge-voice/kitchen/timer/event", (p) => p?.includes('"finished"') ?? false);
    expect(JSON.parse(last("edge-voice/kitchen/timer/event") as string)).toEqual({
      event_type: "finished",
      id: "t2",
      name: null,
      seconds: 60,
      late_seconds: 0,
    });
    expect(probe.on("edge-voice/kitchen/timer/event").every((m) => !m.retain)).toBe(true);
    await until(
      () => ringer.isRinging("kitchen"),
      CEILING_MS,
      () => "ringing",
    );
    expect(played).toEqual(["your 1 minute timer is done"]);
    await probe.client.publishAsync("edge-voice/kitchen/set/timer", "stop", { qos: 1 });
    await until(
      () => !ringer.isRinging("kitchen"),
      CEILING_MS,
      () => "still ringing",
    );
    await waitFor("edge-voice/kitchen/timers", (p) => (p ? JSON.parse(p).length === 1 : false));
  });

  it("cancels by id over set/timer, and ignores malformed payloads with a log line", async () => {
    const before = log.lines.length;
    for (const bad of [
      "",
      "cancel",
      "explode",
      "{not json",
      '{"action":"cancel","id":"../../x"}',
      "x".repeat(300),
      "cancel t99",
    ])
      await probe.client.publishAsync("edge-voice/kitchen/set/timer", bad, { qos: 1 });
    await until(
      () => log.lines.length - before >= 7,
      CEILING_MS,
      () => JSON.stringify(log.lines.slice(before)),
    );
    expect(
      log.lines.slice(before).every((l) => String(l.msg).startsWith("ignored a timer control message")),
    ).toBe(true);
    expect(timers.list("kitchen")).toHaveLength(1);
    await probe.client.publishAsync(
      "edge-voice/kitchen/set/timer",
      JSON.stringify({ action: "cancel", id: "t1" }),
      { qos: 1 },
    );
    await waitFor("edge-voice/kitchen/timers", (p) => p === "[]");
    // Published just after the list: it may reach the probe a moment later.
    await waitFor("edge-voice/kitchen/state/next_timer", (p) => p === "None");
    await waitFor("edge-voice/kitchen/timer/event", (p) => p?.includes('"cancelled"') ?? false);
  });
});
