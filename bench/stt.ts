// Whisper tiny (int8) speech to text: ours (own decoding loop on onnxruntime-node) against
// transformers.js's automatic-speech-recognition pipeline (the peer: the same model files on
// the same onnxruntime-node), on 2 s, 4 s and 8 s commands made from the espeak-ng fixtures,
// on 1 and 2 intra-op threads. Each engine and thread count runs in its own process (so RSS
// is its own), after one warm-up; figures are medians of RUNS runs.
//
//   npx tsx bench/stt.ts            (RUNS=5 by default; RUNS=10 npx tsx bench/stt.ts)

import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { env, pipeline } from "@huggingface/transformers";
import { int16ToFloat32 } from "../src/audio/format.js";
import { readWav16kMono } from "../src/audio/wav.js";
import { configSchema } from "../src/config/schema.js";
import { ModelStore } from "../src/models/store.js";
import { createTranscriber } from "../src/stt/create.js";
import { silentLogger } from "../src/util/logger.js";

const RUNS = Number(process.env.RUNS ?? 5);
const LEAD_IN_SECONDS = 0.4;
const RATE = 16_000;

interface Row {
  engine: "ours" | "peer";
  threads: number;
  seconds: number;
  text: string;
  encodeMs: number | null;
  decodeMs: number | null;
  totalMs: number;
  rssMb: number;
  loadMs: number;
}

/** 2 s, 4 s and 8 s commands: fixtures joined with short pauses, padded or trimmed to length. */
async function commands(): Promise<Map<number, Float32Array>> {
  const clip = async (name: string) =>
    int16ToFloat32((await readWav16kMono(`test/fixtures/wav/commands/${name}.wav`)).samples);
  const pause = new Float32Array(0.2 * RATE);
  const build = (seconds: number, parts: Float32Array[]) => {
    const out = new Float32Array(seconds * RATE);
    let offset = 0;
    for (const part of parts) {
      out.set(part.subarray(0, Math.max(0, out.length - offset)), offset);
      offset += part.length;
    }
    return out;
  };
  return new Map([
    [2, build(2, [await clip("turn-on-kitchen-light")])],
    [4, build(4, [await clip("thermostat-twenty-one")])],
    // Three commands in a row (8 s): clips whisper-tiny hears without looping, so both
    // engines decode the same short text (bedroom + thermostat makes it loop to the budget).
    [
      8,
      build(8, [
        await clip("turn-on-kitchen-light"),
        pause,
        await clip("turn-off-living-room-lamp"),
        pause,
        await clip("timer-five-minutes"),
      ]),
    ],
  ]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function worker(engine: "ours" | "peer", threads: number): Promise<Row[]> {
  const audio = await commands();
  const started = performance.now();
  let run: (
    samples: Float32Array,
  ) => Promise<{ text: string; encodeMs: number | null; decodeMs: number | null }>;
  if (engine === "ours") {
    const config = configSchema.parse({ stt: { threads, lead_in_seconds: LEAD_IN_SECONDS } });
    const stt = await createTranscriber(
      config,
      new ModelStore({ modelsDir: "models", cacheFile: null }),
      silentLogger(),
    );
    run = async (samples) => stt.transcribe(samples);
  } else {
    const { dir } = await new ModelStore({ modelsDir: "models", cacheFile: null }).verify("whisper-tiny");
    env.allowRemoteModels = false;
    env.localModelPath = path.dirname(dir);
    const asr = (await pipeline("automatic-speech-recognition", path.basename(dir), {
      dtype: "q8",
      session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
    })) as unknown as (a: Float32Array, o: object) => Promise<{ text: string }>;
    const lead = new Float32Array(LEAD_IN_SECONDS * RATE);
    run = async (samples) => {
      // The same audio our transcriber sees: its lead-in silence, then the command.
      const padded = new Float32Array(lead.length + samples.length);
      padded.set(samples, lead.length);
      const out = await asr(padded, { language: "en", task: "transcribe" });
      return { text: out.text.trim(), encodeMs: null, decodeMs: null };
    };
  }
  const loadMs = performance.now() - started;
  await run(audio.get(2) as Float32Array); // warm-up
  const rows: Row[] = [];
  for (const [seconds, samples] of audio) {
    const totals: number[] = [];
    const encodes: number[] = [];
    const decodes: number[] = [];
    let text = "";
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const out = await run(samples);
      totals.push(performance.now() - t0);
      if (out.encodeMs !== null) encodes.push(out.encodeMs);
      if (out.decodeMs !== null) decodes.push(out.decodeMs);
      text = out.text;
    }
    rows.push({
      engine,
      threads,
      seconds,
      text,
      encodeMs: encodes.length ? median(encodes) : null,
      decodeMs: decodes.length ? median(decodes) : null,
      totalMs: median(totals),
      rssMb: process.resourceUsage().maxRSS / 1024,
      loadMs,
    });
  }
  return rows;
}

function spawnWorker(engine: string, threads: number): Row[] {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(process.execPath, ["--import", "tsx", self, "--worker", engine, String(threads)], {
    encoding: "utf8",
    env: { ...process.env, RUNS: String(RUNS) },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (out.status !== 0) throw new Error(`${engine} worker failed: ${out.stderr}`);
  const last = out.stdout.trim().split("\n").pop() as string;
  return JSON.parse(last) as Row[];
}

function fmt(value: number | null, digits = 0): string {
  return value === null ? "-" : value.toFixed(digits);
}

async function main(): Promise<void> {
  if (process.argv[2] === "--worker") {
    const rows = await worker(process.argv[3] as "ours" | "peer", Number(process.argv[4]));
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  const cpu = os.cpus()[0]?.model ?? "?";
  console.log(
    `Whisper tiny int8 STT, ${RUNS} runs each (medians), ${os.cpus().length} cores (${cpu}), load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  const rows: Row[] = [];
  for (const threads of [1, 2]) {
    for (const engine of ["ours", "peer"]) rows.push(...spawnWorker(engine, threads));
  }
  console.log("\nengine  thr  audio  encode ms  decode ms  total ms   RTF    peak RSS MB  load ms  text");
  for (const r of rows) {
    console.log(
      [
        r.engine.padEnd(6),
        String(r.threads).padStart(3),
        `${r.seconds} s`.padStart(6),
        fmt(r.encodeMs).padStart(10),
        fmt(r.decodeMs).padStart(10),
        fmt(r.totalMs).padStart(9),
        fmt(r.totalMs / (r.seconds * 1000), 3).padStart(6),
        fmt(r.rssMb).padStart(12),
        fmt(r.loadMs).padStart(8),
        ` ${JSON.stringify(r.text)}`,
      ].join(" "),
    );
  }
  console.log("\npeer total / ours total (higher = ours faster):");
  for (const threads of [1, 2]) {
    const cells = [2, 4, 8].map((s) => {
      const ours = rows.find((r) => r.engine === "ours" && r.threads === threads && r.seconds === s);
      const peer = rows.find((r) => r.engine === "peer" && r.threads === threads && r.seconds === s);
      return `${s} s: ${ours && peer ? (peer.totalMs / ours.totalMs).toFixed(2) : "?"}x`;
    });
    console.log(`  ${threads} thread(s): ${cells.join("   ")}`);
  }
  const four = rows.find((r) => r.engine === "ours" && r.threads === 1 && r.seconds === 4);
  console.log(`\ngoal: 4 s command under 1000 ms total, 1 thread: ${fmt(four?.totalMs ?? null)} ms`);
}

await main();
