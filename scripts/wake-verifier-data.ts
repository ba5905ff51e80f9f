// The embedding verifier's training examples (scripts/train-wake-verifier.ts reads them). Ten
// espeak-ng voices that are NOT the benchmark's (bench/wake-noise.ts reports on its seven, held
// out; two of its accents, en-029 and en-us-nyc, appear here in no variant at all) say "hey
// jarvis" + a command, and near-misses ("hey Charlie, set a timer"), clean, in pink noise and in
// babble (other voices, other prose than the benchmark's) at 10 and 5 dB, and reverberant; and
// read prose; plus noise. openWakeWord runs over each clip as the daemon runs it; an example is
// the 16 embeddings its classifier saw at one chunk: for the wake phrase its best chunk near the
// phrase's end and one chunk either side; elsewhere the chunks where hey_jarvis scores highest
// (what becomes a candidate) and a few at random. Deterministic. Output (never committed):
// bench/out/wake-train/examples-K.json (labels) and examples-K.f32 (the embeddings, row by
// row); `--part K/N` makes the K-th of N shares of the voices (run the N at once on N cores).
//
//   nice -n 10 npx tsx scripts/wake-verifier-data.ts [--out DIR] [--part 0/1]

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { FRAME_SAMPLES } from "../src/audio/format.js";
import { ModelStore } from "../src/models/store.js";
import { silentLogger } from "../src/util/logger.js";
import { EMBEDDING_DIM } from "../src/wake/embedding-stream.js";
import { CANDIDATE_FRAMES, OpenWakeWordDetector } from "../src/wake/openwakeword.js";
import { CHUNK_SAMPLES } from "../src/wake/oww-features.js";
import { concat, pinkNoise, prng, say, zeros } from "./make-hearing-fixtures.js";
import {
  babbleTrack,
  lastLoud,
  NEAR_MISSES,
  proseWords,
  type WakeCondition,
  wakeSpeed,
  withCondition,
} from "./make-wake-fixtures.js";

const RATE = 16_000;

/** Training voices: none is one of the benchmark's seven (make-hearing-fixtures.ts VOICES). */
export const TRAIN_VOICES = [
  { id: "en-gb-x-gbclan", voice: "en-gb-x-gbclan", speed: 140 },
  { id: "en-gb-x-gbcwmd-f2", voice: "en-gb-x-gbcwmd+f2", speed: 150 },
  { id: "en-gb-f4", voice: "en-gb+f4", speed: 135 },
  { id: "en-us-m2", voice: "en-us+m2", speed: 145 },
  { id: "en-us-m6", voice: "en-us+m6", speed: 160 },
  { id: "en-gb-x-rp-m1", voice: "en-gb-x-rp+m1", speed: 150 },
  { id: "en-gb-scotland-f5", voice: "en-gb-scotland+f5", speed: 130 },
  { id: "en-gb-m7", voice: "en-gb+m7", speed: 155 },
  { id: "en-us-f1", voice: "en-us+f1", speed: 140 },
  { id: "en-gb-x-gbclan-f3", voice: "en-gb-x-gbclan+f3", speed: 125 },
];

/** Other commands than the benchmark's five. */
const COMMANDS = [
  "turn off the lights",
  "what is the weather like",
  "play some music",
  "set the lamp to fifty percent",
  "cancel the timer",
  "",
];

/** The benchmark's near-misses (the brief names them) and more of the kind. */
const MORE_NEAR_MISSES = [
  "hey harvey open the window",
  "hey darling come here",
  "hey charles stop the music",
  "hey davis turn it off",
  "hey jordan what is the weather",
  "hey garcia lock the door",
  "hey travis",
  "hey charlie",
];

const CONDITIONS: WakeCondition[] = ["clean", "pink10", "pink5", "babble10", "babble5", "reverb"];
const NEAR_CONDITIONS: WakeCondition[] = ["clean", "pink10", "babble10", "reverb"];

export type ExampleKind = "wake" | "command" | "near-miss" | "prose" | "noise";

export interface Example {
  voice: string;
  kind: ExampleKind;
  condition: string;
  /** 1: the wake phrase. */
  label: 0 | 1;
  /** hey_jarvis's own score at that chunk. */
  score: number;
  /** Which phrase or clip (for reports). */
  text: string;
  /** The chunk itself, not one beside it (those only widen the training set). */
  peak: boolean;
}

interface Scored {
  scores: number[];
  /** The noise rows before the first chunk, then one row per chunk ([16 + chunks][96]). */
  rows: Float32Array;
}

const store = new ModelStore({ modelsDir: "models", cacheFile: null });

/**
 * openWakeWord's hey_jarvis as the scripts and benches read it: every chunk scored, no
 * detection of its own (threshold above 1), one thread.
 */
export async function openScoringDetector(models: ModelStore = store): Promise<OpenWakeWordDetector> {
  const modelPath = async (id: string) => Object.values((await models.verify(id)).paths)[0] as string;
  return OpenWakeWordDetector.create({
    models: [
      {
        id: "hey_jarvis",
        path: await modelPath("hey_jarvis"),
        threshold: 1.1,
        triggerLevel: 1,
        refractorySeconds: 2,
      },
    ],
    melPath: await modelPath("oww_melspectrogram"),
    embeddingPath: await modelPath("oww_embedding"),
    threads: 1,
    logger: silentLogger(),
  });
}

async function score(wake: OpenWakeWordDetector, samples: Int16Array): Promise<Scored> {
  wake.reset();
  const rows: Float32Array[] = [wake.recentEmbeddings(CANDIDATE_FRAMES) as Float32Array];
  const scores: number[] = [];
  wake.onScores = (s) => {
    scores.push(s.scores.hey_jarvis ?? 0);
    rows.push(wake.recentEmbeddings(1) as Float32Array);
  };
  for (let i = 0; i < samples.length; i += FRAME_SAMPLES)
    await wake.process({ samples: samples.subarray(i, i + FRAME_SAMPLES), startSample: i });
  const all = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of rows) {
    all.set(r, at);
    at += r.length;
  }
  return { scores, rows: all };
}

/** The classifier's input at chunk `i`: rows i+1 .. i+16 (the noise rows come first). */
function windowAt(s: Scored, i: number): Float32Array {
  return s.rows.subarray((i + 1) * EMBEDDING_DIM, (i + 1 + CANDIDATE_FRAMES) * EMBEDDING_DIM);
}

/** Chunks of local highest scores, at least `gap` chunks apart, best first. */
function peaks(scores: number[], from: number, to: number, count: number, gap = 6): number[] {
  const order = scores
    .map((v, i) => ({ v, i }))
    .filter((x) => x.i >= from && x.i < to)
    .sort((a, b) => b.v - a.v);
  const picked: number[] = [];
  for (const x of order) {
    if (picked.length >= count) break;
    if (picked.every((p) => Math.abs(p - x.i) >= gap)) picked.push(x.i);
  }
  return picked;
}

const examples: Example[] = [];
const windows: Float32Array[] = [];
function add(s: Scored, i: number, example: Omit<Example, "score" | "peak">, peak = true): void {
  if (i < 5 || i >= s.scores.length) return; // the first 5 chunks are never scored (warm-up)
  examples.push({ ...example, score: s.scores[i] ?? 0, peak });
  windows.push(windowAt(s, i).slice());
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: "string" }, part: { type: "string" } } });
  const outDir = path.resolve(values.out ?? "bench/out/wake-train");
  const [part, parts] = (values.part ?? "0/1").split("/").map(Number) as [number, number];
  mkdirSync(outDir, { recursive: true });
  const wake = await openScoringDetector();
  const trainProse = proseWords(["BSD", "GPL-2", "LGPL-3", "MPL-1.1", "CC0-1.0"]);
  const babbleVoices = ["en-gb-x-gbcwmd+m2", "en-us+f5", "en-gb-x-rp+m6", "en-gb+f1", "en-us+m7"];
  const babble = babbleTrack(120, babbleVoices, trainProse);
  const random = prng(99);
  for (const [v, voice] of TRAIN_VOICES.entries()) {
    if (v % parts !== part) continue;
    const started = performance.now();
    for (const [c, command] of COMMANDS.entries()) {
      const speed = wakeSpeed(voice.speed + c * 6 - 15) - 5 + ((v + c) % 3) * 5;
      const wakeAudio = say(voice.voice, speed, "hey jarvis");
      const lead = zeros(0.6);
      const rest = command ? say(voice.voice, voice.speed, command) : new Int16Array(0);
      const clean = concat(lead, wakeAudio, zeros(0.25), rest, zeros(1));
      const endChunk = Math.floor((lead.length + lastLoud(wakeAudio)) / CHUNK_SAMPLES);
      for (const condition of CONDITIONS) {
        const s = await score(wake, withCondition(clean, condition, 7000 + v * 101 + c * 7, babble));
        const [best] = peaks(s.scores, endChunk - 4, endChunk + 13, 1);
        // Not heard at all (babble): never a candidate, and no sign of the phrase to learn from.
        if (best === undefined || (s.scores[best] ?? 0) < 0.02) continue;
        const text = `hey jarvis ${command}`.trim();
        for (const i of [best - 1, best, best + 1])
          add(s, i, { voice: voice.id, kind: "wake", condition, label: 1, text }, i === best);
        for (const i of peaks(s.scores, endChunk + 16, s.scores.length, 2))
          add(s, i, { voice: voice.id, kind: "command", condition, label: 0, text });
      }
    }
    for (const [p, phrase] of [...NEAR_MISSES, ...MORE_NEAR_MISSES].entries()) {
      const clean = concat(
        zeros(0.5),
        say(voice.voice, wakeSpeed(voice.speed - 10 + (p % 3) * 10), phrase),
        zeros(1),
      );
      for (const condition of NEAR_CONDITIONS) {
        const s = await score(wake, withCondition(clean, condition, 9000 + v * 101 + p * 7, babble));
        for (const i of peaks(s.scores, 0, s.scores.length, 3))
          for (const j of [i - 1, i, i + 1])
            add(s, j, { voice: voice.id, kind: "near-miss", condition, label: 0, text: phrase }, j === i);
      }
    }
    const passage = trainProse.slice(v * 250, v * 250 + 250).join(" ");
    const prose = await score(wake, say(voice.voice, voice.speed, passage));
    for (const i of peaks(prose.scores, 0, prose.scores.length, 40))
      add(prose, i, { voice: voice.id, kind: "prose", condition: "clean", label: 0, text: "prose" });
    for (let k = 0; k < 20; k++)
      add(prose, Math.floor(random() * prose.scores.length), {
        voice: voice.id,
        kind: "prose",
        condition: "clean",
        label: 0,
        text: "prose",
      });
    console.log(
      `${voice.id}: ${examples.length} examples so far (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  const noises = {
    pink: Int16Array.from(pinkNoise(60 * RATE, 4242), (x) => Math.round(x * 3000)),
    babble: Int16Array.from(babble.subarray(0, 60 * RATE), (x) =>
      Math.max(-32768, Math.min(32767, Math.round(x * 3000))),
    ),
  };
  for (const [name, samples] of part === 0 ? Object.entries(noises) : []) {
    const s = await score(wake, samples);
    for (const i of peaks(s.scores, 0, s.scores.length, 40))
      add(s, i, { voice: "-", kind: "noise", condition: name, label: 0, text: name });
  }
  await wake.dispose();
  const flat = new Float32Array(windows.length * CANDIDATE_FRAMES * EMBEDDING_DIM);
  windows.forEach((w, i) => {
    flat.set(w, i * w.length);
  });
  writeFileSync(path.join(outDir, `examples-${part}.f32`), Buffer.from(flat.buffer));
  writeFileSync(
    path.join(outDir, `examples-${part}.json`),
    `${JSON.stringify({ frames: CANDIDATE_FRAMES, examples })}\n`,
  );
  const positives = examples.filter((e) => e.label === 1).length;
  console.log(
    `${examples.length} examples (${positives} of the wake phrase) in ${path.relative(process.cwd(), outDir)}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
