/**
 * MQTT benchmark (run by hand: `npx tsx bench/mqtt.ts`), against a real Mosquitto on loopback:
 *  1. intent-end -> PUBACK latency of a device command (p50/p99), outbox on disk vs in memory,
 *     next to a bare mqtt.js QoS 1 publish (the floor) and one `mosquitto_pub -q 1` run (for scale);
 *  2. event publishing throughput (QoS 1, in order), outbox on vs off, next to `mosquitto_pub -l -q 1`.
 */
import { spawn } from "node:child_process";
import mqtt from "mqtt";
import { EventBus } from "../src/events/bus.js";
import { DeviceRegistry } from "../src/intent/registry.js";
import { MqttService } from "../src/mqtt/service.js";
import { silentLogger } from "../src/util/logger.js";
import { Mosquitto } from "../test/support/mosquitto.js";
import { mqttConfig, RecordingControl, removeTempDirs, tempDir } from "../test/support/mqtt-harness.js";

const COMMANDS = 300;
const EVENTS = 5000;
const LIGHT = {
  id: "bench_light",
  name: "bench light",
  domain: "light",
  command_topic: "bench/light/set",
  schema: "json",
} as const;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function service(url: string, outbox: boolean) {
  const bus = new EventBus();
  const config = mqttConfig({
    site: "bench",
    mqtt: { url, outbox, discovery: false, learn_devices: false },
    devices: [LIGHT],
  });
  const svc = await MqttService.start({
    config,
    bus,
    registry: new DeviceRegistry(config.devices),
    control: new RecordingControl(),
    stateDir: tempDir("bench-mqtt"),
    logger: silentLogger(),
  });
  return { svc, bus };
}

async function commandLatency(url: string, outbox: boolean): Promise<number[]> {
  const { svc, bus } = await service(url, outbox);
  const samples: number[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    // Runs are seconds apart in life; 50 ms lets the previous run's telemetry PUBACKs arrive.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const runId = `r${i}`;
    const start = performance.now();
    // What the pipeline does at intent-end: the event (telemetry + Hermes) and then the command.
    bus.emit({
      type: "intent-end",
      runId,
      intent: "HassTurnOn",
      targets: ["bench_light"],
      slots: {},
      source: "template",
      ms: 1,
    });
    const result = await svc.commands.publishCommand(
      { intent: "HassTurnOn", targets: ["bench_light"], slots: {}, source: "template", confidence: 1 },
      { runId, site: "bench" },
    );
    await result.delivered;
    samples.push(performance.now() - start);
  }
  await svc.flush(10_000);
  await svc.stop();
  return samples;
}

async function bareLatency(url: string): Promise<number[]> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5 });
  const samples: number[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    const start = performance.now();
    await client.publishAsync("bench/light/set", '{"state":"ON"}', { qos: 1 });
    samples.push(performance.now() - start);
  }
  await client.endAsync();
  return samples;
}

async function mosquittoPub(port: number, lines: number): Promise<number> {
  const start = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      "mosquitto_pub",
      ["-h", "127.0.0.1", "-p", String(port), "-q", "1", "-t", "bench/peer", "-l"],
      {
        stdio: ["pipe", "ignore", "inherit"],
      },
    );
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited ${code}`)),
    );
    const payload = JSON.stringify({
      type: "stt-end",
      runId: "r",
      text: "turn on the kitchen light",
      language: "en",
      ms: 1,
      t: 1,
    });
    child.stdin.end(`${Array.from({ length: lines }, () => payload).join("\n")}\n`);
  });
  return performance.now() - start;
}

async function eventThroughput(url: string, outbox: boolean): Promise<number> {
  const { svc, bus } = await service(url, outbox);
  const start = performance.now();
  for (let i = 0; i < EVENTS; i++)
    bus.emit({ type: "stt-end", runId: `r${i}`, text: "turn on the kitchen light", language: "en", ms: 1 });
  await svc.flush(60_000);
  const ms = performance.now() - start;
  if (svc.outbox.queued !== 0) throw new Error("flush timed out");
  await svc.stop();
  return ms;
}

console.log(
  `MQTT benchmark: Mosquitto on loopback, ${COMMANDS} commands, ${EVENTS} events (node ${process.version})\n`,
);

// Mosquitto leaves Nagle's algorithm on for its sockets by default (set_tcp_nodelay false): a
// PUBACK that follows another one waits for the client's delayed ACK. Measure both settings.
const tuned = await Mosquitto.start({ persistence: false, extra: ["set_tcp_nodelay true"] });
try {
  const samples = await commandLatency(tuned.url, true);
  const again = await commandLatency(tuned.url, true);
  console.log(
    `Mosquitto with set_tcp_nodelay true: intent-end -> PUBACK, outbox on disk p50 ${percentile(again, 50).toFixed(2)} ms   p99 ${percentile(again, 99).toFixed(2)} ms (warm-up p50 ${percentile(samples, 50).toFixed(2)} ms)\n`,
  );
} finally {
  await tuned.dispose();
}

const broker = await Mosquitto.start({ persistence: false });
try {
  const row = (name: string, s: number[]) =>
    console.log(
      `${name.padEnd(36)} p50 ${percentile(s, 50).toFixed(2)} ms   p99 ${percentile(s, 99).toFixed(2)} ms`,
    );
  await commandLatency(broker.url, true); // warm-up (JIT, connection set-up)
  const onDisk = await commandLatency(broker.url, true);
  const inMemory = await commandLatency(broker.url, false);
  const bare = await bareLatency(broker.url);
  row("intent-end -> PUBACK, outbox on disk", onDisk);
  row("intent-end -> PUBACK, outbox in memory", inMemory);
  row("bare mqtt.js publish QoS 1 (floor)", bare);
  const onePub = await mosquittoPub(broker.port, 1);
  console.log(`${"one mosquitto_pub -q 1 run (process)".padEnd(36)} ${onePub.toFixed(1)} ms`);
  console.log(
    `ratio p50 outbox-on-disk / bare publish: ${(percentile(onDisk, 50) / percentile(bare, 50)).toFixed(2)}x\n`,
  );

  const diskMs = await eventThroughput(broker.url, true);
  const memMs = await eventThroughput(broker.url, false);
  const peerMs = await mosquittoPub(broker.port, EVENTS);
  const rate = (ms: number) => `${Math.round((EVENTS / ms) * 1000)} msg/s`;
  console.log(`${"events, outbox on disk".padEnd(36)} ${rate(diskMs)} (${diskMs.toFixed(0)} ms)`);
  console.log(`${"events, outbox in memory".padEnd(36)} ${rate(memMs)} (${memMs.toFixed(0)} ms)`);
  console.log(`${"mosquitto_pub -l -q 1 (peer)".padEnd(36)} ${rate(peerMs)} (${peerMs.toFixed(0)} ms)`);
  console.log(`ratio edge-voice (disk) / mosquitto_pub throughput: ${(peerMs / diskMs).toFixed(2)}x`);
} finally {
  await broker.dispose();
  removeTempDirs();
}
