// The wake word in noise and across the room: the single threshold (today, the peer) against
// the two stages (a candidate threshold, then Whisper verifying the wake phrase), over the set
// scripts/make-wake-fixtures.ts writes (run it first). Prints recall per condition and voice,
// false wakes and candidates per hour of negatives, and the verifier's CPU per candidate.
// openWakeWord runs once per file; the strategies are replayed over its scores with the
// daemon's own CandidateTrigger and phraseWins, and Whisper's transcriber verifies each
// candidate on the same audio the daemon's VerifyingDetector would give it. "two-stage" wakes
// at once on a score at or above the threshold; "verify-all" (wake.verifier.verify_all)
// verifies those too. Scores and verdicts are kept in bench/out/wake/ between runs (delete
// scores.json / verified.json after changing the wake model / the verifier); WAKE_CT and
// WAKE_MARGINS (comma-separated) choose the candidate thresholds and margins.
//
//   nice -n 10 npx tsx scripts/make-wake-fixtures.ts && nice -n 10 npx tsx bench/wake-noise.ts [--margins]

import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { WakeManifest } from "../scripts/make-wake-fixtures.js";
import { FRAME_SAMPLES, SAMPLE_RATE } from "../src/audio/format.js";
import { readWav16kMono } from "../src/audio/wav.js";
import { preparedModelsDir, stateDir } from "../src/config/paths.js";
import { configSchema } from "../src/config/schema.js";
import { ModelStore } from "../src/models/store.js";
import { createTranscriber } from "../src/stt/create.js";
import { silentLogger } from "../src/util/logger.js";
import { CandidateTrigger } from "../src/wake/candidate-trigger.js";
import { OpenWakeWordDetector } from "../src/wake/openwakeword.js";
import { Trigger } from "../src/wake/trigger.js";
import { heardWords, phraseWins } from "../src/wake/verifier.js";

const DIR = path.resolve("bench/out/wake");
const THRESHOLD = 0.5;
const CANDIDATE_THRESHOLDS = (process.env.WAKE_CT ?? "0.1,0.15").split(",").map(Number);
const MARGINS = (process.env.WAKE_MARGINS ?? "-0.8,-1.2,-1.5").split(",").map(Number);
const config = configSchema.parse({});
const { before_seconds: BEFORE, after_seconds: AFTER } = config.wake.verifier;
/** A detection from 0.3 s before to 1 s after the wake phrase's end is a hit. */
const HIT = [-0.3, 1.0] as const;
const PHRASE = "Hey Jarvis";

interface Scored {
  file: string;
  samples: Int16Array;
  scores: Array<{ endSample: number; score: number }>;
}

interface Verified {
  margin: number;
  text: string;
  cpuMs: number;
}

const store = new ModelStore({ modelsDir: "models", cacheFile: null });
const modelPath = async (id: string) => Object.values((await store.verify(id)).paths)[0] as string;

/** openWakeWord's scores per file, kept between runs (bench/out/wake/scores.json) while the file is unchanged. */
const SCORES = path.join(DIR, "scores.json");
type Kept = Record<string, { mtimeMs: number; scores: Scored["scores"] }>;
const kept: Kept = existsSync(SCORES) ? (JSON.parse(readFileSync(SCORES, "utf8")) as Kept) : {};

async function scoreAll(files: string[]): Promise<Scored[]> {
  const wake = await OpenWakeWordDetector.create({
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
  const out: Scored[] = [];
  for (const file of files) {
    const { samples } = await readWav16kMono(path.join(DIR, file));
    const mtimeMs = statSync(path.join(DIR, file)).mtimeMs;
    const known = kept[file];
    if (known?.mtimeMs === mtimeMs) {
      out.push({ file, samples, scores: known.scores });
      continue;
    }
    const scores: Scored["scores"] = [];
    wake.onScores = (s) => scores.push({ endSample: s.endSample, score: s.scores.hey_jarvis ?? 0 });
    wake.reset();
    for (let i = 0; i < samples.length; i += FRAME_SAMPLES) {
      await wake.process({ samples: samples.subarray(i, i + FRAME_SAMPLES), startSample: i });
    }
    out.push({ file, samples, scores });
    kept[file] = { mtimeMs, scores };
  }
  await wake.dispose();
  writeFileSync(SCORES, JSON.stringify(kept));
  return out;
}

function single(s: Scored): number[] {
  const t = new Trigger({ threshold: THRESHOLD, triggerLevel: 1, refractorySamples: 2 * SAMPLE_RATE });
  return s.scores.filter((c) => t.update(c.score, c.endSample)).map((c) => c.endSample);
}

type Stage = { kind: "wake" | "candidate"; endSample: number; decidedAt: number; sure: boolean };

function stages(s: Scored, candidateThreshold: number, verifyAll: boolean): Stage[] {
  const t = new CandidateTrigger({
    threshold: THRESHOLD,
    candidateThreshold,
    triggerLevel: 1,
    refractorySamples: 2 * SAMPLE_RATE,
    afterSamples: Math.round(AFTER * SAMPLE_RATE),
    maxHoldSamples: SAMPLE_RATE,
    verifyAll,
  });
  const out: Stage[] = [];
  for (const c of s.scores) {
    const fired = t.next(c.score, c.endSample);
    if (fired)
      out.push({
        kind: fired.kind,
        endSample: fired.endSample,
        decidedAt: c.endSample,
        sure: fired.kind === "candidate" && fired.sure,
      });
  }
  return out;
}

const transcriber = await createTranscriber(config.stt, store, silentLogger(), {
  preparedDir: preparedModelsDir(stateDir(config.state_dir)),
});
if (!transcriber.scorePhrase) throw new Error("the transcriber cannot score a phrase");
/** Whisper's verdicts, kept between runs (bench/out/wake/verified.json; delete it after changing the verifier). */
const VERIFIED = path.join(DIR, "verified.json");
const cache = new Map<string, Verified>(
  existsSync(VERIFIED)
    ? (Object.entries(JSON.parse(readFileSync(VERIFIED, "utf8"))) as [string, Verified][])
    : [],
);
const fresh = new Set<string>();
async function verify(s: Scored, stage: Stage): Promise<Verified> {
  const key = `${s.file}@${stage.endSample}@${stage.decidedAt}`;
  const seen = cache.get(key);
  if (seen) return seen;
  const from = Math.max(0, stage.endSample - Math.round(BEFORE * SAMPLE_RATE));
  const audio = Float32Array.from(s.samples.subarray(from, stage.decidedAt), (x) => x / 32768);
  const cpu = process.cpuUsage();
  const scores = await transcriber.scorePhrase?.(audio, PHRASE);
  const used = process.cpuUsage(cpu);
  if (!scores) throw new Error("no scores");
  const v = {
    margin: scores.phrase - scores.heard,
    text: scores.text,
    cpuMs: (used.user + used.system) / 1000,
  };
  cache.set(key, v);
  fresh.add(key);
  if (fresh.size % 20 === 0) writeFileSync(VERIFIED, JSON.stringify(Object.fromEntries(cache)));
  return v;
}

/** Detections of the two stages at one candidate threshold and margin. */
async function twoStage(
  s: Scored,
  candidateThreshold: number,
  margin: number,
  verifyAll: boolean,
  sureMargin = margin,
): Promise<number[]> {
  const out: number[] = [];
  for (const stage of stages(s, candidateThreshold, verifyAll)) {
    if (stage.kind === "wake") out.push(stage.endSample);
    else {
      const v = await verify(s, stage);
      const bar = stage.sure ? Math.min(margin, sureMargin) : margin;
      if (phraseWins({ phrase: v.margin, heard: 0, text: v.text }, bar) && heardWords(v.text))
        out.push(stage.endSample);
    }
  }
  return out;
}

const manifest = JSON.parse(readFileSync(path.join(DIR, "manifest.json"), "utf8")) as WakeManifest;
const started = performance.now();
const positives = await scoreAll(manifest.clips.map((c) => c.file));
const negatives = await scoreAll(manifest.negatives.map((n) => n.file));
const negHours = manifest.negatives.reduce((s, n) => s + n.durationMs, 0) / 3_600_000;
console.log(
  `openWakeWord over ${positives.length} clips and ${(negHours * 60).toFixed(1)} min of negatives: ${((performance.now() - started) / 1000).toFixed(0)} s`,
);

function isHit(clip: (typeof manifest.clips)[number], detections: number[]): boolean {
  const end = (clip.wakeEndMs / 1000) * SAMPLE_RATE;
  return detections.some((d) => d >= end + HIT[0] * SAMPLE_RATE && d <= end + HIT[1] * SAMPLE_RATE);
}

type Strategy = { name: string; detect: (s: Scored) => Promise<number[]> };
const strategies: Strategy[] = [{ name: `single ${THRESHOLD} (peer)`, detect: async (s) => single(s) }];
const SURE_MARGINS = (process.env.WAKE_SURE_MARGINS ?? "-2,-2.5,-3").split(",").map(Number);
for (const ct of CANDIDATE_THRESHOLDS)
  for (const m of MARGINS)
    strategies.push({ name: `two-stage ${ct}/${m}`, detect: (s) => twoStage(s, ct, m, false) });
// verify_all: sure candidates held to sure_margin, the others to min_margin.
for (const ct of CANDIDATE_THRESHOLDS)
  for (const m of MARGINS)
    for (const sm of [m, ...SURE_MARGINS.filter((x) => x < m)])
      strategies.push({ name: `verify-all ${ct}/${m}/${sm}`, detect: (s) => twoStage(s, ct, m, true, sm) });

const conditions = [...new Set(manifest.clips.map((c) => c.condition))];
const voices = [...new Set(manifest.clips.map((c) => c.voice))];
const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(0)}%`.padStart(5);
console.log(
  `\nrecall by condition; false wakes and candidates per hour of negatives (${(negHours * 60).toFixed(1)} min)`,
);
console.log(`${"strategy".padEnd(28)}${conditions.map((c) => c.padStart(9)).join("")}  false/h  cand/h`);
const perVoice = new Map<string, string>();
const falseByKind = new Map<string, string>();
for (const strategy of strategies) {
  const hits = new Map<string, number>();
  const byVoice = new Map<string, number>();
  for (const [i, clip] of manifest.clips.entries()) {
    const hit = isHit(clip, await strategy.detect(positives[i] as Scored));
    if (!hit) continue;
    hits.set(clip.condition, (hits.get(clip.condition) ?? 0) + 1);
    byVoice.set(clip.voice, (byVoice.get(clip.voice) ?? 0) + 1);
  }
  let falseWakes = 0;
  let candidates = 0;
  const ct = Number(strategy.name.split(" ")[1]?.split("/")[0]);
  const byKind = new Map<string, number>();
  for (const [i, n] of negatives.entries()) {
    const found = (await strategy.detect(n)).length;
    falseWakes += found;
    const kind = manifest.negatives[i]?.kind ?? "?";
    if (found) byKind.set(kind, (byKind.get(kind) ?? 0) + found);
    if (!Number.isNaN(ct))
      candidates += stages(n, ct, strategy.name.startsWith("verify-all")).filter(
        (s) => s.kind === "candidate",
      ).length;
  }
  falseByKind.set(strategy.name, [...byKind].map(([k, n]) => `${k} ${n}`).join(", ") || "none");
  const total = (c: string) => manifest.clips.filter((x) => x.condition === c).length;
  const perVoiceTotal = (v: string) => manifest.clips.filter((x) => x.voice === v).length;
  console.log(
    `${strategy.name.padEnd(28)}${conditions.map((c) => pct(hits.get(c) ?? 0, total(c)).padStart(9)).join("")}  ${(falseWakes / negHours).toFixed(1).padStart(7)}  ${Number.isNaN(ct) ? "      -" : (candidates / negHours).toFixed(0).padStart(6)}`,
  );
  perVoice.set(
    strategy.name,
    voices.map((v) => pct(byVoice.get(v) ?? 0, perVoiceTotal(v)).padStart(15)).join(""),
  );
}
console.log(
  `\nrecall by voice (all conditions)\n${"strategy".padEnd(28)}${voices.map((v) => v.padStart(15)).join("")}`,
);
for (const [name, row] of perVoice) console.log(`${name.padEnd(28)}${row}`);

console.log("\nfalse wakes by kind of negative");
for (const [name, row] of falseByKind) console.log(`${name.padEnd(28)}${row}`);

// What verifying every detection adds before the earcon, on the clips single 0.5 wakes on: the
// audio the candidate waits for after the first chunk at 0.5 (its peak + after_seconds), plus
// the verifier's own time (CPU here; wall time on a free board is about the same).
const waits: number[] = [];
for (const [i, clip] of manifest.clips.entries()) {
  const s = positives[i] as Scored;
  const first = single(s)[0];
  const ct = CANDIDATE_THRESHOLDS[0] as number;
  const stage = stages(s, ct, true).find(
    (x) => first !== undefined && Math.abs(x.endSample - first) < SAMPLE_RATE,
  );
  if (first === undefined || !stage || !isHit(clip, [first])) continue;
  const v = cache.get(`${s.file}@${stage.endSample}@${stage.decidedAt}`);
  waits.push(((stage.decidedAt - first) / SAMPLE_RATE) * 1000 + (v?.cpuMs ?? 0));
}
waits.sort((a, b) => a - b);
console.log(
  `\nverify-all: wake later than single 0.5 by median ${waits[Math.floor(waits.length / 2)]?.toFixed(0)} ms, p90 ${waits[Math.floor(waits.length * 0.9)]?.toFixed(0)} ms (${waits.length} clips; audio waited for + verifier CPU)`,
);
writeFileSync(VERIFIED, JSON.stringify(Object.fromEntries(cache)));

const all = [...cache.values()];
const cpu = all.map((v) => v.cpuMs).sort((a, b) => a - b);
console.log(
  `\nverifier: ${all.length} candidates scored, CPU per candidate median ${cpu[Math.floor(cpu.length / 2)]?.toFixed(0)} ms, p90 ${cpu[Math.floor(cpu.length * 0.9)]?.toFixed(0)} ms (whisper-tiny, ${config.stt.threads} threads; machine shared, indicative)`,
);
if (process.argv.includes("--margins")) {
  for (const [key, v] of cache)
    console.log(
      `${(v.margin ?? Number.NEGATIVE_INFINITY).toFixed(2).padStart(7)}  ${key}  ${JSON.stringify(v.text)}`,
    );
}
await transcriber.dispose();
