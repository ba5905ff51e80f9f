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
// WAKE_WHISPER=0 leaves Whisper out (its verdicts take minutes on a loaded board). WAKE_VAD_GATE=1
// adds the single threshold and the default behind the daemon's VAD gate (wake.vad_gate: Silero
// over the second before each wake, as VadGatedDetector hears it; rows "+ vad gate").
//
//   nice -n 10 npx tsx scripts/make-wake-fixtures.ts && nice -n 10 npx tsx bench/wake-noise.ts [--margins]

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { WakeManifest } from "../scripts/make-wake-fixtures.js";
import { SAMPLE_RATE } from "../src/audio/format.js";
import { preparedModelsDir, stateDir } from "../src/config/paths.js";
import { configSchema } from "../src/config/schema.js";
import { ModelStore } from "../src/models/store.js";
import { createTranscriber } from "../src/stt/create.js";
import { silentLogger } from "../src/util/logger.js";
import { createVad } from "../src/vad/create.js";
import { CandidateTrigger, type EveryChunkSettings } from "../src/wake/candidate-trigger.js";
import { Trigger } from "../src/wake/trigger.js";
import { DEFAULT_LOOKBACK_SECONDS, peakSpeech } from "../src/wake/vad-gate.js";
import { heardWords, phraseWins } from "../src/wake/verifier.js";
import { type Scored, scoreAll } from "./wake-scores.js";
import { type Loaded, loadVerifier } from "./wake-verifiers.js";

/** WAKE_DIR: another set make-wake-fixtures.ts wrote (e.g. --music-seed's). */
const DIR = path.resolve(process.env.WAKE_DIR ?? "bench/out/wake");
const THRESHOLD = 0.5;
/** The candidate threshold of the Whisper peer and of session 7's verifier. */
const CT = 0.1;
const MARGIN = -1.5;
const SURE_MARGIN = -3;
const config = configSchema.parse({});
const { before_seconds: BEFORE, after_seconds: AFTER } = config.wake.verifier;
/** The shipped default candidate threshold (chosen on the training folds, not here). */
const SHIPPED_CT = config.wake.models[0]?.candidate_threshold ?? CT;
const WITH_WHISPER = process.env.WAKE_WHISPER !== "0";
/** A detection from 0.3 s before to 1 s after the wake phrase's end is a hit. */
const HIT = [-0.3, 1.0] as const;
const PHRASE = "Hey Jarvis";
const list = (v: string | undefined) => (v ? v.split(",").map(Number) : []);

const store = new ModelStore({ modelsDir: "models", cacheFile: null });
const manifest = JSON.parse(readFileSync(path.join(DIR, "manifest.json"), "utf8")) as WakeManifest;

// The embedding verifiers and the voices they were trained on: none may be one of the benchmark's.
const benchVoices = [...new Set(manifest.clips.map((c) => c.voice))];
const accent = (voice: string) => voice.replace(/-[mf]\d$/, "");
const shippedFile = process.env.WAKE_VERIFIER ?? "assets/wake-verifier/hey_jarvis.json";
const peerFile = process.env.WAKE_PEER_VERIFIER ?? path.join(DIR, "s7-verifier.json");
const candidateFile = process.env.WAKE_CANDIDATE;
const loaded = [
  loadVerifier("shipped", shippedFile, benchVoices),
  loadVerifier("session 7 (peer)", peerFile, benchVoices),
  candidateFile ? loadVerifier("candidate", candidateFile, benchVoices) : null,
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

function single(s: Scored): number[] {
  const t = new Trigger({ threshold: THRESHOLD, triggerLevel: 1, refractorySamples: 2 * SAMPLE_RATE });
  return s.scores.filter((c) => t.update(c.score, c.endSample)).map((c) => c.endSample);
}

/** `endSample`: the candidate's best chunk (its embeddings); `wakeAt`: where its wake says the word ended. */
type Stage = {
  kind: "wake" | "candidate" | "verified";
  endSample: number;
  decidedAt: number;
  sure: boolean;
  wakeAt: number;
};

/** Counts the chunks where a strategy read the verifier on its own (every_chunk), over negatives. */
const probes = new Map<string, number>();

function stages(s: Scored, strategy: Strategy): Stage[] {
  const { ct: candidateThreshold, verifyAll, every } = strategy;
  const t = new CandidateTrigger({
    threshold: THRESHOLD,
    candidateThreshold,
    triggerLevel: 1,
    refractorySamples: 2 * SAMPLE_RATE,
    afterSamples: Math.round(AFTER * SAMPLE_RATE),
    maxHoldSamples: SAMPLE_RATE,
    verifyAll,
    ...(every ? { everyChunk: every } : {}),
  });
  const out: Stage[] = [];
  for (const c of s.scores) {
    const probe = () => {
      probes.set(strategy.name, (probes.get(strategy.name) ?? 0) + 1);
      return c.embedding[strategy.k ?? 0] ?? 0;
    };
    const fired = t.next(c.score, c.endSample, probe);
    if (!fired) continue;
    const sure = fired.kind === "candidate" && fired.sure;
    const wakeAt = fired.kind === "candidate" ? fired.wakeEndSample : fired.endSample;
    out.push({ kind: fired.kind, endSample: fired.endSample, decidedAt: c.endSample, sure, wakeAt });
  }
  return out;
}

/**
 * Verifier `k`'s probability for a candidate as the daemon judges it: the highest over its best
 * chunk and the `chunks - 1` after it that had arrived when it was decided.
 */
function probability(s: Scored, stage: Stage, k: number): number {
  const chunks = loaded[k]?.verifier.chunks ?? 1;
  const last = Math.min(stage.decidedAt, stage.endSample + (chunks - 1) * 1280);
  let p = 0;
  for (const c of s.scores)
    if (c.endSample >= stage.endSample && c.endSample <= last) p = Math.max(p, c.embedding[k] ?? 0);
  return p;
}

const transcriber = WITH_WHISPER
  ? await createTranscriber(config.stt, store, silentLogger(), {
      preparedDir: preparedModelsDir(stateDir(config.state_dir)),
    })
  : null;
interface Verified {
  margin: number;
  text: string;
  cpuMs: number;
}
const VERIFIED = path.join(DIR, "verified.json");
const cache = new Map<string, Verified>(
  existsSync(VERIFIED)
    ? (Object.entries(JSON.parse(readFileSync(VERIFIED, "utf8"))) as [string, Verified][])
    : [],
);
let fresh = 0;
/** `context`: seconds heard before the candidate's end and after the verdict would be due (null: the daemon's). */
async function whisper(s: Scored, stage: Stage, context: [number, number] | null = null): Promise<Verified> {
  const key = `${s.file}@${stage.endSample}@${stage.decidedAt}${context ? `@${context.join("+")}` : ""}`;
  const seen = cache.get(key);
  if (seen) return seen;
  const [before, after] = context ?? [BEFORE, 0];
  const from = Math.max(0, stage.endSample - Math.round(before * SAMPLE_RATE));
  const to = stage.decidedAt + Math.round(after * SAMPLE_RATE);
  const audio = Float32Array.from(s.samples.subarray(from, to), (x) => x / 32768);
  const cpu = process.cpuUsage();
  const scores = await transcriber?.scorePhrase?.(audio, PHRASE);
  const used = process.cpuUsage(cpu);
  if (!scores) throw new Error("the transcriber cannot score a phrase");
  const v = {
    margin: scores.phrase - scores.heard,
    text: scores.text,
    cpuMs: (used.user + used.system) / 1000,
  };
  cache.set(key, v);
  if (++fresh % 10 === 0) writeFileSync(VERIFIED, JSON.stringify(Object.fromEntries(cache)));
  return v;
}
async function whisperWakes(
  s: Scored,
  stage: Stage,
  margin: number,
  context: [number, number] | null = null,
): Promise<boolean> {
  const v = await whisper(s, stage, context);
  return heardWords(v.text) && phraseWins({ phrase: v.margin, heard: 0, text: v.text }, margin);
}

/** How a candidate is judged; `wake` stages pass unjudged. */
type Judge = (s: Scored, stage: Stage) => Promise<boolean>;
type Strategy = {
  name: string;
  ct: number;
  verifyAll: boolean;
  judge: Judge | null;
  /** The shipped verifier read on every chunk past a score floor too (wake.verifier.every_chunk). */
  every?: EveryChunkSettings;
  /** Which loaded verifier `every` reads (default 0: the shipped one). */
  k?: number;
  /** Behind the VAD gate (wake.vad_gate): a wake without speech in the second before it is dropped. */
  gate?: boolean;
};
const strategies: Strategy[] = [
  { name: `single ${THRESHOLD} (peer)`, ct: THRESHOLD, verifyAll: false, judge: null },
];
if (WITH_WHISPER)
  strategies.push({
    name: `whisper ${CT}/${MARGIN} (peer)`,
    ct: CT,
    verifyAll: false,
    judge: (s, st) => whisperWakes(s, st, MARGIN),
  });
// Whisper verifying sure detections too (session 6's verify_all): some 200 more Whisper runs, at
// 2-10 s each on a shared board; WAKE_WHISPER_ALL=1 adds it.
if (WITH_WHISPER && process.env.WAKE_WHISPER_ALL === "1")
  strategies.push({
    name: `whisper-all ${CT}/${MARGIN}/${SURE_MARGIN}`,
    ct: CT,
    verifyAll: true,
    judge: (s, st) => whisperWakes(s, st, st.sure ? SURE_MARGIN : MARGIN),
  });
// Whisper with more context (WAKE_WHISPER_CONTEXT=2.5,0.7: seconds before the candidate's end, and
// more after the verdict was due: the command's first words), on weak candidates as the peer.
const context = list(process.env.WAKE_WHISPER_CONTEXT) as [number, number];
if (WITH_WHISPER && context.length === 2)
  strategies.push({
    name: `whisper ctx ${context.join("+")} s`,
    ct: CT,
    verifyAll: false,
    judge: (s, st) => whisperWakes(s, st, MARGIN, context),
  });
// Each embedding verifier at its own threshold: the shipped one from the shipped candidate
// threshold, session 7's from its own (0.1); WAKE_CT and WAKE_EMB_T add sensitivity rows.
const shortName = (v: Loaded) => ({ shipped: "emb", candidate: "cand" })[v.name] ?? "emb s7 (peer)";
for (const [k, v] of [...loaded.entries()].reverse()) {
  const trained = v.verifier.threshold;
  const ownCt = v.name === "session 7 (peer)" ? CT : SHIPPED_CT;
  for (const ct of [...new Set([ownCt, ...list(process.env.WAKE_CT)])])
    for (const t of [...new Set([trained, ...list(process.env.WAKE_EMB_T)])])
      strategies.push({
        name: `${shortName(v)} ${ct}/${t}`,
        ct,
        verifyAll: true,
        judge: async (s, st) => probability(s, st, k) >= t,
      });
}
// The shipped verifier read on every chunk past a score floor as well (its own first stage):
// WAKE_EVERY=threshold:floor:floorChunks:consecutive,... adds rows.
// The default (wake.verifier.every_chunk) reads it at the settings its weights were chosen with.
const shippedEvery = config.wake.verifier.every_chunk ? verifier?.everyChunk : null;
if (verifier && shippedEvery) {
  const trained = verifier.threshold;
  strategies.push({
    name: `emb+every (default)`,
    ct: SHIPPED_CT,
    verifyAll: true,
    judge: async (s, st) => probability(s, st, 0) >= trained,
    every: shippedEvery,
  });
}
// New weights under test, read on every chunk at the settings they were chosen with.
const candidateK = loaded.findIndex((v) => v.name === "candidate");
const candidate = loaded[candidateK]?.verifier;
if (candidate?.everyChunk && config.wake.verifier.every_chunk) {
  const trained = candidate.threshold;
  strategies.push({
    name: "cand+every",
    ct: SHIPPED_CT,
    verifyAll: true,
    judge: async (s, st) => probability(s, st, candidateK) >= trained,
    every: candidate.everyChunk,
    k: candidateK,
  });
}
for (const spec of (process.env.WAKE_EVERY ?? "").split(",").filter(Boolean)) {
  const [threshold, scoreFloor, floorChunks, consecutive = 1] = spec.split(":").map(Number);
  if (!verifier || threshold === undefined || scoreFloor === undefined || floorChunks === undefined) continue;
  const trained = verifier.threshold;
  strategies.push({
    name: `emb+every ${threshold}/${scoreFloor}/${floorChunks}x${consecutive}`,
    ct: SHIPPED_CT,
    verifyAll: true,
    judge: async (s, st) => probability(s, st, 0) >= trained,
    every: { threshold, scoreFloor, floorChunks, consecutive },
  });
}
if (verifier && WITH_WHISPER) {
  const trained = verifier.threshold;
  strategies.push({
    name: `both ${SHIPPED_CT}/${trained}/${MARGIN}`,
    ct: SHIPPED_CT,
    verifyAll: true,
    judge: async (s, st) =>
      probability(s, st, 0) >= trained && (st.sure || (await whisperWakes(s, st, MARGIN))),
  });
}

// The daemon's VAD gate over each wake a strategy reports (WAKE_VAD_GATE=1): the single threshold
// and the default behind it. The gate wraps openWakeWord and the verifier wraps the gate
// (src/wake/create.ts), so it judges sure wakes, candidates and the every-chunk wakes alike; as a
// filter before the verdict it drops exactly the wakes it would drop after it. WAKE_EVERY's rows get
// theirs too, since the daemon would run them behind it.
const gateVad = process.env.WAKE_VAD_GATE === "1" ? await createVad(config.vad, store, silentLogger()) : null;
const gatedNames = [`single ${THRESHOLD} (peer)`, "emb+every (default)", "cand+every"];
if (gateVad)
  for (const base of strategies.filter((x) => gatedNames.includes(x.name) || x.name.startsWith("emb+every ")))
    strategies.push({ ...base, name: `${base.name.replace(/ \(.*\)$/, "")} + vad gate`, gate: true });
const LOOKBACK = Math.round(DEFAULT_LOOKBACK_SECONDS * SAMPLE_RATE);
/** What VadGatedDetector keeps (its RecentAudio): the look-back plus a second, up to the newest frame. */
const KEPT = Math.ceil((DEFAULT_LOOKBACK_SECONDS + 1) * SAMPLE_RATE);
const speechSeen = new Map<string, number>();
/** Silero's peak over the second before `wakeAt`, of the audio kept when the wake was decided. */
async function speechBefore(s: Scored, wakeAt: number, decidedAt: number): Promise<number> {
  const from = Math.max(0, decidedAt - KEPT, wakeAt - LOOKBACK);
  const key = `${s.file}@${from}@${wakeAt}`;
  const seen = speechSeen.get(key);
  if (seen !== undefined) return seen;
  if (!gateVad) throw new Error("no VAD for the gate");
  const p = await peakSpeech(gateVad, { samples: s.samples.subarray(from, wakeAt), startSample: from });
  speechSeen.set(key, p);
  return p;
}
/** Wakes the gate dropped, and those it let through on negatives, per strategy: where, and Silero's peak. */
const gated = new Map<string, string[]>();
const letThrough = new Map<string, string[]>();
/** Silero's peak before each wake the gate let through on a clip, per strategy: how near the threshold. */
const passed = new Map<string, number[]>();
const clipFiles = new Set(manifest.clips.map((c) => c.file));

async function detect(strategy: Strategy, s: Scored): Promise<number[]> {
  const wakes: { at: number; decidedAt: number }[] = [];
  if (!strategy.judge) for (const at of single(s)) wakes.push({ at, decidedAt: at });
  else
    for (const stage of stages(s, strategy))
      if (stage.kind !== "candidate" || (await strategy.judge(s, stage)))
        wakes.push({ at: stage.wakeAt, decidedAt: stage.decidedAt });
  if (!strategy.gate) return wakes.map((w) => w.at);
  const out: number[] = [];
  for (const w of wakes) {
    const speech = await speechBefore(s, w.at, w.decidedAt);
    const where = `${s.file}@${(w.at / SAMPLE_RATE).toFixed(1)}s (${speech.toFixed(2)})`;
    const heard = speech >= config.vad.start_threshold;
    if (heard) out.push(w.at);
    if (heard && clipFiles.has(s.file))
      passed.set(strategy.name, [...(passed.get(strategy.name) ?? []), speech]);
    else {
      const list = heard ? letThrough : gated;
      list.set(strategy.name, [...(list.get(strategy.name) ?? []), where]);
    }
  }
  return out;
}

function isHit(clip: WakeManifest["clips"][number], detections: number[]): boolean {
  const end = (clip.wakeEndMs / 1000) * SAMPLE_RATE;
  return detections.some((d) => d >= end + HIT[0] * SAMPLE_RATE && d <= end + HIT[1] * SAMPLE_RATE);
}

const conditions = [...new Set(manifest.clips.map((c) => c.condition))];
const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(0)}%`;
const W = 38;
console.log(`\nrecall by condition (35 clips each); false wakes and candidates per hour of negatives`);
console.log(`${"strategy".padEnd(W)}${conditions.map((c) => c.padStart(9)).join("")}  false/h  cand/h`);
const perVoice: string[] = [];
const falseDetail: string[] = [];
for (const strategy of strategies) {
  const hits = new Map<string, number>();
  const byVoice = new Map<string, number>();
  for (const [i, clip] of manifest.clips.entries()) {
    if (!isHit(clip, await detect(strategy, positives[i] as Scored))) continue;
    hits.set(clip.condition, (hits.get(clip.condition) ?? 0) + 1);
    byVoice.set(clip.voice, (byVoice.get(clip.voice) ?? 0) + 1);
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
        (!strategy.gate || (await speechBefore(n, st.wakeAt, st.decidedAt)) >= config.vad.start_threshold)
      )
        candidates++;
  }
  const total = (c: string) => manifest.clips.filter((x) => x.condition === c).length;
  const cells = conditions.map((c) => pct(hits.get(c) ?? 0, total(c)).padStart(9)).join("");
  const cand = strategy.judge ? (candidates / negHours).toFixed(0).padStart(6) : "     -";
  console.log(
    `${strategy.name.padEnd(W)}${cells}  ${(falseWakes / negHours).toFixed(1).padStart(7)}  ${cand}`,
  );
  const perVoiceTotal = (v: string) => manifest.clips.filter((x) => x.voice === v).length;
  perVoice.push(
    `${strategy.name.padEnd(W)}${benchVoices.map((v) => pct(byVoice.get(v) ?? 0, perVoiceTotal(v)).padStart(16)).join("")}`,
  );
  if (where.length) falseDetail.push(`${strategy.name}: ${where.join(", ")}`);
}
// What no verifier can recover: clips where openWakeWord never reaches the candidate threshold
// near the wake phrase (no candidate to verify), per condition.
const ceiling = conditions.map((condition) => {
  const clips = manifest.clips
    .map((c, i) => ({ c, s: positives[i] as Scored }))
    .filter((x) => x.c.condition === condition);
  const heard = clips.filter(({ c, s }) => {
    const end = (c.wakeEndMs / 1000) * SAMPLE_RATE;
    return s.scores.some(
      (x) =>
        x.score >= SHIPPED_CT &&
        x.endSample >= end + HIT[0] * SAMPLE_RATE &&
        x.endSample <= end + HIT[1] * SAMPLE_RATE,
    );
  }).length;
  return pct(heard, clips.length).padStart(9);
});
console.log(`${`any candidate >= ${SHIPPED_CT} (ceiling)`.padEnd(W)}${ceiling.join("")}`);
const trainAccents = new Set(trainVoices.map(accent));
const mark = (v: string) => (verifier && !trainAccents.has(accent(v)) ? `${v}*` : v);
console.log(`\nrecall by held-out voice (all conditions; * = accent in no training voice)`);
console.log(`${"strategy".padEnd(W)}${benchVoices.map((v) => mark(v).padStart(16)).join("")}`);
for (const row of perVoice) console.log(row);
console.log(`\nfalse wakes (file@time)\n${falseDetail.join("\n") || "none"}`);
if (gateVad)
  console.log(
    `\ndropped by the vad gate (file@time (Silero's peak), start_threshold ${config.vad.start_threshold})\n${[...gated].map(([name, xs]) => `${name}: ${[...new Set(xs)].join(", ")}`).join("\n") || "none"}\nlet through on negatives\n${[...letThrough].map(([name, xs]) => `${name}: ${[...new Set(xs)].join(", ")}`).join("\n") || "none"}`,
  );
// How much of each kind of negative the gate would let a wake through in: seconds (apart, each
// from a fresh state, as the gate hears them) whose peak reaches the threshold.
const speechSeconds = new Map<string, [number, number]>();
for (const [i, n] of gateVad ? negatives.entries() : []) {
  const kind = manifest.negatives[i]?.kind ?? "?";
  const [heard, all] = speechSeconds.get(kind) ?? [0, 0];
  let more = 0;
  let seconds = 0;
  for (let at = SAMPLE_RATE; at <= n.samples.length; at += SAMPLE_RATE, seconds++)
    if ((await speechBefore(n, at, at)) >= config.vad.start_threshold) more++;
  speechSeconds.set(kind, [heard + more, all + seconds]);
}
if (speechSeconds.size)
  console.log(
    `seconds of negatives the gate hears speech in: ${[...speechSeconds].map(([kind, [heard, all]]) => `${kind} ${heard}/${all} (${pct(heard, all)})`).join(", ")}`,
  );
for (const [name, xs] of passed) {
  const sorted = [...xs].sort((a, b) => a - b);
  const under = (t: number) => xs.filter((x) => x < t).length;
  console.log(
    `${name}: Silero's peak before the ${xs.length} wakes let through on clips: min ${sorted[0]?.toFixed(2)}, 5th percentile ${sorted[Math.floor(xs.length * 0.05)]?.toFixed(2)}; under 0.7: ${under(0.7)}, under 0.9: ${under(0.9)}`,
  );
}

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
      const verdict = cache.get(`${s.file}@${stage.endSample}@${stage.decidedAt}`);
      const whisperMs =
        stage.kind === "candidate" && strategy.name.startsWith("whisper") ? (verdict?.cpuMs ?? 0) : 0;
      xs.push(((stage.decidedAt - first) / SAMPLE_RATE) * 1000 + whisperMs);
      break;
    }
  }
  waits.set(strategy.name, xs);
}
const q = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * f)] ?? Number.NaN;
console.log("\nwait before the wake, against single 0.5 (clips it wakes on that the strategy also wakes on)");
for (const [name, xs] of [...waits].filter(([, xs]) => xs.length > 0))
  console.log(
    `${name.padEnd(W)} later by median ${q(xs, 0.5).toFixed(0)} ms, p90 ${q(xs, 0.9).toFixed(0)} ms (${xs.length} clips)`,
  );
writeFileSync(VERIFIED, JSON.stringify(Object.fromEntries(cache)));

// The verifier read on its own (every_chunk): chunks per hour of negatives, and what they cost.
const vms = [...pos.verifierMs, ...neg.verifierMs];
for (const strategy of strategies.filter((x) => x.every && !x.gate)) {
  probes.delete(strategy.name);
  for (const n of negatives) stages(n, strategy);
  const perHour = (probes.get(strategy.name) ?? 0) / negHours;
  console.log(
    `${strategy.name}: verifier read on its own ${perHour.toFixed(0)} chunks per hour of negatives (of ${(3600 / 0.08).toFixed(0)}), ${((perHour * q(vms, 0.5)) / 1000).toFixed(2)} s of CPU per hour`,
  );
}
const cpu = [...cache.values()].map((v) => v.cpuMs);
console.log(
  `\nCPU per candidate: Whisper median ${q(cpu, 0.5).toFixed(0)} ms, p90 ${q(cpu, 0.9).toFixed(0)} ms (${cpu.length} scored; whisper-tiny, ${config.stt.threads} threads)`,
);
if (vms.length)
  console.log(
    `  embedding verifier median ${(q(vms, 0.5) * 1000).toFixed(0)} us, p90 ${(q(vms, 0.9) * 1000).toFixed(0)} us per window (${vms.length} windows; a candidate reads ${verifier?.chunks ?? 1} with the shipped one); machine shared, ratios only`,
  );
if (process.argv.includes("--margins"))
  for (const [key, v] of cache)
    console.log(`${v.margin.toFixed(2).padStart(7)}  ${key}  ${JSON.stringify(v.text)}`);
await transcriber?.dispose();
await gateVad?.dispose();
