import mqtt from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import type { DeviceConfig } from "../../src/config/schema.js";
import { EventBus } from "../../src/events/bus.js";
import type { PipelineEvent } from "../../src/events/types.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import { MqttService } from "../../src/mqtt/service.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { silentLogger } from "../../src/util/logger.js";
import {
  FakeIntent,
  FakeTranscriber,
  FakeVad,
  FakeWake,
  kitchenOn,
  quietListening,
  silentFrames,
} from "../support/fake-stages.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import { mqttConfig, Probe, removeTempDirs, tempDir, until } from "../support/mqtt-harness.js";

/**
 * Issue 13 item 5 end to end: a flood of set/text through a real Mosquitto into the real
 * pipeline (fake audio stages) and out again as device commands. Every message is accounted
 * for (a run or a counted refusal), every run that says `published` reached the broker, and a
 * command spoken during the flood is acted on.
 */

const S = 16000;
const fanOff = { ...kitchenOn, intent: "HassTurnOff", targets: ["fan"] };
const BURST = 3000;

afterAll(removeTempDirs);
// The flood goes through the broker twice (in, and the events out): room for all of it.
const broker = mosquittoAroundTests({ extra: ["max_queued_messages 100000", "max_inflight_messages 0"] });

describe("a burst of set/text", () => {
  it("loses nothing silently and does not starve a spoken command", async () => {
    const config = mqttConfig({
      site: "kitchen",
      mqtt: { url: broker.url, discovery: false, learn_devices: false },
      devices: [
        { id: "kitchen_light", name: "kitchen light", domain: "light", command_topic: "home/kitchen/set" },
        { id: "fan", name: "fan", domain: "fan", command_topic: "home/fan/set" },
      ],
    });
    const bus = new EventBus();
    const events: PipelineEvent[] = [];
    bus.onAny((e) => events.push(e));
    const service = MqttService.create({
      config,
      bus,
      registry: new DeviceRegistry(config.devices as DeviceConfig[]),
      stateDir: tempDir("burst"),
      logger: silentLogger(),
    });
    const pipeline = new Pipeline({
      site: "kitchen",
      bus,
      wake: new FakeWake([1 * S]),
      vad: new FakeVad([[1.2 * S, 2.5 * S]]),
      transcriber: new FakeTranscriber("turn on the kitchen light"),
      intent: new FakeIntent({
        "turn on the kitchen light": { kind: "execute", intent: kitchenOn, ms: 1 },
        "turn off the fan": { kind: "execute", intent: fanOff, ms: 1 },
      }),
      commands: service.commands,
      ...quietListening(),
    });
    await service.start({ control: pipeline });
    const probe = await Probe.connect(broker.url, ["home/#"]);
    const flooder = await mqtt.connectAsync(broker.url);
    try {
      const flood = Promise.all(
        Array.from({ length: BURST }, () =>
          flooder.publishAsync("edge-voice/kitchen/set/text", "turn off the fan", { qos: 1 }),
        ),
      );
      // A person speaks while the flood arrives; frames yield to the network between them.
      for (const frame of silentFrames(6)) {
        await pipeline.process(frame);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await flood;
      const textRuns = () => events.filter((e) => e.type === "run-start" && e.trigger === "text").length;
      const refused = () => events.reduce((sum, e) => sum + (e.type === "input-rejected" ? e.count : 0), 0);
      await until(
        () => textRuns() + refused() === BURST && !pipeline.busy,
        20_000,
        () => `${textRuns()} text runs + ${refused()} refused of ${BURST}`,
      );
      await service.flush(10_000);
      await until(
        () => events.filter((e) => e.type === "run-end").length === textRuns() + 1,
        10_000,
        () => "runs did not all end",
      );

      const ends = events.flatMap((e) => (e.type === "run-end" ? [e] : []));
      const voice = events.find((e) => e.type === "run-start" && e.trigger === "wake-word");
      expect(ends.find((e) => e.runId === voice?.runId)?.outcome).toBe("published");
      expect(ends.map((e) => e.outcome).filter((o) => o !== "published")).toEqual([]);
      expect(refused()).toBeGreaterThan(BURST / 2);
      // Every run that said published reached a subscriber of the broker.
      await probe.waitFor((m) => m.length >= ends.length, 10_000);
      expect(probe.on("home/kitchen/set")).toHaveLength(1);
      expect(probe.on("home/fan/set")).toHaveLength(ends.length - 1);
      expect(events.filter((e) => e.type === "error")).toEqual([]);
    } finally {
      await flooder.endAsync(true);
      await probe.close();
      await service.stop();
    }
  }, 60_000);
});
