// The training clips of scripts/wake-verifier-data.ts as scripts/train-wake-verifier.ts uses them:
// the examples to fit on (windows of 16 embeddings at chosen chunks), and a replay of whole clips
// through the daemon's own CandidateTrigger with a verifier's probabilities, so the verifier's
// threshold, the candidate threshold and how a candidate's chunks are judged are all chosen by
// what the daemon would do on voices held out of fitting.

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { SAMPLE_RATE } from "../src/audio/format.js";
import { CandidateTrigger, type EveryChunkSettings } from "../src/wake/candidate-trigger.js";
import { EMBEDDING_DIM } from "../src/wake/embedding-stream.js";
import { CHUNK_SAMPLES } from "../src/wake/oww-features.js";
import { prng } from "./make-hearing-fixtures.js";
import type { TrainClip, TrainShare } from "./wake-verifier-data.js";

export interface Clips {
  frames: number;
  clips: TrainClip[];
  /** Every share's embedding rows, one after the other. */
  rows: Float32Array;
}

/**
 * Every share the data script wrote (clips-K.json beside clips-K.f32, clips-K-babble.json from
 * `--more-babble`, clips-K-music.json from `--music`, clips-K-sentence.json from `--in-sentence`),
 * rows renumbered.
 */
export function loadClips(dir: string): Clips {
  const shares = readdirSync(dir)
    .filter((f) => /^clips-\d+(-babble|-music|-sentence)?\.json$/.test(f))
    .sort();
  const parts = shares.map((f) => {
    const share = JSON.parse(readFileSync(path.join(dir, f), "utf8")) as TrainShare;
    const bytes = readFileSync(path.join(dir, f.replace(/\.json$/, ".f32")));
    return { share, rows: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) };
  });
  const rows = new Float32Array(parts.reduce((n, p) => n + p.rows.length, 0));
  const clips: TrainClip[] = [];
  let at = 0;
  for (const p of parts) {
    const offset = at / EMBEDDING_DIM;
    for (const c of p.share.clips) clips.push({ ...c, firstRow: c.firstRow + offset });
    rows.set(p.rows, at);
    at += p.rows.length;
  }
  return { frames: parts[0]?.share.frames ?? 16, clips, rows };
}

/** The classifier's input at chunk `i` of a clip: its rows i+1 .. i+frames (noise rows first). */
export function windowAt(data: Clips, clip: TrainClip, i: number): Float32Array {
  const start = (clip.firstRow + i + 1) * EMBEDDING_DIM;
  return data.rows.subarray(start, start + data.frames * EMBEDDING_DIM);
}

/** Chunks of local highest scores, at least `gap` chunks apart, best first. */
export function peaks(scores: number[], from: number, to: number, count: number, gap = 6): number[] {
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

/** The chunk where the wake phrase ends, and openWakeWord's best chunk near it (null: not heard). */
export function wakeChunks(clip: TrainClip): { end: number; best: number } | null {
  if (clip.wakeEndSample === null) return null;
  const end = Math.floor(clip.wakeEndSample / CHUNK_SAMPLES);
  const [best] = peaks(clip.scores, end - 4, end + 13, 1);
  if (best === undefined || (clip.scores[best] ?? 0) < 0.02) return null;
  return { end, best };
}

export interface Example {
  clip: number;
  chunk: number;
  label: 0 | 1;
}

/** Session 12's more babble (scripts/wake-verifier-data.ts --more-babble): fitted on only when asked. */
export const isMoreBabble = (c: TrainClip): boolean => c.mix !== undefined;

/**
 * Where the words are in a noisy clip, from the same words in the same voice, clean (mixing noise
 * moves nothing in time; reverberant clips are left out, the tail moves it). `wake`: the wake
 * phrase's best chunk, for clips where openWakeWord hears nothing (no chunk at 0.02 near it);
 * `near`: a near-miss's three best chunks clean, which in babble need not be its best there.
 */
function cleanAnchors(data: Clips, which: { wake: boolean; near: boolean }): Map<number, number[]> {
  const clean = new Map<string, number[]>();
  for (const c of data.clips) {
    if (c.condition !== "clean") continue;
    const key = `${c.kind}|${c.voice}|${c.text}|${c.oneBreath ?? false}`;
    if (c.kind === "wake") {
      const at = wakeChunks(c);
      if (at) clean.set(key, [at.best]);
    } else if (c.kind === "near-miss") clean.set(key, peaks(c.scores, 0, c.scores.length, 3));
  }
  const out = new Map<number, number[]>();
  data.clips.forEach((c, i) => {
    if (c.condition === "clean" || c.condition === "reverb") return;
    const wanted = c.kind === "wake" ? which.wake && !wakeChunks(c) : c.kind === "near-miss" && which.near;
    const at = wanted ? clean.get(`${c.kind}|${c.voice}|${c.text}|${c.oneBreath ?? false}`) : undefined;
    if (at) out.set(i, at);
  });
  return out;
}

function fitsMore(c: TrainClip, more: number): boolean {
  if (more === 1) return true;
  if (more === 2) return c.kind !== "wake";
  if (more === 3) return c.kind !== "wake" || (c.mix?.snrDb ?? 0) >= 4;
  return false;
}

/** What examplesOf fits on beyond session 8's examples. */
export interface ExampleOptions {
  /**
   * Fit on the more-babble clips (isMoreBabble): 0 or absent, none; 1, all; 2, only its
   * near-misses and noise (no more positives); 3, all but the wake clips under 4 dB SNR.
   */
  more?: number;
  /**
   * Examples where the clean clip says the words are (cleanAnchors): 1, positives where
   * openWakeWord hears nothing; 2, those and near-misses' negatives; 3, near-misses' only.
   */
  anchor?: number;
  /**
   * Session 15's music (kind "music", wake-verifier-data.ts --music): 0 or absent, none; else its
   * 40 best chunks and that share (0..1), at random, of the chunks past HARD_FLOOR (those the
   * verifier read on every chunk judges), as negatives; drawn from a stream of their own, so
   * the other examples are those of the same configuration without music.
   */
  music?: number;
  /**
   * Session 23's one-breath wake clips (TrainClip.oneBreath): 1 or absent, fitted on; 0, left
   * out of fitting (still judged on): the recipe before them, on the same held-out clips.
   */
  breath?: number;
}

/** A chunk counts as heard by openWakeWord at all when a score this high came within the last 4. */
export const HARD_FLOOR = 0.001;

/**
 * What to fit on. The wake phrase: its best chunk and `jitter` chunks either side (a candidate's
 * chunk moves by one or two with the noise). Not it: the commands after it, near-misses (their
 * three best chunks and `jitter` either side), prose (its 40 best chunks and 20 at random) and
 * noise (its 40 best). `hard` (0..1): that share, at random, of every chunk the verifier would
 * read on its own (wake.verifier.every_chunk: a score of HARD_FLOOR within the last 4 chunks)
 * in near-misses, prose, noise and the commands after a wake phrase, so a verifier read on
 * every chunk has seen the chunks it must turn away. The first 5 chunks of a clip are never
 * scored (warm-up): never examples. `extra`: ExampleOptions.
 */
export function examplesOf(
  data: Clips,
  jitter: number,
  random: () => number,
  hard = 0,
  extra: ExampleOptions = {},
): Example[] {
  const out: Example[] = [];
  const anchor = extra.anchor ?? 0;
  const anchors = cleanAnchors(data, { wake: anchor === 1 || anchor === 2, near: anchor >= 2 });
  const add = (clip: number, chunk: number, label: 0 | 1) => {
    const c = data.clips[clip] as TrainClip;
    if (chunk >= 5 && chunk < c.scores.length) out.push({ clip, chunk, label });
  };
  const musicRandom = prng(3001);
  const around = (i: number) => Array.from({ length: 2 * jitter + 1 }, (_, k) => i - jitter + k);
  const heard = (c: TrainClip, j: number) =>
    Math.max(...c.scores.slice(Math.max(0, j - 3), j + 1)) >= HARD_FLOOR;
  const addHard = (clip: number, from: number) => {
    const c = data.clips[clip] as TrainClip;
    for (let j = Math.max(5, from); j < c.scores.length && hard > 0; j++)
      if (heard(c, j) && random() < hard) add(clip, j, 0);
  };
  data.clips.forEach((c, i) => {
    if (isMoreBabble(c) && !fitsMore(c, extra.more ?? 0)) return;
    if (c.oneBreath && extra.breath === 0) return;
    if (c.kind === "music") {
      const share = extra.music ?? 0;
      if (share <= 0) return;
      for (const p of peaks(c.scores, 0, c.scores.length, 40)) add(i, p, 0);
      for (let j = 5; j < c.scores.length; j++) if (heard(c, j) && musicRandom() < share) add(i, j, 0);
      return;
    }
    if (c.kind === "wake") {
      const end = c.wakeEndSample === null ? null : Math.floor(c.wakeEndSample / CHUNK_SAMPLES);
      if (end !== null) addHard(i, end + 16);
      for (const a of anchors.get(i) ?? []) for (const j of around(a)) add(i, j, 1);
      const at = wakeChunks(c);
      if (!at) return;
      for (const j of around(at.best)) add(i, j, 1);
      for (const j of peaks(c.scores, at.end + 16, c.scores.length, 2)) add(i, j, 0);
    } else if (c.kind === "near-miss") {
      for (const p of peaks(c.scores, 0, c.scores.length, 3)) for (const j of around(p)) add(i, j, 0);
      for (const a of anchors.get(i) ?? []) for (const j of around(a)) add(i, j, 0);
      addHard(i, 0);
    } else {
      addHard(i, 0);
      for (const p of peaks(c.scores, 0, c.scores.length, 40)) add(i, p, 0);
      if (c.kind === "prose") for (let k = 0; k < 20; k++) add(i, Math.floor(random() * c.scores.length), 0);
    }
  });
  return out;
}

/**
 * How a candidate's chunks are judged. `chunks`: the verifier reads the best chunk and the
 * `chunks - 1` after it (already arrived when the candidate is decided) and takes the highest
 * probability. `afterChunks`: how long after the best chunk the candidate is decided.
 */
export interface Policy {
  candidateThreshold: number;
  chunks: number;
  afterChunks: number;
  /** The verifier read on every chunk past a score floor as well (wake.verifier.every_chunk). */
  every?: EveryChunkSettings;
}

export interface Replayed {
  /** Chunk ends (samples) where it woke. */
  wakes: number[];
  candidates: number;
  /** Per wake: chunks from the first chunk at 0.5 (the single threshold's wake) to the decision. */
  delays: number[];
  /** Chunks where the verifier was read on its own (policy.every). */
  probes: number;
}

/** The daemon's two stages over one clip, every detection verified (verify_all), as the daemon does. */
export function replay(scores: number[], p: Float32Array, policy: Policy, threshold: number): Replayed {
  const trigger = new CandidateTrigger({
    threshold: 0.5,
    candidateThreshold: policy.candidateThreshold,
    triggerLevel: 1,
    refractorySamples: 2 * SAMPLE_RATE,
    afterSamples: policy.afterChunks * CHUNK_SAMPLES,
    maxHoldSamples: SAMPLE_RATE,
    verifyAll: true,
    ...(policy.every ? { everyChunk: policy.every } : {}),
  });
  const out: Replayed = { wakes: [], candidates: 0, delays: [], probes: 0 };
  const firstSureNear = (at: number) => {
    const firstSure = scores.findIndex((s, j) => s >= 0.5 && j >= at - 12);
    return firstSure >= 0 && firstSure <= at + 12 ? firstSure : null;
  };
  scores.forEach((score, i) => {
    const probe = () => {
      out.probes++;
      return p[i] ?? 0;
    };
    const fired = trigger.next(score, (i + 1) * CHUNK_SAMPLES, probe);
    if (fired?.kind === "verified") {
      out.wakes.push(fired.endSample);
      const first = firstSureNear(i);
      if (first !== null) out.delays.push(i - first);
      return;
    }
    if (fired?.kind !== "candidate") return;
    out.candidates++;
    const best = fired.endSample / CHUNK_SAMPLES - 1;
    let prob = 0;
    for (let j = best; j < best + policy.chunks && j <= i; j++) prob = Math.max(prob, p[j] ?? 0);
    if (prob < threshold) return;
    out.wakes.push(fired.endSample);
    const first = firstSureNear(best);
    if (first !== null) out.delays.push(i - first);
  });
  return out;
}

/**
 * How far inside the wake phrase a wake may say the phrase ended and still count (seconds).
 * Since session 23 a wake further inside is a miss, not a hit: the run takes its command from
 * there, and the phrase's tail heard as the command ends a paused command after the pause (a
 * refit whose every-chunk wakes landed there lost "set a timer" in three real-model tests).
 */
export const EARLIEST_WAKE_SECONDS = Number(process.env.WAKE_EARLIEST ?? 0.08);

/** A wake from EARLIEST_WAKE_SECONDS before to 1 s after the wake phrase's end is a hit. */
export function isHit(clip: TrainClip, wakeEndSample: number): boolean {
  const end = clip.wakeEndSample;
  return (
    end !== null &&
    wakeEndSample >= end - EARLIEST_WAKE_SECONDS * SAMPLE_RATE &&
    wakeEndSample <= end + SAMPLE_RATE
  );
}
