// The wake word in noise and across the room, over the set scripts/make-wake-fixtures.ts writes
// (run it first): the single threshold (today without the verifier, the peer), the two stages
// with Whisper verifying (a peer), the embedding verifier as shipped before (WAKE_PEER_VERIFIER, a
// peer: session 7's weights) and the one shipped now (src/wake/embedding-verifier.ts, trained by
// scripts/train-wake-verifier.ts on voices that are not these: the split is printed and
// checked), alone and combined with Whisper. Prints recall per condition and per held-out voice,
// false wakes and candidates per hour of negatives, verification CPU per candidate and the wait
// before a wake. openWakeWord runs once per file (bench/wake-scores.ts); the strategies replay
// its scores through the daemon's own CandidateTrigger and phraseWins; Whisper verifies each
// candidate on the audio the daemon's VerifyingDetector would give it (verdicts kept in
// bench/out/wake/verified.json: delete it after changing Whisper's verifier). WAKE_CT, WAKE_EMB_T
// (comma-separated) add candidate thresholds and embedding thresholds to compare; WAKE_VERIFIER
// names another verifier file; WAKE_CANDIDATE names new weights to compare with the shipped
// ones in the same run (rows "cand", "cand+every": from its own `everyChunk`); WAKE_WHISPER_CONTEXT=2.5,0.7 adds Whisper hearing more;
// WAKE_WHISPER=0 leaves Whisper out (its verdicts take minutes on a loaded board); WAKE_MISSES=REGEX
// lists, per strategy, the clips it misses whose file matches. Since session 23 it also prints where
// each strategy's hits land against the phrase's end (a wake inside the phrase cuts the command). WAKE_VAD_GATE=1
// adds the single threshold and the every-chunk rows behind the daemon's VAD gate (wake.vad_gate:
// Silero over the second before each wake, as VadGatedDetector hears it; rows "+ vad gate").
// With wake.verifier.mel (the default since session 39) the mel verifier is read too
// (bench/wake-mel.ts): "emb+every mel T (default)" is then the daemon's default and "emb+every"
// the stages without it (the peer); WAKE_MEL_CANDIDATE and WAKE_MEL_T judge other weights, WAKE_MEL_FLOOR a veto,
// WAKE_MEL_RUN=2,1 other counts of chunks in a row; with WAKE_MISSES it prints what the default
// stages heard around each phrase they missed (bench/wake-mel.ts missDetail).
// The strategies are in bench/wake-strategies.ts, Whisper's verdicts in bench/wake-whisper-judge.ts,
// the gate in bench/wake-gate.ts, the printing in bench/wake-report.ts.
//
//   nice -n 10 npx tsx scripts/make-wake-fixtures.ts && nice -n 10 npx tsx bench/wake-noise.ts [--margins]

import { readFileSync } from "node:fs";
import path from "node:path";
import { cellOf, type WakeManifest } from "../scripts/make-wake-fixtures.js";
import { musicSeedsOf } from "../scripts/wake-music.js";
import { SAMPLE_RATE } from "../src/audio/format.js";
import { preparedModelsDir, stateDir } from "../src/config/paths.js";
import { ModelStore } from "../src/models/store.js";
import { createTranscriber } from "../src/stt/create.js";
import { silentLogger } from "../src/util/logger.js";
import { createVad } from "../src/vad/create.js";
import type { EveryChunkSettings } from "../src/wake/candidate-trigger.js";
import { GateReplay, withGateRows } from "./wake-gate.js";
import { addMel, melRows, missDetail, openMelVerifier, printMelCpu } from "./wake-mel.js";
import {
  HIT,
  type Outcome,
  printLandings,
  printRecall,
  printVerifyCpu,
  printWaits,
  q,
  voiceKey,
} from "./wake-report.js";
import { type Scored, scoreAll } from "./wake-scores.js";
import { buildStrategies, config, type Strategy, single, stages } from "./wake-strategies.js";
import { type Loaded, loadVerifier } from "./wake-verifiers.js";
import { WhisperJudge } from "./wake-whisper-judge.js";

/** WAKE_DIR: another set make-wake-fixtures.ts wrote (e.g. --music-seed's). */
const DIR = path.resolve(process.env.WAKE_DIR ?? "bench/out/wake");
const WITH_WHISPER = process.env.WAKE_WHISPER !== "0";

const store = new ModelStore({ modelsDir: "models", cacheFile: null });
const manifest = JSON.parse(readFileSync(path.join(DIR, "manifest.json"), "utf8")) as WakeManifest;

// The embedding verifiers and the voices they were trained on: none may be one of the benchmark's.
const benchVoices = [...new Set(manifest.clips.map((c) => c.voice))];
const accent = (voice: string) => voice.replace(/-[mf]\d$/, "");
const shippedFile = process.env.WAKE_VERIFIER ?? "assets/wake-verifier/hey_jarvis.json";
const peerFile = process.env.WAKE_PEER_VERIFIER ?? path.join(DIR, "s7-verifier.json");
const candidateFile = process.env.WAKE_CANDIDATE;
const benchMusic = musicSeedsOf(manifest.negatives.map((n) => n.file));
const loaded = [
  loadVerifier("shipped", shippedFile, benchVoices, benchMusic),
  loadVerifier("session 7 (peer)", peerFile, benchVoices, benchMusic),
  candidateFile ? loadVerifier("candidate", candidateFile, benchVoices, benchMusic) : null,
].filter((v): v is Loaded => v !== null);
const verifier = loaded[0]?.verifier ?? null;
const verifierId = loaded.map((v) => v.sha256).join("+");
const trainVoices = [...new Set(loaded.flatMap((v) => v.voices))];
console.log(`reported on (held out): ${benchVoices.join(", ")}`);

const started = performance.now();
const pos = await scoreAll(
  DIR,
  manifest.clips.map((c) => c.file),
  store,
  loaded.map((v) => v.verifier),
  verifierId,
);
const neg = await scoreAll(
  DIR,
  manifest.negatives.map((n) => n.file),
  store,
  loaded.map((v) => v.verifier),
  verifierId,
);
const positives = pos.scored;
const negatives = neg.scored;
const negHours = manifest.negatives.reduce((s, n) => s + n.durationMs, 0) / 3_600_000;
console.log(
  `openWakeWord over ${positives.length} clips and ${(negHours * 60).toFixed(1)} min of negatives: ${((performance.now() - started) / 1000).toFixed(0)} s`,
);

const transcriber = WITH_WHISPER
  ? await createTranscriber(config.stt, store, silentLogger(), {
      preparedDir: preparedModelsDir(stateDir(config.state_dir)),
    })
  : null;
const whisper = new WhisperJudge(DIR, transcriber, config.wake.verifier.before_seconds);
const strategies = buildStrategies(loaded, whisper);
// The mel verifier beside the embedding verifier (wake.verifier.mel; bench/wake-mel.ts).
const shippedRow = strategies.find((x) => x.name === "emb+every (default)");
const melVerifier = config.wake.verifier.mel && shippedRow?.every ? await openMelVerifier() : null;
let melMs: number[] = [];
/** Where each chunk keeps the mel probability, and the default stages' settings (missDetail). */
let melRead: { k: number; every: EveryChunkSettings; threshold: number } | null = null;
if (melVerifier && shippedRow?.every) {
  shippedRow.name = "emb+every";
  const all = [...positives, ...negatives];
  const added = await addMel(melVerifier, all);
  melMs = added.ms;
  melRead = { k: added.k, every: shippedRow.every, threshold: melVerifier.threshold };
  strategies.push(...melRows(all, added.k, 0, shippedRow.every, shippedRow, melVerifier.threshold));
  await melVerifier.dispose();
}
const gateVad = process.env.WAKE_VAD_GATE === "1" ? await createVad(config.vad, store, silentLogger()) : null;
const clipFiles = new Set(manifest.clips.map((c) => c.file));
const gate = gateVad ? new GateReplay(gateVad, config.vad.start_threshold, clipFiles) : null;
if (gate) withGateRows(strategies);

/** Where a strategy wakes in `s` (the gate's verdict included when it is behind it). */
async function detect(strategy: Strategy, s: Scored): Promise<number[]> {
  const wakes: { at: number; decidedAt: number }[] = [];
  if (!strategy.judge) for (const at of single(s)) wakes.push({ at, decidedAt: at });
  else
    for (const stage of stages(s, strategy))
      if (stage.kind !== "candidate" || (await strategy.judge(s, stage)))
        wakes.push({ at: stage.wakeAt, decidedAt: stage.decidedAt });
  if (!strategy.gate) return wakes.map((w) => w.at);
  if (!gate) throw new Error("no VAD for the gate");
  return gate.keep(strategy, s, wakes);
}

/** The detection that hits the clip's wake phrase (within HIT of its end); undefined: a miss. */
function hitOf(clip: WakeManifest["clips"][number], detections: number[]): number | undefined {
  const end = (clip.wakeEndMs / 1000) * SAMPLE_RATE;
  return detections.find((d) => d >= end + HIT[0] * SAMPLE_RATE && d <= end + HIT[1] * SAMPLE_RATE);
}

const isHit = (clip: WakeManifest["clips"][number], detections: number[]) =>
  hitOf(clip, detections) !== undefined;

/**
 * Where a hit's wake says the phrase ended, against where its sound ends (ms; negative: inside
 * the phrase). The run takes its command from there: a wake inside the phrase hands the
 * phrase's tail to the endpointer as the command's speech (session 23).
 */
const landingMs = (clip: WakeManifest["clips"][number], hit: number) =>
  ((hit - (clip.wakeEndMs / 1000) * SAMPLE_RATE) / SAMPLE_RATE) * 1000;
const landings = new Map<string, number[]>();

/** WAKE_MISSES=REGEX: the clips whose file matches, missed per strategy (what to listen to). */
const listMisses = process.env.WAKE_MISSES ? new RegExp(process.env.WAKE_MISSES) : null;
const misses: string[] = [];
const details: string[] = [];
const outcomes: Outcome[] = [];
for (const strategy of strategies) {
  const hits = new Map<string, number>();
  const byVoice = new Map<string, number>();
  const missed: string[] = [];
  const offsets: number[] = [];
  for (const [i, clip] of manifest.clips.entries()) {
    const hit = hitOf(clip, await detect(strategy, positives[i] as Scored));
    if (hit === undefined) {
      if (listMisses?.test(clip.file)) missed.push(clip.file);
      if (melRead && listMisses?.test(clip.file) && strategy.name.endsWith("(default)")) {
        const { k, every, threshold } = melRead;
        const end = (clip.wakeEndMs / 1000) * SAMPLE_RATE;
        details.push(missDetail(positives[i] as Scored, end, k, 0, every, threshold));
      }
      continue;
    }
    offsets.push(landingMs(clip, hit));
    hits.set(cellOf(clip), (hits.get(cellOf(clip)) ?? 0) + 1);
    byVoice.set(voiceKey(clip), (byVoice.get(voiceKey(clip)) ?? 0) + 1);
  }
  let falseWakes = 0;
  let candidates = 0;
  const where: string[] = [];
  for (const [i, n] of negatives.entries()) {
    const found = await detect(strategy, n);
    falseWakes += found.length;
    for (const d of found) where.push(`${manifest.negatives[i]?.file}@${(d / SAMPLE_RATE).toFixed(1)}s`);
    // Behind the gate: the candidates it lets through to the verifier.
    for (const st of strategy.judge ? stages(n, strategy) : [])
      if (
        st.kind === "candidate" &&
        (!gate || !strategy.gate || (await gate.speechBefore(n, st.wakeAt, st.decidedAt)) >= gate.threshold)
      )
        candidates++;
  }
  outcomes.push({ strategy, hits, byVoice, falseWakes, candidates, where });
  landings.set(strategy.name, offsets);
  if (listMisses) misses.push(`${strategy.name}: ${missed.join(", ") || "none"}`);
}
if (listMisses) console.log(`\nmissed clips matching ${listMisses}\n${misses.join("\n")}`);
if (details.length > 0)
  console.log(`\nwhat the default stages heard around those it missed\n${details.join("\n")}`);
const trainAccents = new Set(trainVoices.map(accent));
const mark = (v: string) => (verifier && !trainAccents.has(accent(v)) ? `${v}*` : v);
printRecall(outcomes, { manifest, positives, negHours, benchVoices, mark });
printLandings(landings);
await gate?.report(
  negatives,
  manifest.negatives.map((n) => n.kind),
);

// The wait before the earcon, on clips the single threshold wakes on: from its first chunk at
// 0.5 to the chunk where each strategy's wake was decided (a candidate waits for its best chunk
// and after_seconds), plus Whisper's CPU where it verified. Negative: earlier than single 0.5.
const waits = new Map<string, number[]>();
for (const strategy of strategies.filter((x) => x.judge && !x.gate)) {
  const xs: number[] = [];
  for (const [i, clip] of manifest.clips.entries()) {
    const s = positives[i] as Scored;
    const first = single(s)[0];
    if (first === undefined || !isHit(clip, [first])) continue;
    for (const stage of stages(s, strategy)) {
      if (Math.abs(stage.endSample - first) >= SAMPLE_RATE) continue;
      if (stage.kind === "candidate" && !(await strategy.judge?.(s, stage))) continue;
      const verdict = whisper.cache.get(`${s.file}@${stage.endSample}@${stage.decidedAt}`);
      const whisperMs =
        stage.kind === "candidate" && strategy.name.startsWith("whisper") ? (verdict?.cpuMs ?? 0) : 0;
      xs.push(((stage.decidedAt - first) / SAMPLE_RATE) * 1000 + whisperMs);
      break;
    }
  }
  waits.set(strategy.name, xs);
}
printWaits(waits);
whisper.save();

// The verifier read on its own (every_chunk): chunks per hour of negatives, and what they cost.
const vms = loaded.map((v, k) => ({
  name: v.name,
  ms: [...(pos.verifierMs[k] ?? []), ...(neg.verifierMs[k] ?? [])],
  chunks: v.verifier.chunks,
}));
for (const strategy of strategies.filter((x) => x.every && !x.gate)) {
  const probes = new Map<string, number>();
  for (const n of negatives) stages(n, strategy, probes);
  const perHour = (probes.get(strategy.name) ?? 0) / negHours;
  // The mel verifier runs where the embedding verifier may be read: its CPU once, from that row.
  if (strategy.name.startsWith("emb+every mel")) continue;
  if (melMs.length > 0 && strategy.name === "emb+every") printMelCpu(melMs, perHour);
  console.log(
    `${strategy.name}: verifier read on its own ${perHour.toFixed(0)} chunks per hour of negatives (of ${(3600 / 0.08).toFixed(0)}), ${((perHour * q(vms[strategy.k ?? 0]?.ms ?? [], 0.5)) / 1000).toFixed(2)} s of CPU per hour`,
  );
}
printVerifyCpu(whisper.cache.values(), vms, config.stt.threads);
if (process.argv.includes("--margins"))
  for (const [key, v] of whisper.cache)
    console.log(`${v.margin.toFixed(2).padStart(7)}  ${key}  ${JSON.stringify(v.text)}`);
await whisper.dispose();
await gateVad?.dispose();
