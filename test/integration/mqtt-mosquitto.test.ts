import mqtt from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EventBus } from "../../src/events/bus.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import type { RecognizedIntent } from "../../src/intent/types.js";
import type { MqttService } from "../../src/mqtt/service.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import {
  MosquittoSub,
  mqttConfig,
  Probe,
  RecordingControl,
  removeTempDirs,
  until,
} from "../support/mqtt-harness.js";
import { startMqttService } from "../support/mqtt-service.js";
import { CEILING_MS } from "../support/wait-for.js";

afterAll(removeTempDirs);

const DEVICES = [
  {
    id: "kitchen_light",
    name: "kitchen light",
    domain: "light",
    command_topic: "z2m/kitchen/set",
    schema: "json",
    brightness_scale: 254,
  },
  {
    id: "lamp",
    name: "living room lamp",
    domain: "light",
    command_topic: "tasmota/lamp/POWER",
    schema: "default",
    brightness_command_topic: "tasmota/lamp/Dimmer",
    brightness_scale: 100,
  },
  { id: "front_door", name: "front door", domain: "lock", command_topic: "home/door/set", schema: "default" },
  { id: "garage", name: "garage door", domain: "cover", command_topic: "home/garage/set", schema: "json" },
  {
    id: "thermostat",
    name: "thermostat",
    domain: "climate",
    command_topic: "home/thermostat/power",
    temperature_command_topic: "home/thermostat/target",
    schema: "default",
  },
] as const;

function intent(name: string, targets: string[], slots: Record<string, unknown> = {}): RecognizedIntent {
  return { intent: name, targets, slots, source: "template", confidence: 0.9 };
}

describe("MqttService against a real Mosquitto", () => {
  const broker = mosquittoAroundTests();
  let service: MqttService;
  let probe: Probe;
  const bus = new EventBus();
  const control = new RecordingControl();
  const registry = new DeviceRegistry();

  beforeAll(async () => {
    const config = mqttConfig({ site: "kitchen", mqtt: { url: broker.url }, devices: DEVICES as never });
    registry.replaceConfigDevices(config.devices);
    probe = await Probe.connect(broker.url, ["#"]);
    service = await startMqttService({ config, bus, registry, control });
    expect(service.state.state).toBe("connected");
    expect(service.state.protocolVersion).toBe(5);
  });

  afterEach(() => {
    probe.messages.length = 0;
  });

  afterAll(async () => {
    await service?.stop();
    await probe?.close();
  });

  it("announces itself online (retained) and offline on stop", async () => {
    const late = await Probe.connect(broker.url, ["edge-voice/kitchen/status"]);
    await late.waitFor((m) => m.some((x) => x.payload === "online" && x.retain));
    await late.close();
  });

  it("sends each schema's absolute-state commands to the registry's topics, QoS 1, not retained", async () => {
    const published: string[] = [];
    const off = bus.on("mqtt-publish", (e) => published.push(e.topic));
    await service.commands.publishCommand(
      intent("HassLightSet", ["kitchen_light"], { brightness: 50, color: "red" }),
      { runId: "r1", site: "kitchen" },
    );
    await service.commands.publishCommand(intent("HassLightSet", ["lamp"], { brightness: 40 }), {
      runId: "r2",
      site: "kitchen",
    });
    await service.commands.publishCommand(intent("HassTurnOn", ["front_door"]), {
      runId: "r3",
      site: "kitchen",
    });
    await service.commands.publishCommand(intent("HassTurnOff", ["garage"]), {
      runId: "r4",
      site: "kitchen",
    });
    const last = await service.commands.publishCommand(
      intent("HassClimateSetTemperature", ["thermostat"], { temperature: 21.5 }),
      { runId: "r5", site: "kitchen" },
    );
    expect(await last.delivered).toBe("acked");
    off();
    await probe.waitFor((m) => m.some((x) => x.topic === "home/thermostat/target"));
    const light = JSON.parse(probe.on("z2m/kitchen/set")[0]?.payload ?? "{}");
    expect(light).toMatchObject({ state: "ON", brightness: 127, color: { r: 255, g: 0, b: 0 } });
    expect(typeof light.intent_id).toBe("string");
    expect(probe.on("tasmota/lamp/Dimmer").map((m) => m.payload)).toEqual(["40"]);
    expect(probe.on("tasmota/lamp/POWER").map((m) => m.payload)).toEqual(["ON"]);
    expect(probe.on("home/door/set").map((m) => m.payload)).toEqual(["LOCK"]);
    expect(JSON.parse(probe.on("home/garage/set")[0]?.payload ?? "{}")).toMatchObject({ state: "CLOSE" });
    expect(probe.on("home/thermostat/target").map((m) => m.payload)).toEqual(["21.5"]);
    for (const topic of published) expect(probe.on(topic).every((m) => !m.retain)).toBe(true);
    expect(published).toEqual([
      "z2m/kitchen/set",
      "tasmota/lamp/Dimmer",
      "tasmota/lamp/POWER",
      "home/door/set",
      "home/garage/set",
      "home/thermostat/target",
    ]);
  });

  it("gives commands an MQTT 5 message expiry, so the broker itself will not deliver them late", async () => {
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
    const expiries: Array<number | undefined> = [];
    client.on("message", (_topic, _payload, packet) =>
      expiries.push(packet.properties?.messageExpiryInterval),
    );
    await client.subscribeAsync("home/door/set", { qos: 1 });
    const result = await service.commands.publishCommand(intent("HassTurnOff", ["front_door"]), {
      runId: "x1",
      site: "kitchen",
    });
    expect(await result.delivered).toBe("acked");
    await until(
      () => expiries.length > 0,
      CEILING_MS,
      () => "no command",
    );
    expect(expiries[0]).toBeGreaterThanOrEqual(9);
    expect(expiries[0]).toBeLessThanOrEqual(10);
    await client.endAsync();
  });

  it("publishes Hermes messages that an independent client (mosquitto_sub) reads with the reference fields", async () => {
    const sub = await MosquittoSub.start(broker.port, ["hermes/#"]);
    try {
      bus.emit({ type: "run-start", runId: "h1", site: "kitchen" });
      bus.emit({ type: "wake_word-end", runId: "h1", wakeWord: "hey_jarvis", score: 0.97, audioMs: 1200 });
      bus.emit({ type: "stt-end", runId: "h1", text: "turn on the kitchen light", language: "en", ms: 420 });
      bus.emit({
        type: "intent-end",
        runId: "h1",
        intent: "HassTurnOn",
        targets: ["kitchen_light"],
        slots: { name: "kitchen light", brightness: 40 },
        source: "template",
        ms: 3,
        confidence: 0.9,
      });
      bus.emit({ type: "run-end", runId: "h1", outcome: "published", ms: 900 });
      bus.emit({ type: "run-start", runId: "h2", site: "kitchen" });
      bus.emit({ type: "stt-end", runId: "h2", text: "sing me a song", language: "en", ms: 300 });
      bus.emit({ type: "intent-rejected", runId: "h2", reason: "not-recognized" });
      bus.emit({ type: "run-end", runId: "h2", outcome: "rejected", ms: 700 });
      await until(
        () => sub.lines.some((l) => l.startsWith("hermes/nlu/intentNotRecognized")),
        CEILING_MS,
        () => sub.lines.join("\n"),
      );
      const [hotword] = sub.json("hermes/hotword/hey_jarvis/detected") as Array<Record<string, unknown>>;
      expect(hotword).toMatchObject({
        siteId: "kitchen",
        modelId: "hey_jarvis",
        sessionId: "h1",
        currentSensitivity: 0.5, // the configured threshold (Rhasspy), not the score
      });
      const [asr] = sub.json("hermes/asr/textCaptured") as Array<Record<string, unknown>>;
      expect(asr).toMatchObject({
        siteId: "kitchen",
        text: "turn on the kitchen light",
        sessionId: "h1",
        seconds: 0.42,
        wakewordId: "hey_jarvis",
      });
      const [hermesIntent] = sub.json("hermes/intent/HassTurnOn") as Array<Record<string, unknown>>;
      expect(hermesIntent).toMatchObject({
        siteId: "kitchen",
        sessionId: "h1",
        input: "turn on the kitchen light",
        intent: { intentName: "HassTurnOn", confidenceScore: 0.9 },
        asrConfidence: null,
      });
      expect(hermesIntent?.slots).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            entity: "brightness",
            slotName: "brightness",
            rawValue: "40",
            value: { kind: "Number", value: 40 },
          }),
          expect.objectContaining({
            slotName: "name",
            rawValue: "kitchen light",
            value: { kind: "Custom", value: "kitchen light" },
          }),
          expect.objectContaining({
            slotName: "target",
            rawValue: "kitchen light",
            value: { kind: "Custom", value: "kitchen_light" },
          }),
        ]),
      );
      expect(sub.json("hermes/nlu/intentNotRecognized")).toEqual([
        { siteId: "kitchen", input: "sing me a song", id: "h2", sessionId: "h2", customData: null },
      ]);
    } finally {
      sub.stop();
    }
  });

  it("publishes every pipeline event as JSON on its event topic, and the Home Assistant sensor states", async () => {
    bus.emit({ type: "run-start", runId: "e1", site: "kitchen" });
    bus.emit({ type: "stt-end", runId: "e1", text: "what time is it", language: "en", ms: 100 });
    bus.emit({ type: "run-end", runId: "e1", outcome: "rejected", ms: 1234.4 });
    // Sensor states skip the outbox, so they may arrive before the events: wait for both.
    await probe.waitFor(
      (m) =>
        m.some((x) => x.topic === "edge-voice/kitchen/state/latency") &&
        m.some((x) => x.topic === "edge-voice/kitchen/event/run-end" && x.payload.includes('"e1"')),
    );
    const runEnds = probe.on("edge-voice/kitchen/event/run-end").map((m) => JSON.parse(m.payload));
    const runEnd = runEnds.find((e) => e.runId === "e1");
    expect(runEnd).toMatchObject({ type: "run-end", runId: "e1", outcome: "rejected", ms: 1234.4 });
    expect(typeof runEnd.t).toBe("number");
    expect(probe.on("edge-voice/kitchen/state/transcript").at(-1)?.payload).toBe("what time is it");
    expect(
      probe
        .on("edge-voice/kitchen/state/listening")
        .map((m) => m.payload)
        .slice(-2),
    ).toEqual(["ON", "OFF"]);
    const late = await Probe.connect(broker.url, ["edge-voice/kitchen/state/latency"]);
    await late.waitFor((m) => m.some((x) => x.payload === "1234" && x.retain));
    await late.close();
  });

  it("takes mute, Hermes toggles and injected text from control topics, ignoring bad payloads", async () => {
    const c = probe.client;
    await c.publishAsync("edge-voice/kitchen/set/mute", "on", { qos: 1 });
    await c.publishAsync("edge-voice/kitchen/set/mute", "maybe", { qos: 1 });
    await c.publishAsync("hermes/hotword/toggleOff", JSON.stringify({ siteId: "bedroom" }), { qos: 1 });
    await c.publishAsync("hermes/hotword/toggleOff", "{not json", { qos: 1 });
    await c.publishAsync(
      "hermes/hotword/toggleOff",
      JSON.stringify({ siteId: "kitchen", reason: "dialogueSession" }),
      { qos: 1 },
    );
    await c.publishAsync("edge-voice/kitchen/set/text", JSON.stringify({ text: "turn off the lamp" }), {
      qos: 1,
    });
    await c.publishAsync("edge-voice/kitchen/set/text", "   ", { qos: 1 });
    await c.publishAsync("edge-voice/kitchen/set/text", "x".repeat(600), { qos: 1 });
    await c.publishAsync("edge-voice/kitchen/set/text", "lock the front door", { qos: 1, retain: true });
    await c.publishAsync("edge-voice/kitchen/set/text", "turn on the kitchen light", { qos: 1 });
    await until(
      () => control.injected.length === 3,
      CEILING_MS,
      () => JSON.stringify(control.injected),
    );
    expect(control.muted).toBe(true);
    expect(control.wakeEnabled).toBe(false);
    // A retained text published while connected arrives live (retain flag cleared) and runs once...
    expect(control.injected).toEqual([
      "turn off the lamp",
      "lock the front door",
      "turn on the kitchen light",
    ]);
    // ...but a (re)connecting assistant must not run it again from the broker's retained store.
    const again = new RecordingControl();
    const second = await startMqttService({
      config: mqttConfig({
        site: "kitchen",
        mqtt: { url: broker.url, client_id: "second", discovery: false },
      }),
      control: again,
    });
    await c.publishAsync("edge-voice/kitchen/set/mute", "on", { qos: 1 });
    await until(
      () => again.muted,
      CEILING_MS,
      () => "second service never subscribed",
    );
    await second.stop();
    expect(again.injected).toEqual([]);
    await probe.waitFor((m) =>
      m.some((x) => x.topic === "edge-voice/kitchen/state/mute" && x.payload === "ON"),
    );
    await c.publishAsync("edge-voice/kitchen/set/mute", "OFF", { qos: 1 });
    await c.publishAsync("hermes/hotword/toggleOn", JSON.stringify({ siteId: "kitchen" }), { qos: 1 });
    await until(
      () => !control.muted && control.wakeEnabled,
      CEILING_MS,
      () => "mute/toggle not applied",
    );
    await c.publishAsync("edge-voice/kitchen/set/text", "", { qos: 1, retain: true }); // clear the retained text
  });

  it("carries text injected over MQTT into the Hermes intent it leads to (no stt-end for such runs)", async () => {
    const denBus = new EventBus();
    // What the pipeline does with injected text: a run with trigger "text", then the intent.
    class PipelineLike extends RecordingControl {
      override injectText(text: string): boolean {
        super.injectText(text);
        denBus.emit({ type: "run-start", runId: "t1", site: "den", trigger: "text" });
        denBus.emit({
          type: "intent-end",
          runId: "t1",
          intent: "HassTurnOff",
          targets: [],
          slots: {},
          source: "template",
          ms: 1,
        });
        denBus.emit({ type: "run-end", runId: "t1", outcome: "published", ms: 5 });
        return true;
      }
    }
    const den = await startMqttService({
      config: mqttConfig({ site: "den", mqtt: { url: broker.url, discovery: false, learn_devices: false } }),
      bus: denBus,
      control: new PipelineLike(),
    });
    try {
      await probe.client.publishAsync("edge-voice/den/set/text", "turn off the fan", { qos: 1 });
      const messages = await probe.waitFor(
        (m) =>
          m.some((x) => x.topic === "hermes/intent/HassTurnOff") &&
          m.some((x) => x.topic === "edge-voice/den/intent"),
      );
      const hermes = JSON.parse(
        messages.find((x) => x.topic === "hermes/intent/HassTurnOff")?.payload ?? "{}",
      );
      expect(hermes).toMatchObject({ siteId: "den", input: "turn off the fan", sessionId: "t1" });
      const event = JSON.parse(messages.find((x) => x.topic === "edge-voice/den/intent")?.payload ?? "{}");
      expect(event).toMatchObject({ event_type: "recognized", text: "turn off the fan" });
    } finally {
      await den.stop();
    }
  });

  it("announces itself to Home Assistant and again when Home Assistant comes online", async () => {
    const topic = "homeassistant/device/edge_voice_kitchen/config";
    const late = await Probe.connect(broker.url, [topic]);
    const [first] = await late.waitFor((m) => m.length > 0);
    const config = JSON.parse(first?.payload ?? "{}");
    expect(config.device.identifiers).toEqual(["edge_voice_kitchen"]);
    expect(
      Object.values(config.components)
        .map((c) => (c as { platform: string }).platform)
        .sort(),
    ).toEqual(["binary_sensor", "event", "sensor", "sensor", "switch"]);
    expect(config.components.mute.command_topic).toBe("edge-voice/kitchen/set/mute");
    await late.client.publishAsync("homeassistant/status", "online", { qos: 1 });
    await late.waitFor((m) => m.length >= 2);
    await late.close();
  });
});
