/**
 * Satellites and a base (run by hand: `nice -n 10 npx tsx bench/satellites.ts [satellites] [seconds]`):
 * one base with the real models (Whisper tiny, the template intents) and 20 simulated satellites on
 * one real Mosquitto on loopback, each saying one recorded command at a random moment within a
 * minute, paced in real time (80 ms frames like a microphone). A simulated satellite is the real
 * satellite pipeline and MQTT link with a scripted wake word and VAD (what it hears is known), so
 * all the work measured is the base's and the broker's.
 *
 * Printed: commands right (the expected intent and device for each), p50/p95 from the end of speech
 * to the command acknowledged by the broker (includes the 0.7 s trailing silence), the base's queue
 * depth, the process's CPU and RSS (the satellites' side is light: no models), and what was lost.
 * The peer, measured first in the same run: the same commands from one satellite at a time (no
 * queue), so the ratio is the cost of 20 satellites sharing one base.
 */
import { stateDir } from "../src/config/paths.js";
import { disposeStages, loadStages, type Stages } from "../src/daemon/stages.js";
import { EventBus } from "../src/events/bus.js";
import type { PipelineEvent } from "../src/events/types.js";
import { DeviceRegistry } from "../src/intent/registry.js";
import { ModelStore } from "../src/models/store.js";
import { BaseServer } from "../src/mqtt/base-server.js";
import { MqttService } from "../src/mqtt/service.js";
import { Pipeline } from "../src/pipeline/pipeline.js";
import { vocabularyPrompt } from "../src/stt/prompt.js";
import { silentLogger } from "../src/util/logger.js";
import { endpointerSettings } from "../src/vad/endpointer.js";
import { prng } from "../test/support/mixed-audio.js";
import { Mosquitto } from "../test/support/mosquitto.js";
import { mqttConfig, removeTempDirs, tempDir } from "../test/support/mqtt-harness.js";
import { SimSatellite } from "./sim-satellite.js";

const _S = 16000;
const _FRAME = 1280;
const SATELLITES = Number(process.argv[2] ?? 20);
const WINDOW_SECONDS = Number(process.argv[3] ?? 60);
const PEER_COMMANDS = 3;

export const COMMANDS = [
  { wav: "turn-on-kitchen-light", intent: "HassTurnOn", target: "kitchen_light" },
  { wav: "turn-off-living-room-lamp", intent: "HassTurnOff", target: "living_room_lamp" },
];
const devices = [
  {
    id: "kitchen_light",
    name: "kitchen light",
    area: "kitchen",
    domain: "light",
    command_topic: "home/kitchen_light/set",
  },
  {
    id: "living_room_lamp",
    name: "living room lamp",
    area: "living room",
    domain: "light",
    command_topic: "home/living_room_lamp/set",
  },
  {
    id: "bedroom_light",
    name: "bedroom light",
    area: "bedroom",
    domain: "light",
    command_topic: "home/bedroom_light/set",
  },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface Spoken {
  satellite: string;
  command: (typeof COMMANDS)[number];
  /** Wall time the last speech frame was fed. */
  speechEndAt: number;
  runId?: string;
}

async function main(): Promise<void> {
  const broker = await Mosquitto.start();
  const board = (site: string, extra: Record<string, unknown>) =>
    mqttConfig({ site, devices, mqtt: { url: broker.url }, ...extra } as never);
  const baseConfig = board("pi5", { role: "base", satellite: { queue: 32 } });
  const registry = new DeviceRegistry(baseConfig.devices);
  const baseBus = new EventBus(() => performance.now());
  const baseEvents: Array<PipelineEvent & { at: number }> = [];
  baseBus.onAny((event) => baseEvents.push({ ...event, at: performance.now() }));
  const store = new ModelStore({ modelsDir: "models", cacheFile: null });
  const stages: Stages = await loadStages(
    baseConfig,
    { store, stateDir: stateDir(null), env: process.env },
    registry,
    silentLogger(),
  );
  const service = MqttService.create({
    config: baseConfig,
    bus: baseBus,
    registry,
    stateDir: tempDir("bench-base"),
    logger: silentLogger(),
  });
  const base = new Pipeline({
    site: "pi5",
    bus: baseBus,
    ...stages,
    commands: service.commands,
    endpointer: endpointerSettings(baseConfig.vad),
    preRollSeconds: baseConfig.vad.pre_roll_seconds,
    speculative: false,
    sttPrompt: () => vocabularyPrompt(registry.all(), baseConfig.stt.initial_prompt),
    logger: silentLogger(),
  });
  await service.start({ control: base });
  const server = BaseServer.start({
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
  await server.firstAttempt(10_000);
  const satConfig = (site: string) =>
    board(site, { role: "satellite", satellite: { base: "pi5", answer_timeout_seconds: 60 } });

  /** Runs satellites in real time until all are done and answered; returns what each said. */
  async function speak(
    satellites: SimSatellite[],
  ): Promise<{ spoken: Spoken[]; maxWaiting: number; maxSessions: number }> {
    await Promise.all(satellites.map((s) => s.link.firstAttempt(10_000)));
    while (!satellites.every((s) => s.link.baseState().state.alive)) await sleep(50);
    const spoken: Spoken[] = [];
    let maxWaiting = 0;
    let maxSessions = 0;
    const started = performance.now();
    for (let tick = 0; !satellites.every((s) => s.done); tick++) {
      await Promise.all(
        satellites.map(async (s) => {
          if (s.done) return;
          if (await s.tick())
            spoken.push({ satellite: s.site, command: s.command, speechEndAt: performance.now() });
        }),
      );
      const depth = server.depth;
      maxWaiting = Math.max(maxWaiting, depth.waiting);
      maxSessions = Math.max(maxSessions, depth.sessions);
      const due = started + (tick + 1) * 80;
      await sleep(Math.max(0, due - performance.now()));
    }
    // Every run ends (answered, or its time limit).
    while (!satellites.every((s) => s.events.some((e) => e.type === "run-end"))) await sleep(20);
    for (const s of satellites) {
      const entry = spoken.find((x) => x.satellite === s.site);
      if (entry) entry.runId = s.events.find((e) => e.type === "run-start")?.runId;
    }
    return { spoken, maxWaiting, maxSessions };
  }

  function judge(label: string, satellites: SimSatellite[], spoken: Spoken[]) {
    const latencies: number[] = [];
    let right = 0;
    const wrong: string[] = [];
    for (const s of spoken) {
      const intent = baseEvents.find((e) => e.type === "intent-end" && e.runId === s.runId);
      const end = baseEvents.find((e) => e.type === "run-end" && e.runId === s.runId);
      const ok =
        intent?.type === "intent-end" &&
        intent.intent === s.command.intent &&
        intent.targets.includes(s.command.target);
      if (ok && end?.type === "run-end" && end.outcome === "published") {
        right++;
        latencies.push(end.at - s.speechEndAt);
      } else {
        const text = baseEvents.find((e) => e.type === "stt-end" && e.runId === s.runId);
        wrong.push(
          `${s.satellite} ${s.command.wav}: heard ${text?.type === "stt-end" ? JSON.stringify(text.text) : "nothing"}, ${end?.type === "run-end" ? end.outcome : "no run-end"}`,
        );
      }
    }
    const outcomes = satellites
      .map((s) => s.events.find((e) => e.type === "run-end"))
      .map((e) => (e?.type === "run-end" ? e.outcome : "none"));
    const lost = satellites.length - outcomes.filter((o) => o === "published").length;
    console.log(
      `${label}: ${right}/${satellites.length} commands right; end of speech -> command p50 ${Math.round(percentile(latencies, 50))} ms, p95 ${Math.round(percentile(latencies, 95))} ms; satellites' outcomes: ${JSON.stringify(count(outcomes))}; not published: ${lost}`,
    );
    for (const line of wrong) console.log(`  wrong: ${line}`);
    return percentile(latencies, 50);
  }

  // Peer: one satellite at a time, nothing queued.
  const peerLatencies: number[] = [];
  for (let i = 0; i < PEER_COMMANDS; i++) {
    const sat = new SimSatellite(
      `peer${i}`,
      COMMANDS[i % COMMANDS.length] as (typeof COMMANDS)[number],
      satConfig(`peer${i}`),
      1,
    );
    const { spoken } = await speak([sat]);
    peerLatencies.push(judge(`peer ${i + 1} (one satellite alone)`, [sat], spoken));
    await sat.link.stop();
  }

  // 20 satellites, each speaking once at a random moment within the window.
  const random = prng(16);
  const sats = Array.from({ length: SATELLITES }, (_, i) => {
    const site = `sat${String(i + 1).padStart(2, "0")}`;
    return new SimSatellite(
      site,
      COMMANDS[i % COMMANDS.length] as (typeof COMMANDS)[number],
      satConfig(site),
      1 + random() * WINDOW_SECONDS,
    );
  });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let maxRss = 0;
  const rssTimer = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
  }, 200);
  const { spoken, maxWaiting, maxSessions } = await speak(sats);
  clearInterval(rssTimer);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  const p50 = judge(`${SATELLITES} satellites within ${WINDOW_SECONDS} s`, sats, spoken);
  const rejected = baseEvents.filter((e) => e.type === "input-rejected").length;
  console.log(
    `base queue: at most ${maxSessions} sessions open, ${maxWaiting} waiting for Whisper; input-rejected events: ${rejected}`,
  );
  console.log(
    `process (base + the satellites' light side): CPU ${((100 * (cpu.user + cpu.system)) / 1000 / wall).toFixed(0)} % of one core over ${(wall / 1000).toFixed(0)} s, RSS at most ${Math.round(maxRss / 2 ** 20)} MiB`,
  );
  const peer = percentile(peerLatencies, 50);
  console.log(
    `p50 end of speech -> command: ${Math.round(p50)} ms with ${SATELLITES} satellites vs ${Math.round(peer)} ms alone (peer, same run): ratio ${(p50 / peer).toFixed(2)}`,
  );

  for (const s of sats) await s.link.stop();
  await server.stop();
  await service.stop();
  await disposeStages(stages);
  await broker.dispose();
  removeTempDirs();
}

function count(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
