// The mel verifier (wake.verifier.mel, src/wake/mel-verifier.ts) in bench/wake-noise.ts: read on
// every chunk of every benchmark file, over the mel frames openWakeWord's front end computes
// (scripts/wake-mels.ts computes them as the daemon does), its probability joins each chunk's
// verifier probabilities, and the replay reads it where the daemon would: on the chunks where
// the embedding verifier may be read on its own (the score floor). Rows: "emb+every mel T", the
// shipped stages with the mel verifier as a second reader (a chunk counts when either hears the
// phrase: the daemon's default at the bundled threshold), and "emb+every mel-only T", the mel
// verifier in the embedding verifier's place. WAKE_MEL_CANDIDATE=DESCRIPTOR.json judges other
// weights (scripts/train-wake-mel-cnn.py --assets DIR); WAKE_MEL_T=0.9,0.95 adds thresholds;
// WAKE_MEL_FLOOR=0.1,0.3 adds rows where the mel verifier must hear at least that much too
// (session 43: a veto against "Jarvis" said inside a sentence, which the embeddings take).

import { clipMels, melEndFrame, openMel } from "../scripts/wake-mels.js";
import { SAMPLE_RATE } from "../src/audio/format.js";
import type { EveryChunkSettings } from "../src/wake/candidate-trigger.js";
import { MelVerifier } from "../src/wake/mel-verifier.js";
import { q } from "./wake-report.js";
import type { Scored } from "./wake-scores.js";
import type { Stage, Strategy } from "./wake-strategies.js";

const BINS = 32;

/** The bundled mel verifier, or WAKE_MEL_CANDIDATE's; null when neither is there. */
export async function openMelVerifier(): Promise<MelVerifier | null> {
  const candidate = process.env.WAKE_MEL_CANDIDATE;
  if (candidate) return MelVerifier.load(candidate, null, "hey_jarvis", 1);
  return MelVerifier.bundled("hey_jarvis", 1);
}

/**
 * Adds the mel verifier's probability to every chunk of `scored`; returns its index in each
 * chunk's `embedding` and the milliseconds each window took.
 */
export async function addMel(
  verifier: MelVerifier,
  scored: readonly Scored[],
): Promise<{ k: number; ms: number[] }> {
  const mel = await openMel();
  const width = verifier.frames;
  const window = new Float32Array(width * BINS);
  const ms: number[] = [];
  let k = -1;
  for (const s of scored) {
    const mels = await clipMels(mel, s.samples);
    const frames = mels.length / BINS;
    for (const c of s.scores) {
      // Before the first frames the daemon's history holds ones (after a reset).
      const end = Math.min(frames, melEndFrame(Math.round(c.endSample / 1280) - 1));
      for (let r = 0; r < width; r++) {
        const f = end - width + r;
        if (f < 0) window.fill(1, r * BINS, (r + 1) * BINS);
        else window.set(mels.subarray(f * BINS, (f + 1) * BINS), r * BINS);
      }
      const started = performance.now();
      const p = await verifier.score(window);
      ms.push(performance.now() - started);
      k = c.embedding.length;
      c.embedding.push(p);
    }
  }
  await mel.release();
  return { k, ms };
}

/**
 * The rows: `k` is the mel verifier's index, `emb` the embedding verifier's, `every` the shipped
 * every-chunk settings; an or-row's chunk value (1 or 0) is pushed onto every chunk as one more entry.
 */
export function melRows(
  scored: readonly Scored[],
  k: number,
  emb: number,
  every: EveryChunkSettings,
  base: Strategy,
  shipped: number,
): Strategy[] {
  const rows: Strategy[] = [];
  const extra = (process.env.WAKE_MEL_T ?? "").split(",").filter(Boolean).map(Number);
  // WAKE_MEL_RUN=2: rows that wake on that many chunks in a row instead of the shipped count.
  const runs = (process.env.WAKE_MEL_RUN ?? "").split(",").filter(Boolean).map(Number);
  const floors = (process.env.WAKE_MEL_FLOOR ?? "").split(",").filter(Boolean).map(Number);
  for (const t of [...new Set([shipped, ...extra])]) {
    const or = scored[0]?.scores[0]?.embedding.length ?? 0;
    for (const s of scored)
      for (const c of s.scores)
        c.embedding.push((c.embedding[emb] ?? 0) >= every.threshold || (c.embedding[k] ?? 0) >= t ? 1 : 0);
    const name = `emb+every mel ${t}${t === shipped && !process.env.WAKE_MEL_CANDIDATE ? " (default)" : ""}`;
    rows.push({ ...base, name, every: { ...every, threshold: 1 }, k: or });
    rows.push({ ...base, name: `emb+every mel-only ${t}`, every: { ...every, threshold: t }, k });
    for (const floor of floors) rows.push(floorRow(scored, { or, k, t, floor }, every, base));
    for (const run of runs)
      rows.push({
        ...base,
        name: `emb+every mel ${t} run ${run}`,
        every: { ...every, threshold: 1, consecutive: run },
        k: or,
      });
  }
  return rows;
}

/** The mel verifier's highest probability from half a second before a candidate's best chunk to its verdict. */
function melNear(s: Scored, st: Stage, k: number): number {
  let best = 0;
  for (const c of s.scores)
    if (c.endSample >= st.endSample - 0.5 * SAMPLE_RATE && c.endSample <= st.decidedAt)
      best = Math.max(best, c.embedding[k] ?? 0);
  return best;
}

/**
 * WAKE_MEL_FLOOR's row: a chunk counts only if the or-row (index `or`) counts it and the mel
 * verifier (index `k`) is at least `floor` sure too, whichever reader heard it, and a candidate
 * the embedding verifier took wakes only if the mel verifier gave the floor in its words: a
 * veto for what the embeddings cannot tell apart.
 */
function floorRow(
  scored: readonly Scored[],
  at: { or: number; k: number; t: number; floor: number },
  every: EveryChunkSettings,
  base: Strategy,
): Strategy {
  const { or, k, t, floor } = at;
  const vetoed = scored[0]?.scores[0]?.embedding.length ?? 0;
  for (const s of scored)
    for (const c of s.scores)
      c.embedding.push((c.embedding[or] ?? 0) === 1 && (c.embedding[k] ?? 0) >= floor ? 1 : 0);
  const judge = base.judge;
  return {
    ...base,
    name: `emb+every mel ${t} floor ${floor}`,
    every: { ...every, threshold: 1 },
    k: vetoed,
    judge: judge && (async (s, st) => (await judge(s, st)) && melNear(s, st, k) >= floor),
  };
}

/** The mel verifier's CPU, as the embedding verifier's is printed. */
export function printMelCpu(ms: number[], readsPerHour: number): void {
  console.log(
    `  mel verifier: median ${(q(ms, 0.5) * 1000).toFixed(0)} us, p90 ${(q(ms, 0.9) * 1000).toFixed(0)} us per window (${ms.length} windows); read on ${readsPerHour.toFixed(0)} chunks per hour of negatives: ${((readsPerHour * q(ms, 0.5)) / 1000).toFixed(2)} s of CPU per hour`,
  );
}

/**
 * What the readers heard around a missed phrase (WAKE_MISSES with the mel verifier): over the
 * chunks from 0.3 s before its end to 1 s after, openWakeWord's best score, how many chunks were
 * past the score floor (where the daemon reads), the best of each reader there, and the longest
 * run of chunks where either heard it (the stage wakes at `every.consecutive`, 3).
 */
export function missDetail(
  s: Scored,
  wakeEndSample: number,
  k: number,
  emb: number,
  every: EveryChunkSettings,
  melT: number,
): string {
  const from = wakeEndSample - 0.3 * SAMPLE_RATE;
  const to = wakeEndSample + SAMPLE_RATE;
  let sinceFloor = Number.POSITIVE_INFINITY;
  let near = 0;
  let read = 0;
  let run = 0;
  let longest = 0;
  let oww = 0;
  let bestEmb = 0;
  let bestMel = 0;
  for (const c of s.scores) {
    sinceFloor = c.score >= every.scoreFloor ? 0 : sinceFloor + 1;
    if (c.endSample < from || c.endSample > to) continue;
    near++;
    oww = Math.max(oww, c.score);
    if (sinceFloor >= every.floorChunks) {
      run = 0;
      continue;
    }
    read++;
    const e = c.embedding[emb] ?? 0;
    const m = c.embedding[k] ?? 0;
    bestEmb = Math.max(bestEmb, e);
    bestMel = Math.max(bestMel, m);
    run = e >= every.threshold || m >= melT ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return `${s.file}: oww max ${oww.toFixed(3)}, read ${read}/${near} chunks, emb max ${bestEmb.toFixed(3)}, mel max ${bestMel.toFixed(3)}, longest run ${longest}`;
}
