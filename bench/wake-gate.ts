// The daemon's VAD gate (wake.vad_gate) over the wakes bench/wake-noise.ts's strategies report
// (WAKE_VAD_GATE=1): at each wake, the daemon's own Silero hears the second before it, of the
// audio VadGatedDetector keeps when the wake is decided, with the gate's own code (peakSpeech),
// and the wake is dropped under vad.start_threshold. The gate wraps openWakeWord and the verifier
// wraps the gate (src/wake/create.ts), so it judges sure wakes, candidates and the every-chunk
// wakes alike; as a filter before the verdict it drops exactly the wakes it would drop after it.

import { SAMPLE_RATE } from "../src/audio/format.js";
import type { VoiceActivityDetector } from "../src/vad/detector.js";
import { DEFAULT_LOOKBACK_SECONDS, peakSpeech } from "../src/wake/vad-gate.js";
import { pct } from "./wake-report.js";
import type { Scored } from "./wake-scores.js";
import { type Strategy, THRESHOLD } from "./wake-strategies.js";

const LOOKBACK = Math.round(DEFAULT_LOOKBACK_SECONDS * SAMPLE_RATE);
/** What VadGatedDetector keeps (its RecentAudio): the look-back plus a second, up to the newest frame. */
const KEPT = Math.ceil((DEFAULT_LOOKBACK_SECONDS + 1) * SAMPLE_RATE);

/**
 * Adds a "+ vad gate" twin of the single threshold, the default and the candidate's every-chunk
 * rows, and of WAKE_EVERY's rows, since the daemon would run them behind it.
 */
export function withGateRows(strategies: Strategy[]): void {
  const gatedNames = [`single ${THRESHOLD} (peer)`, "emb+every (default)", "emb+every", "cand+every"];
  for (const base of strategies.filter(
    (x) => gatedNames.includes(x.name) || x.name.startsWith("emb+every ") || x.name.startsWith("cand+every "),
  ))
    strategies.push({ ...base, name: `${base.name.replace(/ \(.*\)$/, "")} + vad gate`, gate: true });
}

export class GateReplay {
  /** Wakes the gate dropped, and those it let through on negatives, per strategy: where, and Silero's peak. */
  readonly gated = new Map<string, string[]>();
  readonly letThrough = new Map<string, string[]>();
  /** Silero's peak before each wake the gate let through on a clip, per strategy: how near the threshold. */
  readonly passed = new Map<string, number[]>();
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly vad: VoiceActivityDetector,
    /** vad.start_threshold. */
    readonly threshold: number,
    /** The files with a wake phrase in them (the rest are negatives). */
    private readonly clipFiles: ReadonlySet<string>,
  ) {}

  /** Silero's peak over the second before `wakeAt`, of the audio kept when the wake was decided. */
  async speechBefore(s: Scored, wakeAt: number, decidedAt: number): Promise<number> {
    const from = Math.max(0, decidedAt - KEPT, wakeAt - LOOKBACK);
    const key = `${s.file}@${from}@${wakeAt}`;
    const seen = this.#seen.get(key);
    if (seen !== undefined) return seen;
    const p = await peakSpeech(this.vad, { samples: s.samples.subarray(from, wakeAt), startSample: from });
    this.#seen.set(key, p);
    return p;
  }

  /** The wakes of `strategy` in `s` the gate lets through, noting those it drops. */
  async keep(strategy: Strategy, s: Scored, wakes: { at: number; decidedAt: number }[]): Promise<number[]> {
    const out: number[] = [];
    for (const w of wakes) {
      const speech = await this.speechBefore(s, w.at, w.decidedAt);
      const where = `${s.file}@${(w.at / SAMPLE_RATE).toFixed(1)}s (${speech.toFixed(2)})`;
      const heard = speech >= this.threshold;
      if (heard) out.push(w.at);
      if (heard && this.clipFiles.has(s.file))
        this.passed.set(strategy.name, [...(this.passed.get(strategy.name) ?? []), speech]);
      else {
        const list = heard ? this.letThrough : this.gated;
        list.set(strategy.name, [...(list.get(strategy.name) ?? []), where]);
      }
    }
    return out;
  }

  /**
   * Prints what the gate dropped and let through, how much of each kind of negative it would let a
   * wake through in (seconds apart, each from a fresh state, as the gate hears them, whose peak
   * reaches the threshold), and how near the threshold the wakes on clips were.
   */
  async report(negatives: readonly Scored[], kinds: readonly string[]): Promise<void> {
    const lines = (m: Map<string, string[]>) =>
      [...m].map(([name, xs]) => `${name}: ${[...new Set(xs)].join(", ")}`).join("\n") || "none";
    console.log(
      `\ndropped by the vad gate (file@time (Silero's peak), start_threshold ${this.threshold})\n${lines(this.gated)}\nlet through on negatives\n${lines(this.letThrough)}`,
    );
    const speechSeconds = new Map<string, [number, number]>();
    for (const [i, n] of negatives.entries()) {
      const kind = kinds[i] ?? "?";
      const [heard, all] = speechSeconds.get(kind) ?? [0, 0];
      let more = 0;
      let seconds = 0;
      for (let at = SAMPLE_RATE; at <= n.samples.length; at += SAMPLE_RATE, seconds++)
        if ((await this.speechBefore(n, at, at)) >= this.threshold) more++;
      speechSeconds.set(kind, [heard + more, all + seconds]);
    }
    if (speechSeconds.size)
      console.log(
        `seconds of negatives the gate hears speech in: ${[...speechSeconds].map(([kind, [heard, all]]) => `${kind} ${heard}/${all} (${pct(heard, all)})`).join(", ")}`,
      );
    for (const [name, xs] of this.passed) {
      const sorted = [...xs].sort((a, b) => a - b);
      const under = (t: number) => xs.filter((x) => x < t).length;
      console.log(
        `${name}: Silero's peak before the ${xs.length} wakes let through on clips: min ${sorted[0]?.toFixed(2)}, 5th percentile ${sorted[Math.floor(xs.length * 0.05)]?.toFixed(2)}; under 0.7: ${under(0.7)}, under 0.9: ${under(0.9)}`,
      );
    }
  }
}
