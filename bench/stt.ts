// Whisper tiny (int8) speech to text: ours (own decoding loop on onnxruntime-node) against
// transformers.js's automatic-speech-recognition pipeline (the peer: the same model files on
// the same onnxruntime-node, the same audio including our 0.4 s lead-in), on 2 s, 4 s and 8 s
// commands made from the espeak-ng fixtures, on 1 and 2 intra-op threads (ours: the
// encoder's, stt.threads; its decoder stays on stt.decoder_threads = 1).
//
// Timing: for each thread count one process loads both engines and alternates them run by
// run (ours, ours with the daemon's device prompt, peer), so background load hits all alike;
// medians and minimums of RUNS runs after a warm-up. Memory: each engine alone in its own
// process (load, one run per command), peak RSS.
//
//   npx tsx bench/stt.ts            (RUNS=7 by default)

import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { int16ToFloat32 } from "../src/audio/format.js";
import { readWav16kMono } from "../src/audio/wav.js";
import { preparedModelsDir, stateDir } from "../src/config/paths.js";
import { configSchema } from "../src/config/schema.js";
import { ModelStore } from "../src/models/store.js";
import { createTranscriber } from "../src/stt/create.js";
import { silentLogger } from "../src/util/logger.js";
import { FIXTURE_HOME_PROMPT } from "../test/integration/stt-support.js";

const RUNS = Number(process.env.RUNS ?? 7);
const LEAD_IN_SECONDS = 0.4;
const RATE = 16_000;
const ENGINES = ["ours", "ours+prompt", "peer"] as const;
type Engine = (typeof ENGINES)[number];

interface Timing {
  engine: Engine;
  threads: number;
  seconds: number;
  text: string;
  encodeMs: number | null;
  decodeMs: number | null;
  medianMs: number;
  minMs: number;
}

interface Memory {
  engine: Engine;
  loadMs: number;
  peakRssMb: number;
}

type Run = (
  samples: Float32Array,
) => Promise<{ text: string; encodeMs: number | null; decodeMs: number | null }>;

/** 2 s, 4 s and 8 s commands: fixtures joined with pauses, padded to length. */
async function commands(): Promise<Map<number, Float32Array>> {
  const clip = async (name: string) =>
    int16ToFloat32((await readWav16kMono(`test/fixtures/wav/commands/${name}.wav`)).samples);
  const pause = new Float32Array(0.5 * RATE);
  const build = (seconds: number, parts: Float32Array[]) => {
    const out = new Float32Array(seconds * RATE);
    let offset = 0;
    for (const part of parts) {
      out.set(part.subarray(0, Math.max(0, out.length - offset)), offset);
      offset += part.length;
    }
    return out;
  };
  const three = [await clip("turn-on-kitchen-light"), pause, await clip("turn-off-living-room-lamp"), pause];
  return new Map([
    [2, build(2, [await clip("turn-on-kitchen-light")])],
    [4, build(4, [await clip("thermostat-twenty-one")])],
    // Three commands in a row; whisper-tiny transcribes only the middle one (so does the peer).
    [8, build(8, [...three, await clip("timer-five-minutes")])],
  ]);
}

async function engine(name: Engine, threads: number): Promise<Run> {
  const store = new ModelStore({ modelsDir: "models", cacheFile: null });
  if (name !== "peer") {
    const config = configSchema.parse({ stt: { threads, lead_in_seconds: LEAD_IN_SECONDS } });
    const preparedDir = preparedModelsDir(stateDir(config.state_dir));
    const stt = await createTranscriber(config.stt, store, silentLogger(), { preparedDir });
    const prompt = name === "ours+prompt" ? FIXTURE_HOME_PROMPT : "";
    return (samples) => stt.transcribe(samples, { prompt });
  }
  const { dir } = await store.verify("whisper-tiny");
  // Imported here, not at the top: the memory child measuring ours must not carry it.
  const { env, pipeline } = await import("@huggingface/transformers");
  env.allowRemoteModels = false;
  env.localModelPath = path.dirname(dir);
  const asr = (await pipeline("automatic-speech-recognition", path.basename(dir), {
    dtype: "q8",
    session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  })) as unknown as (a: Float32Array, o: object) => Promise<{ text: string }>;
  const lead = new Float32Array(LEAD_IN_SECONDS * RATE);
  return async (samples) => {
    const padded = new Float32Array(lead.length + samples.length);
    padded.set(samples, lead.length);
    const out = await asr(padded, { language: "en", task: "transcribe" });
    return { text: out.text.trim(), encodeMs: null, decodeMs: null };
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function timingWorker(threads: number): Promise<Timing[]> {
  const audio = await commands();
  const runs = new Map<Engine, Run>();
  // Three engines in one process (one onnxruntime): each its own sessions, run in turn.
  for (const name of ENGINES) runs.set(name, await engine(name, threads));
  for (const run of runs.values()) await run(audio.get(2) as Float32Array); // warm-up
  const rows: Timing[] = [];
  for (const [seconds, samples] of audio) {
    const totals = new Map<Engine, number[]>(ENGINES.map((e) => [e, []]));
    const encodes = new Map<Engine, number[]>(ENGINES.map((e) => [e, []]));
    const decodes = new Map<Engine, number[]>(ENGINES.map((e) => [e, []]));
    const texts = new Map<Engine, string>();
    for (let i = 0; i < RUNS; i++) {
      for (const name of ENGINES) {
        const t0 = performance.now();
        const out = await (runs.get(name) as Run)(samples);
        totals.get(name)?.push(performance.now() - t0);
        if (out.encodeMs !== null) encodes.get(name)?.push(out.encodeMs);
        if (out.decodeMs !== null) decodes.get(name)?.push(out.decodeMs);
        texts.set(name, out.text);
      }
    }
    for (const name of ENGINES) {
      const t = totals.get(name) as number[];
      const e = encodes.get(name) as number[];
      const d = decodes.get(name) as number[];
      rows.push({
        engine: name,
        threads,
        seconds,
        text: texts.get(name) ?? "",
        encodeMs: e.length ? median(e) : null,
        decodeMs: d.length ? median(d) : null,
        medianMs: median(t),
        minMs: Math.min(...t),
      });
    }
  }
  return rows;
}

async function memoryWorker(name: Engine): Promise<Memory> {
  const audio = await commands();
  const started = performance.now();
  const run = await engine(name, 1);
  const loadMs = performance.now() - started;
  for (const samples of audio.values()) await run(samples);
  return { engine: name, loadMs, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function spawnWorker<T>(args: string[]): T {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(process.execPath, ["--import", "tsx", self, ...args], {
    encoding: "utf8",
    env: { ...process.env, RUNS: String(RUNS) },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (out.status !== 0) throw new Error(`worker ${args.join(" ")} failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").pop() as string) as T;
}

const fmt = (value: number | null | undefined, digits = 0) => (value == null ? "-" : value.toFixed(digits));

function report(rows: Timing[], memory: Memory[]): void {
  console.log("\nengine       thr  audio  encode ms  decode ms  median ms  min ms   RTF    text");
  for (const r of rows) {
    const cells = [
      r.engine.padEnd(11),
      String(r.threads).padStart(3),
      `${r.seconds} s`.padStart(6),
      fmt(r.encodeMs).padStart(10),
      fmt(r.decodeMs).padStart(10),
      fmt(r.medianMs).padStart(10),
      fmt(r.minMs).padStart(7),
      fmt(r.medianMs / (r.seconds * 1000), 3).padStart(6),
    ];
    console.log(`${cells.join(" ")}  ${JSON.stringify(r.text)}`);
  }
  console.log("\npeer / ours, median total (higher = ours faster):");
  for (const threads of [1, 2]) {
    const find = (e: Engine, s: number) =>
      rows.find((r) => r.engine === e && r.threads === threads && r.seconds === s);
    const cells = [2, 4, 8].map((s) => {
      const ratio = (e: Engine) => fmt((find("peer", s)?.medianMs ?? 0) / (find(e, s)?.medianMs ?? 1), 2);
      return `${s} s: ${ratio("ours")}x (with prompt ${ratio("ours+prompt")}x)`;
    });
    console.log(`  ${threads} thread(s): ${cells.join("   ")}`);
  }
  console.log("\nmemory (1 thread, alone in a process): engine, load ms, peak RSS MB");
  for (const m of memory)
    console.log(`  ${m.engine.padEnd(11)} ${fmt(m.loadMs).padStart(6)} ${fmt(m.peakRssMb).padStart(7)}`);
  for (const e of ["ours", "ours+prompt"] as const) {
    const four = rows.find((r) => r.engine === e && r.threads === 1 && r.seconds === 4);
    console.log(
      `goal: 4 s command under 1000 ms, 1 thread, ${e}: median ${fmt(four?.medianMs)} ms, min ${fmt(four?.minMs)} ms`,
    );
  }
}

async function main(): Promise<void> {
  const [flag, arg] = process.argv.slice(2);
  if (flag === "--timing")
    return void process.stdout.write(`${JSON.stringify(await timingWorker(Number(arg)))}\n`);
  if (flag === "--memory")
    return void process.stdout.write(`${JSON.stringify(await memoryWorker(arg as Engine))}\n`);
  const cpu = os.cpus()[0]?.model ?? "?";
  console.log(
    `Whisper tiny int8, ${RUNS} runs each, ${os.cpus().length} cores (${cpu}), load ${fmt(os.loadavg()[0], 1)}`,
  );
  const rows = [...spawnWorker<Timing[]>(["--timing", "1"]), ...spawnWorker<Timing[]>(["--timing", "2"])];
  const memory = ENGINES.filter((e) => e !== "ours+prompt").map((e) => spawnWorker<Memory>(["--memory", e]));
  report(rows, memory);
  console.log(`load average at the end: ${fmt(os.loadavg()[0], 1)}`);
}

await main();
