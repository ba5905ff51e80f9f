// What bench/wake-noise.ts prints: recall per condition and per held-out voice, false wakes and
// candidates per hour of negatives, where the false wakes were, the wait before a wake and what
// verifying costs.

import { cellOf, type WakeManifest } from "../scripts/make-wake-fixtures.js";
import { EARLIEST_WAKE_SECONDS } from "../scripts/wake-verifier-replay.js";
import { SAMPLE_RATE } from "../src/audio/format.js";
import type { Scored } from "./wake-scores.js";
import { SHIPPED_CT, type Strategy } from "./wake-strategies.js";
import type { Verified } from "./wake-whisper-judge.js";

const W = 38;
const CELL = 12;
/** A detection from 0.3 s before to 1 s after the wake phrase's end is a hit. */
export const HIT = [-0.3, 1.0] as const;
export const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(0)}%`;
export const q = (xs: number[], f: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length * f)] ?? Number.NaN;

/** One strategy over the whole set. */
export interface Outcome {
  strategy: Strategy;
  /** Clips woken on, per condition and per voice. */
  hits: Map<string, number>;
  byVoice: Map<string, number>;
  falseWakes: number;
  /** Candidates judged over the negatives (behind the gate: those it let through). */
  candidates: number;
  /** Where the false wakes were (file@time). */
  where: string[];
}

export interface ReportSet {
  manifest: WakeManifest;
  positives: readonly Scored[];
  negHours: number;
  benchVoices: readonly string[];
  /** A voice's name, marked when its accent is in no training voice. */
  mark: (voice: string) => string;
}

/** The report's columns: the conditions, then the same said in one breath ("1b-clean"...). */
export const conditionsOf = (manifest: WakeManifest) => [...new Set(manifest.clips.map(cellOf))];
/** byVoice's key: one-breath clips are counted apart from the paused ones. */
export const voiceKey = (clip: WakeManifest["clips"][number]) =>
  clip.oneBreath ? `1b:${clip.voice}` : clip.voice;

/** Prints recall per condition (with what no verifier can recover) and per voice, and the false wakes. */
export function printRecall(outcomes: readonly Outcome[], set: ReportSet): void {
  const { manifest, negHours, benchVoices } = set;
  const conditions = conditionsOf(manifest);
  console.log(
    `\nrecall by condition (35 clips each; 1b-: said in one breath); false wakes and candidates per hour of negatives`,
  );
  console.log(`${"strategy".padEnd(W)}${conditions.map((c) => c.padStart(CELL)).join("")}  false/h  cand/h`);
  const total = (c: string) => manifest.clips.filter((x) => cellOf(x) === c).length;
  for (const o of outcomes) {
    const cells = conditions.map((c) => pct(o.hits.get(c) ?? 0, total(c)).padStart(CELL)).join("");
    const cand = o.strategy.judge ? (o.candidates / negHours).toFixed(0).padStart(6) : "     -";
    console.log(
      `${o.strategy.name.padEnd(W)}${cells}  ${(o.falseWakes / negHours).toFixed(1).padStart(7)}  ${cand}`,
    );
  }
  console.log(`${`any candidate >= ${SHIPPED_CT} (ceiling)`.padEnd(W)}${ceiling(set).join("")}`);
  const perVoiceTotal = (v: string) => manifest.clips.filter((x) => voiceKey(x) === v).length;
  for (const breath of [false, true]) {
    const keys = benchVoices.map((v) => (breath ? `1b:${v}` : v));
    if (!keys.some((k) => perVoiceTotal(k) > 0)) continue;
    const which = breath ? "said in one breath" : "after a pause";
    console.log(`\nrecall by held-out voice, ${which} (all conditions; * = accent in no training voice)`);
    console.log(`${"strategy".padEnd(W)}${benchVoices.map((v) => set.mark(v).padStart(16)).join("")}`);
    for (const o of outcomes)
      console.log(
        `${o.strategy.name.padEnd(W)}${keys.map((k) => pct(o.byVoice.get(k) ?? 0, perVoiceTotal(k)).padStart(16)).join("")}`,
      );
  }
  const falseDetail = outcomes
    .filter((o) => o.where.length)
    .map((o) => `${o.strategy.name}: ${o.where.join(", ")}`);
  console.log(`\nfalse wakes (file@time)\n${falseDetail.join("\n") || "none"}`);
}

/**
 * What no verifier can recover: clips where openWakeWord never reaches the candidate threshold
 * near the wake phrase (no candidate to verify), per condition.
 */
function ceiling({ manifest, positives }: ReportSet): string[] {
  return conditionsOf(manifest).map((condition) => {
    const clips = manifest.clips
      .map((c, i) => ({ c, s: positives[i] as Scored }))
      .filter((x) => cellOf(x.c) === condition);
    const heard = clips.filter(({ c, s }) => {
      const end = (c.wakeEndMs / 1000) * SAMPLE_RATE;
      return s.scores.some(
        (x) =>
          x.score >= SHIPPED_CT &&
          x.endSample >= end + HIT[0] * SAMPLE_RATE &&
          x.endSample <= end + HIT[1] * SAMPLE_RATE,
      );
    }).length;
    return pct(heard, clips.length).padStart(CELL);
  });
}

/** Where the wakes land against the phrase's end (ms), per strategy: early ones cut the phrase. */
export function printLandings(landings: ReadonlyMap<string, number[]>): void {
  console.log(
    "\nwhere a hit's wake lands against the end of the phrase's sound (ms; negative: inside the phrase)",
  );
  for (const [name, xs] of [...landings].filter(([, xs]) => xs.length > 0)) {
    // Further inside than the training rule counts as a hit (wake-verifier-replay.ts isHit).
    const limitMs = EARLIEST_WAKE_SECONDS * 1000;
    const inside = xs.filter((x) => x < -limitMs).length;
    console.log(
      `${name.padEnd(W)} p10 ${q(xs, 0.1).toFixed(0)}, median ${q(xs, 0.5).toFixed(0)}, p90 ${q(xs, 0.9).toFixed(0)}; more than ${limitMs.toFixed(0)} ms inside: ${inside} of ${xs.length}`,
    );
  }
}

/** The wait before the earcon per strategy (ms, against single 0.5). */
export function printWaits(waits: ReadonlyMap<string, number[]>): void {
  console.log(
    "\nwait before the wake, against single 0.5 (clips it wakes on that the strategy also wakes on)",
  );
  for (const [name, xs] of [...waits].filter(([, xs]) => xs.length > 0))
    console.log(
      `${name.padEnd(W)} later by median ${q(xs, 0.5).toFixed(0)} ms, p90 ${q(xs, 0.9).toFixed(0)} ms (${xs.length} clips)`,
    );
}

/** What verifying costs: Whisper per candidate, the embedding verifier per window. */
export function printVerifyCpu(
  verdicts: Iterable<Verified>,
  verifiers: readonly { name: string; ms: number[]; chunks: number }[],
  threads: number,
): void {
  const cpu = [...verdicts].map((v) => v.cpuMs);
  console.log(
    `\nCPU per candidate: Whisper median ${q(cpu, 0.5).toFixed(0)} ms, p90 ${q(cpu, 0.9).toFixed(0)} ms (${cpu.length} scored; whisper-tiny, ${threads} threads)`,
  );
  // Each verifier timed on the same windows in the same run: the ratio to the first (the
  // shipped one) is what compares; the absolute figures depend on the machine's load.
  const first = verifiers[0] ? q(verifiers[0].ms, 0.5) : 0;
  for (const v of verifiers.filter((x) => x.ms.length > 0))
    console.log(
      `  embedding verifier ${v.name}: median ${(q(v.ms, 0.5) * 1000).toFixed(0)} us, p90 ${(q(v.ms, 0.9) * 1000).toFixed(0)} us per window (${v.ms.length} windows, ${(q(v.ms, 0.5) / first).toFixed(2)}x the first; a candidate reads ${v.chunks}); machine shared, ratios only`,
    );
}
