/**
 * Delivery benchmark (run by hand: `npx tsx bench/delivery.ts`), against a real Mosquitto on
 * loopback, printing delivered / lost / duplicated / latency p50/p95:
 *  1. a burst of 10,000 set/text messages into the daemon's MQTT side and pipeline (fake audio
 *     stages, real rate limit, text queue and outbox), with the event loop's worst stall and the
 *     peak RSS; peer: a plain mqtt.js client publishing the same 10,000 QoS 1 messages;
 *  2. a command every 200 ms across broker outages of 1 s, 5 s and 30 s (Mosquitto stopped and
 *     restarted on the same port); peer in the same outage: a plain mqtt.js client (its own
 *     offline queue, reconnectPeriod 1 s) publishing the same stream.
 * "lost" counts commands that never arrived and were not reported; commands that expired (10 s)
 * are reported by an error event and counted apart.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import mqtt, { type MqttClient } from "mqtt";
import type { DeviceConfig } from "../src/config/schema.js";
import { EventBus } from "../src/events/bus.js";
import type { PipelineEvent } from "../src/events/types.js";
import { DeviceRegistry } from "../src/intent/registry.js";
import type { IntentDecision, IntentHandler } from "../src/intent/types.js";
import { MqttService } from "../src/mqtt/service.js";
import { Pipeline } from "../src/pipeline/pipeline.js";
import { silentLogger } from "../src/util/logger.js";
import { FakeTranscriber, FakeVad, FakeWake } from "../test/support/fake-stages.js";
import { Mosquitto } from "../test/support/mosquitto.js";
import { mqttConfig, removeTempDirs, tempDir } from "../test/support/mqtt-harness.js";

const BURST = 10_000;
const OUTAGES = [1, 5, 30];
const STREAM_EVERY_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function row(name: string, figures: Record<string, string | number>): void {
  console.log(
    `${name.padEnd(34)} ${Object.entries(figures)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
}

const ms = (values: number[]) =>
  values.length ? `${percentile(values, 50).toFixed(1)} / ${percentile(values, 95).toFixed(1)} ms` : "-";

/** A light of its own per command (`bench/<tag>/<n>/set`), so each arrival maps back to what was sent. */
function numberedLight(registry: DeviceRegistry, tag: string, n: number): string {
  const [template] = mqttConfig({
    devices: [{ id: "bench_light", name: "bench light", domain: "light", command_topic: "bench/x/set" }],
  }).devices;
  const id = `${tag}_${n}`;
  registry.upsert(
    { ...(template as DeviceConfig), id, name: id, command_topic: `bench/${tag}/${n}/set` },
    "config",
  );
  return id;
}

const turnOn = (target: string) => ({
  intent: "HassTurnOn",
  targets: [target],
  slots: {},
  source: "template" as const,
  confidence: 1,
});

/** "turn on light N": one command to light N. */
class NumberedIntent implements IntentHandler {
  constructor(private readonly registry: DeviceRegistry) {}
  async handle(text: string): Promise<IntentDecision> {
    const n = Number(text.split(" ").at(-1));
    return { kind: "execute", intent: turnOn(numberedLight(this.registry, "burst", n)), ms: 0 };
  }
  async dispose(): Promise<void> {}
}

function benchConfig(url: string) {
  return mqttConfig({ site: "bench", mqtt: { url, discovery: false, learn_devices: false } });
}

const numberOf = (topic: string) => Number(topic.split("/")[2]);

async function subscriber(url: string, topic: string) {
  const client = await mqtt.connectAsync(url, {
    clientId: `bench-sub-${Math.random().toString(16).slice(2)}`,
    clean: false,
    reconnectPeriod: 100,
    protocolVersion: 4,
  });
  await client.subscribeAsync(topic, { qos: 1 });
  const arrivals: Array<{ topic: string; payload: string; at: number }> = [];
  client.on("message", (topic, payload) =>
    arrivals.push({ topic, payload: payload.toString(), at: performance.now() }),
  );
  return { client, arrivals };
}

async function burst(broker: Mosquitto): Promise<void> {
  const config = benchConfig(broker.url);
  const registry = new DeviceRegistry();
  const bus = new EventBus();
  const events: PipelineEvent[] = [];
  bus.onAny((e) => events.push(e));
  const svc = MqttService.create({
    config,
    bus,
    registry,
    stateDir: tempDir("bench-burst"),
    logger: silentLogger(),
  });
  const pipeline = new Pipeline({
    site: "bench",
    bus,
    wake: new FakeWake([]),
    vad: new FakeVad([]),
    transcriber: new FakeTranscriber(""),
    intent: new NumberedIntent(registry),
    commands: svc.commands,
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
  await svc.start({ control: pipeline });
  const sub = await subscriber(broker.url, "bench/burst/+/set");
  const flooder = await mqtt.connectAsync(broker.url);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let peakRss = process.memoryUsage().rss;
  const rss = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  loop.enable();
  const sentAt: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: BURST }, (_, n) => {
      sentAt[n] = performance.now();
      return flooder.publishAsync("edge-voice/bench/set/text", `turn on light ${n}`, { qos: 1 });
    }),
  );
  const accounted = () =>
    events.filter((e) => e.type === "run-start").length +
    events.reduce((sum, e) => sum + (e.type === "input-rejected" ? e.count : 0), 0);
  while (accounted() < BURST || pipeline.busy) {
    if (performance.now() - start > 60_000) break;
    await sleep(50);
  }
  await svc.flush(20_000);
  await sleep(1500); // the reporter's trailing input-rejected event
  loop.disable();
  clearInterval(rss);
  const runs = events.filter((e) => e.type === "run-end");
  const outcomes: Record<string, number> = {};
  for (const e of runs) outcomes[e.outcome] = (outcomes[e.outcome] ?? 0) + 1;
  const ids = sub.arrivals.map((a) => numberOf(a.topic));
  const unique = new Set(ids).size;
  const refused = events.reduce((sum, e) => sum + (e.type === "input-rejected" ? e.count : 0), 0);
  const latencies = sub.arrivals.map((a) => a.at - (sentAt[numberOf(a.topic)] ?? a.at));
  row("edge-voice, 10,000 set/text", {
    runs: runs.length,
    outcomes: JSON.stringify(outcomes),
    "refused (input-rejected)": refused,
    delivered: unique,
    lost: BURST - refused - unique,
    duplicated: ids.length - unique,
    "latency p50/p95": ms(latencies),
    "worst event-loop stall": `${(loop.max / 1e6).toFixed(0)} ms`,
    "peak RSS": `${Math.round(peakRss / 1e6)} MB`,
  });
  await flooder.endAsync();
  await sub.client.endAsync();
  await svc.stop();

  // Peer: the same burst straight to a topic from a plain mqtt.js client.
  const peerSub = await subscriber(broker.url, "bench/peer/set");
  const peer = await mqtt.connectAsync(broker.url);
  const peerSent: number[] = [];
  await Promise.all(
    Array.from({ length: BURST }, (_, n) => {
      peerSent[n] = performance.now();
      return peer.publishAsync("bench/peer/set", String(n), { qos: 1 });
    }),
  );
  const until = performance.now() + 20_000;
  while (peerSub.arrivals.length < BURST && performance.now() < until) await sleep(50);
  const peerNs = peerSub.arrivals.map((a) => Number(a.payload));
  const peerUnique = new Set(peerNs).size;
  row("peer: mqtt.js, 10,000 QoS 1", {
    delivered: peerUnique,
    lost: BURST - peerUnique,
    duplicated: peerNs.length - peerUnique,
    "latency p50/p95": ms(peerSub.arrivals.map((a) => a.at - (peerSent[Number(a.payload)] ?? 0))),
  });
  await peer.endAsync();
  await peerSub.client.endAsync();
}

async function outage(broker: Mosquitto, seconds: number): Promise<void> {
  const config = benchConfig(broker.url);
  const registry = new DeviceRegistry();
  const bus = new EventBus();
  const expired = new Set<string>();
  bus.on("error", (e) => {
    if (e.runId) expired.add(e.runId);
  });
  const svc = await MqttService.start({
    config,
    bus,
    registry,
    control: { setMuted() {}, isMuted: () => false, setWakeEnabled() {}, injectText: () => false },
    stateDir: tempDir("bench-outage"),
    logger: silentLogger(),
  });
  const sub = await subscriber(broker.url, "bench/+/+/set");
  const peer: MqttClient = await mqtt.connectAsync(broker.url, { reconnectPeriod: 1000 });
  const sent = new Map<string, number>();
  const total = Math.round(((seconds + 6) * 1000) / STREAM_EVERY_MS);
  for (let i = 0; i < total; i++) {
    if (i === Math.round(2000 / STREAM_EVERY_MS)) void broker.stop();
    if (i === Math.round(((2 + seconds) * 1000) / STREAM_EVERY_MS)) void broker.restart();
    const runId = `o${i}`;
    sent.set(runId, performance.now());
    void svc.commands.publishCommand(turnOn(numberedLight(registry, `ours${seconds}`, i)), {
      runId,
      site: "bench",
    });
    peer.publish(`bench/peer${seconds}/${i}/set`, "ON", { qos: 1 });
    await sleep(STREAM_EVERY_MS);
  }
  await svc.flush(15_000);
  await sleep(3000);
  const latency = (a: { topic: string; at: number }) => a.at - (sent.get(`o${numberOf(a.topic)}`) ?? a.at);
  const ours = sub.arrivals.filter((a) => a.topic.startsWith(`bench/ours${seconds}/`));
  const theirs = sub.arrivals.filter((a) => a.topic.startsWith(`bench/peer${seconds}/`));
  const ourIds = ours.map((a) => numberOf(a.topic));
  const ourUnique = new Set(ourIds).size;
  const peerRuns = theirs.map((a) => numberOf(a.topic));
  const peerUnique = new Set(peerRuns).size;
  const peerLatency = theirs.map(latency);
  const ourLatency = ours.map(latency);
  row(`edge-voice, ${seconds} s outage`, {
    sent: total,
    delivered: ourUnique,
    "expired (error event)": expired.size,
    lost: total - ourUnique - expired.size,
    duplicated: ourIds.length - ourUnique,
    "latency p50/p95": ms(ourLatency),
  });
  row(`peer: mqtt.js, ${seconds} s outage`, {
    sent: total,
    delivered: peerUnique,
    lost: total - peerUnique,
    duplicated: peerRuns.length - peerUnique,
    "latency p50/p95": ms(peerLatency),
  });
  await peer.endAsync(true);
  await sub.client.endAsync(true);
  await svc.stop();
}

const broker = await Mosquitto.start({ extra: ["max_queued_messages 100000", "max_inflight_messages 0"] });
try {
  console.log(`Mosquitto on 127.0.0.1:${broker.port}; Node ${process.version}`);
  await burst(broker);
  for (const seconds of OUTAGES) await outage(broker, seconds);
} finally {
  await broker.dispose();
  removeTempDirs();
}
