import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boardSkills } from "../../src/daemon/skills.js";
import { EventBus } from "../../src/events/bus.js";
import type { PipelineEvent } from "../../src/events/types.js";
import { createIntentHandler } from "../../src/intent/create.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import { MqttService } from "../../src/mqtt/service.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { DeviceStateStore } from "../../src/skills/state-store.js";
import { silentLogger } from "../../src/util/logger.js";
import { FakeTranscriber, FakeVad, FakeWake } from "../support/fake-stages.js";
import { Mosquitto } from "../support/mosquitto.js";
import { mqttConfig, Probe, removeTempDirs, tempDir } from "../support/mqtt-harness.js";
import { waitFor } from "../support/wait-for.js";

/**
 * Issue 15: a state question answered from a retained state topic, end to end through a real
 * Mosquitto: the state the lock published before edge-voice started, the question as text on
 * set/text, the answer on intent-end.speech, hermes/tts/say and the event topic.
 */
describe("state answers from a real broker", () => {
  let broker: Mosquitto;
  let probe: Probe;
  let service: MqttService;
  const events: PipelineEvent[] = [];
  const states = new DeviceStateStore();

  beforeAll(async () => {
    broker = await Mosquitto.start();
    probe = await Probe.connect(broker.url, ["hermes/tts/say", "edge-voice/hall/event/#"]);
    // The lock reported its state (retained) before edge-voice ever started.
    await probe.client.publishAsync("home/door/state", "LOCKED", { qos: 1, retain: true });
    await probe.client.publishAsync("home/hall_light/state", '{"state":"OFF","brightness":3}', {
      qos: 1,
      retain: true,
    });
    const config = mqttConfig({
      site: "hall",
      area: "hallway",
      mqtt: { url: broker.url, learn_devices: false },
      llm: { mode: "off" },
      devices: [
        {
          id: "front_door",
          name: "front door",
          area: "hallway",
          domain: "lock",
          command_topic: "home/door/set",
          state_topic: "home/door/state",
          schema: "default",
        },
        {
          id: "hall_light",
          name: "hall light",
          area: "hallway",
          domain: "light",
          command_topic: "home/hall_light/set",
          state_topic: "home/hall_light/state",
        },
      ],
    });
    const bus = new EventBus();
    bus.onAny((event) => events.push(event));
    const registry = new DeviceRegistry(config.devices);
    service = MqttService.create({
      config,
      bus,
      registry,
      states,
      stateDir: tempDir("answers"),
      logger: silentLogger(),
    });
    const pipeline = new Pipeline({
      site: config.site,
      area: config.area,
      bus,
      wake: new FakeWake([]),
      vad: new FakeVad([]),
      transcriber: new FakeTranscriber(""),
      intent: await createIntentHandler(config, registry, silentLogger()),
      commands: service.commands,
      skills: boardSkills(config, registry, states),
      endpointer: {
        startThreshold: 0.5,
        endThreshold: 0.35,
        noSpeechTimeoutSeconds: 5,
        trailingSilenceSeconds: 0.7,
        maxCommandSeconds: 15,
        minSpeechSeconds: 0.1,
      },
      preRollSeconds: 0.5,
      speculative: false,
      sttPrompt: () => "",
      logger: silentLogger(),
    });
    await service.start({ control: pipeline });
    await waitFor(() => states.get("front_door") !== undefined && states.get("hall_light") !== undefined);
  });

  afterAll(async () => {
    await service?.stop();
    await probe?.close();
    await broker?.dispose();
    removeTempDirs();
  });

  async function ask(text: string): Promise<{ speech: string | undefined; say: Record<string, unknown> }> {
    const before = probe.on("hermes/tts/say").length;
    await probe.client.publishAsync("edge-voice/hall/set/text", text, { qos: 1 });
    const messages = await probe.waitFor(
      (m) => m.filter((x) => x.topic === "hermes/tts/say").length > before,
    );
    const say = JSON.parse(messages.filter((x) => x.topic === "hermes/tts/say")[before]?.payload ?? "{}");
    const end = events.find((e) => e.type === "intent-end" && e.runId === say.sessionId);
    return { speech: end?.type === "intent-end" ? end.speech : undefined, say };
  }

  it("is the front door locked -> the front door is locked, spoken and on hermes/tts/say", async () => {
    const { speech, say } = await ask("is the front door locked");
    expect(speech).toBe("the front door is locked");
    expect(say).toMatchObject({ text: "the front door is locked", siteId: "hall" });
    expect(say.id).toBe(say.sessionId);
    const ends = events.filter((e) => e.type === "run-end" && e.runId === say.sessionId);
    expect(ends).toMatchObject([{ outcome: "answered" }]);
    // The project's own event topic mirrors the intent-end with its speech.
    const mirrored = await probe.waitFor((m) =>
      m.some(
        (x) => x.topic === "edge-voice/hall/event/intent-end" && x.payload.includes(String(say.sessionId)),
      ),
    );
    const intentEnd = mirrored.find(
      (x) => x.topic === "edge-voice/hall/event/intent-end" && x.payload.includes(String(say.sessionId)),
    );
    expect(JSON.parse(intentEnd?.payload ?? "{}")).toMatchObject({ speech: "the front door is locked" });
  });

  it("follows a new state, and reads a JSON light state", async () => {
    await probe.client.publishAsync("home/door/state", "UNLOCKED", { qos: 1, retain: true });
    await waitFor(() => states.get("front_door")?.value === "UNLOCKED");
    expect((await ask("is the front door locked")).speech).toBe("the front door is unlocked");
    expect((await ask("is the hall light on")).speech).toBe("the hall light is off");
  });
});
