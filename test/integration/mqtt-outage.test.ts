import mqtt from "mqtt";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { EventBus } from "../../src/events/bus.js";
import type { ErrorEvent } from "../../src/events/types.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import { Mosquitto } from "../support/mosquitto.js";
import { mqttConfig, removeTempDirs, tempDir, until } from "../support/mqtt-harness.js";
import { startMqttService } from "../support/mqtt-service.js";
import { CEILING_MS } from "../support/wait-for.js";

afterAll(removeTempDirs);

const LIGHT = {
  id: "hall_light",
  name: "hall light",
  domain: "light",
  command_topic: "home/hall/set",
  schema: "json",
} as const;

/** A subscriber with a persistent session, so the broker keeps what arrives while it reconnects. */
async function watcher(url: string) {
  const client = await mqtt.connectAsync(url, {
    clientId: `watcher-${Math.random().toString(16).slice(2)}`,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 100,
  });
  await client.subscribeAsync(["edge-voice/+/event/stt-end", "home/#"], { qos: 1 });
  const texts: string[] = [];
  const commands: string[] = [];
  client.on("message", (topic, payload) => {
    if (topic.startsWith("home/")) commands.push(JSON.parse(payload.toString()).state);
    else texts.push(JSON.parse(payload.toString()).text);
  });
  return { client, texts, commands };
}

function emitTexts(bus: EventBus, from: number, to: number): void {
  for (let i = from; i < to; i++)
    bus.emit({ type: "stt-end", runId: `r${i}`, text: String(i), language: "en", ms: 1 });
}

function range(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => String(from + i));
}

describe("never lose, never replay wrongly (real Mosquitto stopped and restarted)", () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const fn of cleanup.reverse()) await fn();
    cleanup.length = 0;
  });

  it("delivers every event in order across a broker restart and drops a command that expired meanwhile", async () => {
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.dispose());
    const watch = await watcher(broker.url);
    cleanup.push(() => watch.client.endAsync(true));
    const bus = new EventBus();
    const errors: ErrorEvent[] = [];
    bus.on("error", (e) => errors.push(e));
    const registry = new DeviceRegistry([mqttConfig({ devices: [LIGHT] }).devices[0] as never]);
    const config = mqttConfig({
      site: "hall",
      mqtt: {
        url: broker.url,
        command_expiry_seconds: 3,
        reconnect_min_seconds: 0.1,
        reconnect_max_seconds: 1,
      },
    });
    const states: string[] = [];
    const service = await startMqttService({
      config,
      bus,
      registry,
      onStateChange: (s) => states.push(s.state),
    });
    cleanup.push(() => service.stop());

    emitTexts(bus, 0, 50);
    await service.flush(5000);
    await broker.stop();
    await until(
      () => service.state.state === "unreachable",
      CEILING_MS,
      () => service.state.message,
    );

    emitTexts(bus, 50, 100);
    const stale = await service.commands.publishCommand(
      { intent: "HassTurnOn", targets: ["hall_light"], slots: {}, source: "template", confidence: 1 },
      { runId: "stale", site: "hall" },
    );
    expect(await stale.delivered).toBe("expired");
    expect(errors).toMatchObject([{ type: "error", runId: "stale", code: "command-expired" }]);
    await broker.restart();
    // Still disconnected (the next attempt is up to 1 s away): queued, and in time once it reconnects.
    const fresh = await service.commands.publishCommand(
      { intent: "HassTurnOff", targets: ["hall_light"], slots: {}, source: "template", confidence: 1 },
      { runId: "fresh", site: "hall" },
    );
    expect(await fresh.delivered).toBe("acked");
    await until(
      // Distinct: the broker may redeliver to the watcher what was in flight to it at shutdown (QoS 1).
      () => new Set(watch.texts).size >= 100 && watch.commands.length >= 1,
      CEILING_MS,
      () => `${watch.texts.length} events`,
    );

    expect([...new Set(watch.texts)]).toEqual(range(0, 100));
    expect(watch.commands).toEqual(["OFF"]);
    expect(states).toEqual(expect.arrayContaining(["connected", "unreachable"]));
    expect(states.at(-1)).toBe("connected");
  });

  it("keeps the outbox on disk: a new service on the same state dir delivers what the last one could not", async () => {
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.dispose());
    const watch = await watcher(broker.url); // registers its session before the outage
    await broker.stop();
    const stateDir = tempDir("outbox-restart");
    const config = mqttConfig({
      site: "porch",
      mqtt: {
        url: broker.url,
        command_expiry_seconds: 1,
        reconnect_min_seconds: 0.1,
        reconnect_max_seconds: 1,
      },
    });
    const registry = new DeviceRegistry([mqttConfig({ devices: [LIGHT] }).devices[0] as never]);
    const start = (bus: EventBus) => startMqttService({ config, bus, registry, stateDir });

    const firstBus = new EventBus();
    const first = await start(firstBus);
    expect(first.state.state).toBe("unreachable");
    emitTexts(firstBus, 0, 30);
    await first.commands.publishCommand(
      { intent: "HassTurnOn", targets: ["hall_light"], slots: {}, source: "template", confidence: 1 },
      { runId: "old", site: "porch" },
    );
    await first.stop();
    expect(first.outbox.queued).toBeGreaterThanOrEqual(31);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the command's second runs out

    await broker.restart();
    const secondBus = new EventBus();
    const second = await start(secondBus);
    cleanup.push(() => second.stop());
    emitTexts(secondBus, 30, 40);
    await second.flush(5000);
    await until(
      () => new Set(watch.texts).size >= 40,
      CEILING_MS,
      () => `${watch.texts.length} events`,
    );
    expect([...new Set(watch.texts)]).toEqual(range(0, 40));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watch.commands).toEqual([]);
    expect(second.outbox.queued).toBe(0);
    await watch.client.endAsync(true);
  });
});
