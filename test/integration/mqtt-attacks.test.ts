import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { EventBus } from "../../src/events/bus.js";
import type { PipelineEvent } from "../../src/events/types.js";
import { createIntentHandler } from "../../src/intent/create.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import { MqttService } from "../../src/mqtt/service.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { silentLogger } from "../../src/util/logger.js";
import {
  FakeTranscriber,
  FakeVad,
  FakeWake,
  frameGap,
  quietListening,
  silentFrames,
} from "../support/fake-stages.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import { captureLogger, mqttConfig, Probe, removeTempDirs, tempDir, until } from "../support/mqtt-harness.js";

/**
 * The attacks of issue 13 against the whole chain: a real Mosquitto, the MQTT service, the
 * real intent handler and policy, and a pipeline whose wake word, VAD and STT are fakes
 * (what matters here is who asked, not how well it heard).
 */
const S = 16000;
const HOME = parse(readFileSync("test/fixtures/intent/home.yaml", "utf8")) as Record<string, unknown>;

afterAll(removeTempDirs);

const broker = mosquittoAroundTests();
let probe: Probe;

beforeAll(async () => {
  probe = await Probe.connect(broker.url, ["home/#"]);
});

afterAll(async () => {
  await probe?.close();
});

interface House {
  pipeline: Pipeline;
  service: MqttService;
  registry: DeviceRegistry;
  events: PipelineEvent[];
  transcriber: FakeTranscriber;
  logs: Array<Record<string, unknown>>;
  /** Feeds silent audio up to `seconds` of stream time from `from` seconds. */
  feed(seconds: number, from: number): Promise<void>;
  /** Publishes to edge-voice's set/text as anyone on the broker could. */
  type(text: string): Promise<void>;
  clock: { ms: number };
}

let houses: House[] = [];

afterEach(async () => {
  for (const house of houses) await house.service.stop();
  houses = [];
  probe.messages.length = 0;
});

async function house(
  options: {
    wakeAt?: number[];
    speech?: [number, number][];
    overrides?: Record<string, unknown>;
    mqtt?: Record<string, unknown>;
    site?: string;
  } = {},
): Promise<House> {
  const site = options.site ?? `attack${houses.length}${Date.now() % 100000}`;
  const config = mqttConfig({
    ...HOME,
    site,
    state_dir: tempDir("state"),
    // Each house has its own discovery prefix, so retained announcements stay with their test.
    mqtt: { url: broker.url, learn_devices: false, discovery_prefix: `ha_${site}`, ...options.mqtt },
    ...options.overrides,
  } as never);
  const registry = new DeviceRegistry(config.devices);
  const events: PipelineEvent[] = [];
  const bus = new EventBus();
  bus.onAny((e) => events.push(e));
  const capture = captureLogger();
  const intent = await createIntentHandler(config, registry, silentLogger());
  const transcriber = new FakeTranscriber("unlock the front door");
  const clock = { ms: 0 };
  const service = MqttService.create({
    config,
    bus,
    registry,
    stateDir: config.state_dir as string,
    logger: capture.logger,
  });
  const pipeline = new Pipeline({
    site,
    bus,
    wake: new FakeWake(options.wakeAt ?? []),
    vad: new FakeVad(options.speech ?? []),
    transcriber,
    intent,
    commands: service.commands,
    ...quietListening(),
    clock: () => clock.ms,
  });
  await service.start({ control: pipeline });
  const text = `edge-voice/${site}/set/text`;
  const h: House = {
    pipeline,
    service,
    registry,
    events,
    transcriber,
    logs: capture.lines,
    clock,
    async feed(seconds, from) {
      // A turn of the event loop between frames, as a microphone's: the run's steps after the
      // command's end go on off the frame path.
      for (const frame of silentFrames(seconds, from * S)) {
        await pipeline.process(frame);
        await frameGap();
      }
    },
    async type(message) {
      const ends = events.filter((e) => e.type === "run-end").length;
      await probe.client.publishAsync(text, message, { qos: 1 });
      await until(
        () => events.filter((e) => e.type === "run-end").length > ends,
        5000,
        () => `no run ended after "${message}": ${JSON.stringify(events)}`,
      );
    },
  };
  houses.push(h);
  return h;
}

const rejections = (events: PipelineEvent[]) =>
  events.filter((e) => e.type === "intent-rejected").map((e) => (e as { reason: string }).reason);

/** A harmless command as a fence: once it has arrived, anything published before it would have too. */
async function fence(h: House): Promise<void> {
  await h.type("turn on the kitchen light");
  await probe.waitFor((m) => m.some((x) => x.topic === "home/kitchen_light/set"));
}

const sentTo = (topic: string) => probe.on(topic).map((m) => m.payload);

describe("a typed yes does not unlock (issue 13 item 1)", () => {
  it("set/text cannot ask to unlock or open, nor confirm with a typed yes", async () => {
    const h = await house();
    await h.type("unlock the front door");
    await h.type("yes");
    await h.type("open the garage door");
    await h.type("yes");
    await h.type("open the gate");
    await fence(h);
    expect(rejections(h.events)).toEqual([
      "voice-only",
      "not-recognized",
      "voice-only",
      "not-recognized",
      "voice-only",
    ]);
    expect(sentTo("home/front_door/set")).toEqual([]);
    expect(sentTo("home/garage_door/set")).toEqual([]);
    expect(sentTo("home/driveway_gate/set")).toEqual([]);
  });

  it("an MQTT yes does not confirm a spoken request; a spoken yes does", async () => {
    // Wake at 1 s, "unlock the front door" 1.2-2.5 s, then "yes" 4.2-4.6 s in the follow-up.
    const h = await house({
      wakeAt: [1 * S],
      speech: [
        [1.2 * S, 2.5 * S],
        [4.2 * S, 4.6 * S],
      ],
    });
    await h.feed(3.5, 0);
    expect(rejections(h.events)).toEqual(["needs-confirmation"]);
    // Typed while the spoken follow-up listens: text never cancels a voice run, so it waits
    // for the follow-up, and when it runs there is nothing it could confirm.
    await probe.client.publishAsync(h.service.topics.setText, "yes", { qos: 1 });
    h.transcriber.text = "yes";
    await h.feed(7, 3.5);
    await probe.waitFor((m) => m.some((x) => x.topic === "home/front_door/set"));
    await until(
      () => h.events.filter((e) => e.type === "run-start" && e.trigger === "text").length === 1,
      30_000,
      () => `the typed yes never ran: ${JSON.stringify(h.events.map((e) => e.type))}`,
    );
    await fence(h);
    expect(sentTo("home/front_door/set")).toHaveLength(1);
    const typed = h.events.find((e) => e.type === "run-start" && e.trigger === "text");
    const unlock = h.events.find((e) => e.type === "intent-end" && e.targets.includes("front_door"));
    expect(unlock?.runId).not.toBe(typed?.runId);
  });

  it("intent.allow_sensitive_from_text lets text ask and confirm, and only text", async () => {
    const h = await house({ overrides: { intent: { allow_sensitive_from_text: true } } });
    await h.type("unlock the front door");
    await h.type("yes");
    await probe.waitFor((m) => m.some((x) => x.topic === "home/front_door/set"));
    expect(rejections(h.events)).toEqual(["needs-confirmation"]);
  });
});

describe("the confirmation window ends in wall time (issue 13 item 2)", () => {
  it("a spoken yes 20 s later with the audio stalled does not unlock", async () => {
    const h = await house({
      wakeAt: [1 * S],
      speech: [
        [1.2 * S, 2.5 * S],
        [3.8 * S, 4.2 * S],
      ],
    });
    await h.feed(3.5, 0);
    expect(rejections(h.events)).toEqual(["needs-confirmation"]);
    // The audio stalls (a paused recorder): 20 s of wall time pass, 0.3 s of audio.
    h.clock.ms += 20_000;
    h.transcriber.text = "yes";
    await h.feed(6, 3.5);
    expect(rejections(h.events)).toEqual(["needs-confirmation", "confirmation-expired"]);
    await fence(h);
    expect(sentTo("home/front_door/set")).toEqual([]);
  });
});

/** Retained, as an attacker on the broker would leave it before edge-voice starts. */
async function announce(prefix: string, path: string, payload: Record<string, unknown>): Promise<void> {
  await probe.client.publishAsync(`${prefix}/${path}`, JSON.stringify(payload), { qos: 1, retain: true });
}

async function learningHouse(
  mqtt: Record<string, unknown>,
  announcements: Array<[string, Record<string, unknown>]>,
) {
  // A discovery prefix of its own, announced into before the house starts.
  const prefix = `ha_pre${Date.now()}`;
  for (const [path, payload] of announcements) await announce(prefix, path, payload);
  const h = await house({
    wakeAt: [1 * S],
    speech: [[1.2 * S, 2.5 * S]],
    mqtt: { learn_devices: true, discovery_prefix: prefix, ...mqtt },
  });
  const warned = () => h.logs.filter((l) => l.level === 40 && /discovery entit/.test(String(l.msg)));
  await until(
    () => warned().length >= announcements.length,
    5000,
    () => `no warnings: ${JSON.stringify(h.logs.map((l) => l.msg))}`,
  );
  return { h, warnings: warned().map((l) => String(l.msg)) };
}

describe("learned devices cannot borrow a configured device's topic (issue 13 items 3-4)", () => {
  it("a retained 'porch light' switch on the lock's topic does not unlock on 'turn on the porch light'", async () => {
    const { h, warnings } = await learningHouse({}, [
      [
        "switch/evil/porch_light/config",
        {
          name: "porch light",
          command_topic: "home/front_door/set",
          payload_on: "UNLOCK",
          payload_off: "UNLOCK",
        },
      ],
    ]);
    expect(warnings).toEqual([
      "discovery entity not learned: its command topic belongs to the configured lock front_door",
    ]);
    expect(h.registry.get("porch_light")).toBeUndefined();
    h.transcriber.text = "turn on the porch light";
    await h.feed(4, 0);
    await h.type("turn on the porch light");
    await h.type("turn off the porch light");
    await fence(h);
    expect(rejections(h.events)).toEqual(["not-recognized", "not-recognized", "not-recognized"]);
    expect(sentTo("home/front_door/set")).toEqual([]);
  });

  it("a cover 'shed door' without a class on the garage's topic does not open the garage unasked", async () => {
    const { h, warnings } = await learningHouse({ learn_domains: ["light", "cover"] }, [
      ["cover/evil/shed_door/config", { name: "shed door", command_topic: "home/garage_door/set" }],
    ]);
    expect(warnings[0]).toMatch(/belongs to the configured cover garage_door/);
    h.transcriber.text = "open the shed door";
    await h.feed(4, 0);
    await fence(h);
    expect(rejections(h.events)).toEqual(["not-recognized"]);
    expect(sentTo("home/garage_door/set")).toEqual([]);
  });

  it("a learned 'front door' in the same area leaves the configured one reachable, with a warning", async () => {
    const { h, warnings } = await learningHouse({ learn_domains: ["lock"] }, [
      [
        "lock/evil/front/config",
        { name: "front door", command_topic: "evil/front/set", device: { suggested_area: "hallway" } },
      ],
    ]);
    expect(warnings[0]).toMatch(/same name and area as the configured device front_door/);
    await h.type("lock the front door");
    await probe.waitFor((m) => m.some((x) => x.topic === "home/front_door/set"));
    expect(sentTo("home/front_door/set")).toHaveLength(1);
  });
});

describe("input from the broker is bounded (issue 13 item 12)", () => {
  it("2,000 homeassistant/status 'online' messages do not give 12,000 publishes", async () => {
    const h = await house();
    const site = (h.service.topics.base.split("/")[1] ?? "") as string;
    const watch = await Probe.connect(broker.url, [`edge-voice/${site}/#`]);
    try {
      await watch.waitFor((m) => m.some((x) => x.topic.endsWith("/status")));
      watch.messages.length = 0;
      const flood = Array.from({ length: 2000 }, () =>
        probe.client.publishAsync(`ha_${site}/status`, "online", { qos: 0 }),
      );
      await Promise.all(flood);
      await fence(h);
      await new Promise((resolve) => setTimeout(resolve, 500));
      // One leading round of the retained topics (status, discovery lives under ha_, states)...
      const statuses = watch.on(`edge-voice/${site}/status`);
      expect(statuses).toHaveLength(1);
      // ...and nothing close to six publishes a message.
      expect(watch.messages.filter((m) => m.retain || m.topic.includes("/state/")).length).toBeLessThan(20);
    } finally {
      await watch.close();
    }
  });

  it("a retained set/mute left on the broker does not mute the board when it connects", async () => {
    const site = `mute${Date.now() % 100000}`;
    await probe.client.publishAsync(`edge-voice/${site}/set/mute`, "on", { qos: 1, retain: true });
    try {
      const h = await house({ site });
      await fence(h);
      expect(h.pipeline.isMuted()).toBe(false);
    } finally {
      await probe.client.publishAsync(`edge-voice/${site}/set/mute`, "", { qos: 1, retain: true });
    }
  });
});
