import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stateDir } from "../../src/config/paths.js";
import type { Config } from "../../src/config/schema.js";
import { disposeStages, loadStages, type Stages } from "../../src/daemon/stages.js";
import type { PipelineEvent } from "../../src/events/types.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import { ModelStore } from "../../src/models/store.js";
import { BaseServer } from "../../src/mqtt/base-server.js";
import { SatelliteLink } from "../../src/mqtt/satellite-link.js";
import { MqttService } from "../../src/mqtt/service.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { vocabularyPrompt } from "../../src/stt/prompt.js";
import { silentLogger } from "../../src/util/logger.js";
import { createVad } from "../../src/vad/create.js";
import type { VoiceActivityDetector } from "../../src/vad/detector.js";
import { endpointerSettings } from "../../src/vad/endpointer.js";
import { createWakeWordDetector } from "../../src/wake/create.js";
import type { WakeWordDetector } from "../../src/wake/detector.js";
import { testBus } from "../support/bus.js";
import { FakeCommands, FakeIntent, FakeTranscriber, frameGap } from "../support/fake-stages.js";
import { Mosquitto } from "../support/mosquitto.js";
import { mqttConfig, Probe, removeTempDirs, tempDir } from "../support/mqtt-harness.js";
import { waitFor } from "../support/wait-for.js";
import { concatSamples, framesOf, readWav, silence } from "./listening-helpers.js";

/**
 * The satellite/base round trip with the real models: the satellite (real openWakeWord and
 * Silero VAD, no Whisper, no intents) hears "hey jarvis, turn on the kitchen light" and streams
 * it over a real Mosquitto; the base (real Whisper tiny, the real template intents) transcribes
 * it, turns on the kitchen light with the satellite's site, and the reply comes back.
 */

const devices = [
  {
    id: "kitchen_light",
    name: "kitchen light",
    area: "kitchen",
    domain: "light",
    command_topic: "home/kitchen_light/set",
    schema: "default",
  },
  {
    id: "hall_light",
    name: "hall light",
    area: "hallway",
    domain: "light",
    command_topic: "home/hall_light/set",
  },
];

let broker: Mosquitto;
let probe: Probe;
let baseStages: Stages;
let baseServer: BaseServer;
let baseService: MqttService;
let link: SatelliteLink;
let satWake: WakeWordDetector;
let satVad: VoiceActivityDetector;

function board(site: string, extra: Record<string, unknown>): Config {
  return mqttConfig({ site, devices, mqtt: { url: broker.url }, ...extra } as never);
}

describe("satellite -> base -> reply with the real models", () => {
  const baseEvents: PipelineEvent[] = [];
  const satEvents: PipelineEvent[] = [];
  const replies: string[] = [];
  let satellite: Pipeline;
  const satTranscriber = new FakeTranscriber("never asked");
  const satIntent = new FakeIntent({});

  beforeAll(async () => {
    broker = await Mosquitto.start();
    probe = await Probe.connect(broker.url, ["home/#", "hermes/tts/say"]);
    const store = new ModelStore({ modelsDir: "models", cacheFile: null });
    // The base: every stage, as a daemon with role base loads them.
    const baseConfig = board("pi5", { role: "base", area: "study" });
    const registry = new DeviceRegistry(baseConfig.devices);
    const bus = testBus();
    bus.onAny((event) => baseEvents.push(event));
    baseStages = await loadStages(
      baseConfig,
      { store, stateDir: stateDir(null), env: process.env },
      registry,
      silentLogger(),
    );
    baseService = MqttService.create({
      config: baseConfig,
      bus,
      registry,
      stateDir: tempDir("base"),
      logger: silentLogger(),
    });
    const base = new Pipeline({
      site: "pi5",
      area: "study",
      bus,
      ...baseStages,
      commands: baseService.commands,
      endpointer: endpointerSettings(baseConfig.vad),
      preRollSeconds: baseConfig.vad.pre_roll_seconds,
      speculative: false,
      sttPrompt: () => vocabularyPrompt(registry.all(), baseConfig.stt.initial_prompt),
      logger: silentLogger(),
    });
    await baseService.start({ control: base });
    baseServer = BaseServer.start({
      config: baseConfig,
      logger: silentLogger(),
      serve: ({ site, id, audio, start }) => {
        const { run, ended } = base.satelliteRun({
          id,
          site,
          area: start.area,
          wakeWord: start.wakeWord,
          score: start.score,
          audio,
        });
        return { ended, abort: () => run.abort() };
      },
    });
    await baseServer.firstAttempt(10_000);
    // The satellite: the wake word and the VAD only.
    const satConfig = board("kitchen", {
      role: "satellite",
      area: "kitchen",
      satellite: { base: "pi5", answer_timeout_seconds: 60 },
    });
    satWake = await createWakeWordDetector(satConfig, store, silentLogger(), { env: process.env });
    satVad = await createVad(satConfig.vad, store, silentLogger());
    const satBus = testBus();
    satBus.onAny((event) => satEvents.push(event));
    link = SatelliteLink.start({
      config: satConfig,
      logger: silentLogger(),
      onReply: (text) => replies.push(text),
    });
    await link.firstAttempt(10_000);
    await waitFor(() => link.baseState().state.alive, { what: "the base's status at the satellite" });
    satellite = new Pipeline({
      site: "kitchen",
      area: "kitchen",
      bus: satBus,
      wake: satWake,
      vad: satVad,
      transcriber: satTranscriber,
      intent: satIntent,
      commands: new FakeCommands(),
      remote: link,
      endpointer: endpointerSettings(satConfig.vad),
      preRollSeconds: satConfig.vad.pre_roll_seconds,
      speculative: false,
      sttPrompt: () => "",
      logger: silentLogger(),
    });
  }, 180_000);

  afterAll(async () => {
    await link?.stop();
    await baseServer?.stop();
    await baseService?.stop();
    if (baseStages) await disposeStages(baseStages);
    await satWake?.dispose();
    await satVad?.dispose();
    await probe?.close();
    await broker?.dispose();
    removeTempDirs();
  });

  it("turns on the kitchen light for the kitchen satellite and speaks the reply there", async () => {
    const audio = concatSamples(
      silence(1),
      readWav("test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav"),
      silence(2),
    );
    for (const frame of framesOf(audio)) {
      await satellite.process(frame);
      await frameGap();
    }
    await satellite.finish();
    const end = await waitFor(() => satEvents.find((e) => e.type === "run-end"), {
      ceilingMs: 120_000,
      what: () => `the satellite's run-end; ${JSON.stringify(satEvents)}`,
    });
    expect(end).toMatchObject({ outcome: "published", answeredBy: "pi5" });
    expect(satTranscriber.calls).toEqual([]);
    expect(satIntent.texts).toEqual([]);
    const heard = baseEvents.find((e) => e.type === "stt-end" && e.runId === end.runId);
    expect(heard?.type === "stt-end" && heard.text.toLowerCase()).toMatch(/kitchen light/);
    expect(baseEvents.find((e) => e.type === "run-start")).toMatchObject({
      site: "kitchen",
      trigger: "satellite",
    });
    expect(baseEvents.find((e) => e.type === "intent-end")).toMatchObject({
      intent: "HassTurnOn",
      targets: ["kitchen_light"],
    });
    await probe.waitFor((m) => m.some((x) => x.topic === "home/kitchen_light/set"));
    expect(probe.on("home/kitchen_light/set").map((m) => m.payload)).toEqual(["ON"]);
    await waitFor(() => replies.length > 0, { what: "the reply at the satellite" });
    expect(replies).toEqual(["kitchen light on"]);
  }, 180_000);
});
