// Trains hey_jarvis's embedding verifier (src/wake/embedding-verifier.ts) on the clips
// scripts/wake-verifier-data.ts made, writes assets/wake-verifier/hey_jarvis.json and pins its
// sha256 in src/wake/embedding-verifier.ts (BUNDLED_EMBEDDING_VERIFIERS). Everything is chosen on
// voices held out of fitting: the sixteen training voices in eight folds of two, each fold's
// clips replayed through the daemon's candidate trigger (scripts/wake-verifier-replay.ts) with
// probabilities from a model fitted on the other fourteen. Chosen so: the model (hidden units,
// L2, how far the wake phrase's chunk is jittered), the candidate threshold, how many of a
// candidate's chunks the verifier reads, and the verifier's threshold (the lowest at which at most
// MAX_FALSE_WAKES of the held-out near-miss clips wake). The benchmark's seven voices are never
// seen here: they are the held-out report (bench/wake-noise.ts). Deterministic (seeded).
//
//   nice -n 10 npx tsx scripts/train-wake-verifier.ts [--configs 8:0.001:1,8:0.001:2] [--dry-run]
//   (hidden units:L2:jitter; 0 hidden units is logistic regression; --dry-run writes nothing)

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { EmbeddingVerifier, type EmbeddingVerifierWeights } from "../src/wake/embedding-verifier.js";
import { prng } from "./make-hearing-fixtures.js";
import { TRAIN_VOICES } from "./wake-verifier-data.js";
import { type Data, type FitOptions, fitVerifier } from "./wake-verifier-fit.js";
import {
  type Clips,
  type Example,
  examplesOf,
  isHit,
  loadClips,
  type Policy,
  replay,
  windowAt,
} from "./wake-verifier-replay.js";

/**
 * At most this share of held-out near-miss clips may wake. The benchmark's 33.8 minutes hold 112
 * near-miss phrases; at 0.25 % that is 0.28 expected false wakes there, 0.5 per hour: the target.
 */
const MAX_FALSE_WAKES = 0.0025;
const OUT = "assets/wake-verifier/hey_jarvis.json";
const POLICIES: Policy[] = [0.05, 0.1, 0.2].flatMap((candidateThreshold) =>
  [
    { chunks: 1, afterChunks: 4 },
    { chunks: 2, afterChunks: 4 },
    { chunks: 3, afterChunks: 4 },
    { chunks: 2, afterChunks: 2 },
    { chunks: 3, afterChunks: 2 },
  ].map((p) => ({ candidateThreshold, ...p })),
);

const { values } = parseArgs({
  options: { data: { type: "string" }, configs: { type: "string" }, "dry-run": { type: "boolean" } },
});
const data: Clips = loadClips(path.resolve(values.data ?? "bench/out/wake-train"));
const { clips } = data;
const d = data.frames * 96;
type Config = FitOptions & { jitter: number };
const configs: Config[] = (values.configs ?? "8:0.001:1,8:0.001:2").split(",").map((c) => {
  const [hidden, l2, jitter] = c.split(":").map(Number);
  return {
    hidden: hidden ?? 8,
    l2: l2 ?? 0.001,
    jitter: jitter ?? 1,
    epochs: hidden ? 12 : 15,
    learningRate: 0.002,
    batch: 64,
    seed: 7,
  };
});
const voices = TRAIN_VOICES.map((v) => v.id);
const folds = [0, 1, 2, 3, 4, 5, 6, 7].map((f) => voices.filter((_, i) => i % 8 === f));

/** The examples' windows, copied into one matrix for the fitter. */
function matrix(examples: Example[]): Data {
  const x = new Float32Array(examples.length * d);
  examples.forEach((e, i) => {
    x.set(windowAt(data, clips[e.clip] as TrainClipOf, e.chunk), i * d);
  });
  return { x, d, y: Uint8Array.from(examples, (e) => e.label) };
}
type TrainClipOf = Clips["clips"][number];

function weightsOf(options: Config, examples: Example[], threshold: number): EmbeddingVerifierWeights {
  const m = matrix(examples);
  const fitted = fitVerifier(
    m,
    examples.map((_, i) => i),
    options,
  );
  return {
    format: "edge-voice-wake-verifier/1",
    wakeWord: "hey_jarvis",
    frames: data.frames,
    threshold,
    trainedOn: {},
    ...fitted,
  };
}

/** Every chunk's probability, each clip scored by the model fitted without its voice. */
function heldOut(options: Config): Float32Array[] {
  const examples = examplesOf(data, options.jitter, prng(99));
  const out: Float32Array[] = clips.map((c) => new Float32Array(c.scores.length));
  for (const fold of folds) {
    const train = examples.filter((e) => !fold.includes(clips[e.clip]?.voice ?? ""));
    const verifier = EmbeddingVerifier.fromWeights(weightsOf(options, train, 0.5));
    clips.forEach((c, i) => {
      if (!fold.includes(c.voice)) return;
      const p = out[i] as Float32Array;
      for (let j = 5; j < c.scores.length; j++)
        if (Math.max(...c.scores.slice(Math.max(0, j - 4), j + 1)) >= 0.02)
          p[j] = verifier.score(windowAt(data, c, j));
    });
  }
  return out;
}

interface Outcome {
  threshold: number;
  recall: Map<string, [number, number]>;
  hits: number;
  positives: number;
  falseWakes: number;
  nearMisses: number;
  candidatesPerHour: number;
  delays: number[];
}

/** Replays held-out clips at one policy and verifier threshold. */
function evaluate(p: Float32Array[], policy: Policy, threshold: number): Outcome {
  const recall = new Map<string, [number, number]>();
  let hits = 0;
  let positives = 0;
  let falseWakes = 0;
  let nearMisses = 0;
  let candidates = 0;
  let negativeSeconds = 0;
  const delays: number[] = [];
  clips.forEach((c, i) => {
    if (c.voice === "-") return; // the noise is fitted on in every fold
    const r = replay(c.scores, p[i] as Float32Array, policy, threshold);
    if (c.kind === "wake") {
      const hit = r.wakes.some((w) => isHit(c, w));
      const [h, n] = recall.get(c.condition) ?? [0, 0];
      recall.set(c.condition, [h + (hit ? 1 : 0), n + 1]);
      hits += hit ? 1 : 0;
      positives++;
      if (hit) delays.push(...r.delays.slice(0, 1));
      return;
    }
    if (c.kind === "near-miss") nearMisses++;
    falseWakes += r.wakes.length;
    candidates += r.candidates;
    negativeSeconds += (c.scores.length * 1280) / 16_000;
  });
  return {
    threshold,
    recall,
    hits,
    positives,
    falseWakes,
    nearMisses,
    candidatesPerHour: (candidates * 3600) / Math.max(1, negativeSeconds),
    delays,
  };
}

/** The lowest verifier threshold at which at most MAX_FALSE_WAKES of near-miss clips wake. */
function operatingPoint(p: Float32Array[], policy: Policy): Outcome {
  let last = evaluate(p, policy, 1);
  for (let t = 0.3; t < 1; t += 0.01) {
    const o = evaluate(p, policy, Number(t.toFixed(2)));
    last = o;
    if (o.falseWakes <= Math.floor(MAX_FALSE_WAKES * o.nearMisses)) return o;
  }
  return last;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
function describe(o: Outcome): string {
  const cells = [...o.recall].map(([k, [h, n]]) => `${k} ${((100 * h) / n).toFixed(0)}%`).join(", ");
  return `t ${o.threshold.toFixed(2)}: recall ${((100 * o.hits) / o.positives).toFixed(1)}% (${cells}); false wakes ${o.falseWakes} (${o.nearMisses} near-miss clips), ${o.candidatesPerHour.toFixed(0)} cand/h; delay median ${(80 * median(o.delays)).toFixed(0)} ms`;
}

console.log(
  `${clips.length} clips, ${voices.length} voices, folds: ${folds.map((f) => f.join("+")).join(" | ")}`,
);
let best: { options: Config; policy: Policy; at: Outcome } | null = null;
for (const options of configs) {
  const started = performance.now();
  const p = heldOut(options);
  console.log(
    `hidden ${options.hidden}, L2 ${options.l2}, jitter ${options.jitter} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
  for (const policy of POLICIES) {
    const at = operatingPoint(p, policy);
    console.log(
      `  candidates from ${policy.candidateThreshold}, ${policy.chunks} chunk(s), decided ${policy.afterChunks} after: ${describe(at)}`,
    );
    if (!best || at.hits > best.at.hits) best = { options, policy, at };
  }
}
if (!best) throw new Error("no configuration");
const { options, policy, at } = best;
console.log(
  `chosen: hidden ${options.hidden}, L2 ${options.l2}, jitter ${options.jitter}, candidates from ${policy.candidateThreshold}, ${policy.chunks} chunk(s), decided ${policy.afterChunks} after; ${describe(at)}`,
);
if (values["dry-run"]) process.exit(0);

const final = weightsOf(options, examplesOf(data, options.jitter, prng(99)), at.threshold);
final.chunks = policy.chunks;
final.trainedOn = {
  script: "scripts/train-wake-verifier.ts (clips: scripts/wake-verifier-data.ts)",
  voices,
  clips: clips.length,
  hidden: options.hidden,
  l2: options.l2,
  jitter: options.jitter,
  heldOutVoices: {
    ...policy,
    threshold: at.threshold,
    recall: at.hits / at.positives,
    falseWakes: at.falseWakes,
    nearMissClips: at.nearMisses,
  },
};
mkdirSync(path.dirname(OUT), { recursive: true });
const text = `${JSON.stringify(final)}\n`;
writeFileSync(OUT, text);
const sha256 = createHash("sha256").update(text).digest("hex");
// Pin the new bytes where the daemon checks them.
const PIN_FILE = "src/wake/embedding-verifier.ts";
const source = readFileSync(PIN_FILE, "utf8");
const pinned = source.replace(
  /(file: "assets\/wake-verifier\/hey_jarvis\.json",\s*sha256: ")[0-9a-f]{64}"/,
  `$1${sha256}"`,
);
if (pinned === source && !source.includes(sha256))
  throw new Error(`cannot find hey_jarvis's sha256 pin in ${PIN_FILE}`);
writeFileSync(PIN_FILE, pinned);
console.log(`wrote ${OUT}; sha256 ${sha256}, pinned in ${PIN_FILE}`);
