// The strategies bench/wake-noise.ts compares, replayed over openWakeWord's recorded scores
// (bench/wake-scores.ts) through the daemon's own Trigger and CandidateTrigger: the single
// threshold (the peer), the two stages with Whisper or an embedding verifier judging candidates,
// and the verifier read on every chunk (wake.verifier.every_chunk). Env: WAKE_WHISPER_ALL,
// WAKE_WHISPER_CONTEXT, WAKE_CT, WAKE_EMB_T, WAKE_EVERY (see bench/wake-noise.ts).

import { SAMPLE_RATE } from "../src/audio/format.js";
import { configSchema } from "../src/config/schema.js";
import { CandidateTrigger, type EveryChunkSettings } from "../src/wake/candidate-trigger.js";
import { Trigger } from "../src/wake/trigger.js";
import type { Scored } from "./wake-scores.js";
import type { Loaded } from "./wake-verifiers.js";
import type { WhisperJudge } from "./wake-whisper-judge.js";

export const THRESHOLD = 0.5;
/** The candidate threshold of the Whisper peer and of session 7's verifier. */
export const CT = 0.1;
const MARGIN = -1.5;
const SURE_MARGIN = -3;
export const config = configSchema.parse({});
const { after_seconds: AFTER } = config.wake.verifier;
/** The shipped default candidate threshold (chosen on the training folds, not here). */
export const SHIPPED_CT = config.wake.models[0]?.candidate_threshold ?? CT;
const list = (v: string | undefined) => (v ? v.split(",").map(Number) : []);

/** Where the single threshold wakes in `s` (end samples). */
export function single(s: Scored): number[] {
  const t = new Trigger({ threshold: THRESHOLD, triggerLevel: 1, refractorySamples: 2 * SAMPLE_RATE });
  return s.scores.filter((c) => t.update(c.score, c.endSample)).map((c) => c.endSample);
}

/** `endSample`: the candidate's best chunk (its embeddings); `wakeAt`: where its wake says the word ended. */
export type Stage = {
  kind: "wake" | "candidate" | "verified";
  endSample: number;
  decidedAt: number;
  sure: boolean;
  wakeAt: number;
};

/** How a candidate is judged; `wake` stages pass unjudged. */
export type Judge = (s: Scored, stage: Stage) => Promise<boolean>;
export type Strategy = {
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

/**
 * What a strategy's CandidateTrigger reports over `s`; `probes`, when given, counts the chunks
 * where it read the verifier on its own (every_chunk).
 */
export function stages(s: Scored, strategy: Strategy, probes?: Map<string, number>): Stage[] {
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
      probes?.set(strategy.name, (probes.get(strategy.name) ?? 0) + 1);
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
function probability(s: Scored, stage: Stage, k: number, chunks: number): number {
  const last = Math.min(stage.decidedAt, stage.endSample + (chunks - 1) * 1280);
  let p = 0;
  for (const c of s.scores)
    if (c.endSample >= stage.endSample && c.endSample <= last) p = Math.max(p, c.embedding[k] ?? 0);
  return p;
}

/**
 * The strategies to compare: the single threshold, Whisper's (when `whisper` is enabled), each
 * loaded verifier at its own thresholds, and the every-chunk rows. `loaded[0]` is the shipped one.
 */
export function buildStrategies(loaded: readonly Loaded[], whisper: WhisperJudge): Strategy[] {
  const verifier = loaded[0]?.verifier ?? null;
  const judged = (k: number) => {
    const chunks = loaded[k]?.verifier.chunks ?? 1;
    return (s: Scored, stage: Stage) => probability(s, stage, k, chunks);
  };
  const strategies: Strategy[] = [
    { name: `single ${THRESHOLD} (peer)`, ct: THRESHOLD, verifyAll: false, judge: null },
  ];
  if (whisper.enabled)
    strategies.push({
      name: `whisper ${CT}/${MARGIN} (peer)`,
      ct: CT,
      verifyAll: false,
      judge: (s, st) => whisper.wakes(s, st, MARGIN),
    });
  // Whisper verifying sure detections too (session 6's verify_all): some 200 more Whisper runs, at
  // 2-10 s each on a shared board; WAKE_WHISPER_ALL=1 adds it.
  if (whisper.enabled && process.env.WAKE_WHISPER_ALL === "1")
    strategies.push({
      name: `whisper-all ${CT}/${MARGIN}/${SURE_MARGIN}`,
      ct: CT,
      verifyAll: true,
      judge: (s, st) => whisper.wakes(s, st, st.sure ? SURE_MARGIN : MARGIN),
    });
  // Whisper with more context (WAKE_WHISPER_CONTEXT=2.5,0.7: seconds before the candidate's end, and
  // more after the verdict was due: the command's first words), on weak candidates as the peer.
  const context = list(process.env.WAKE_WHISPER_CONTEXT) as [number, number];
  if (whisper.enabled && context.length === 2)
    strategies.push({
      name: `whisper ctx ${context.join("+")} s`,
      ct: CT,
      verifyAll: false,
      judge: (s, st) => whisper.wakes(s, st, MARGIN, context),
    });
  // Each embedding verifier at its own threshold: the shipped one from the shipped candidate
  // threshold, session 7's from its own (0.1); WAKE_CT and WAKE_EMB_T add sensitivity rows.
  const shortName = (v: Loaded) => ({ shipped: "emb", candidate: "cand" })[v.name] ?? "emb s7 (peer)";
  for (const [k, v] of [...loaded.entries()].reverse()) {
    const trained = v.verifier.threshold;
    const ownCt = v.name === "session 7 (peer)" ? CT : SHIPPED_CT;
    const p = judged(k);
    for (const ct of [...new Set([ownCt, ...list(process.env.WAKE_CT)])])
      for (const t of [...new Set([trained, ...list(process.env.WAKE_EMB_T)])])
        strategies.push({
          name: `${shortName(v)} ${ct}/${t}`,
          ct,
          verifyAll: true,
          judge: async (s, st) => p(s, st) >= t,
        });
  }
  // The shipped verifier read on every chunk past a score floor as well (its own first stage):
  // WAKE_EVERY=threshold:floor:floorChunks:consecutive,... adds rows.
  // The default (wake.verifier.every_chunk) reads it at the settings its weights were chosen with.
  const shippedEvery = config.wake.verifier.every_chunk ? verifier?.everyChunk : null;
  const shippedP = judged(0);
  if (verifier && shippedEvery) {
    const trained = verifier.threshold;
    strategies.push({
      name: `emb+every (default)`,
      ct: SHIPPED_CT,
      verifyAll: true,
      judge: async (s, st) => shippedP(s, st) >= trained,
      every: shippedEvery,
    });
  }
  // New weights under test, read on every chunk at the settings they were chosen with.
  const candidateK = loaded.findIndex((v) => v.name === "candidate");
  const candidate = loaded[candidateK]?.verifier;
  if (candidate?.everyChunk && config.wake.verifier.every_chunk) {
    const trained = candidate.threshold;
    const candidateP = judged(candidateK);
    // WAKE_HOLD=2,4 adds rows holding each verifier wake that many chunks while openWakeWord's score rises.
    for (const hold of [candidate.everyChunk.holdChunks ?? 0, ...list(process.env.WAKE_HOLD)])
      strategies.push({
        name: hold ? `cand+every hold ${hold}` : "cand+every",
        ct: SHIPPED_CT,
        verifyAll: true,
        judge: async (s, st) => candidateP(s, st) >= trained,
        every: { ...candidate.everyChunk, holdChunks: hold },
        k: candidateK,
      });
  }
  for (const spec of (process.env.WAKE_EVERY ?? "").split(",").filter(Boolean)) {
    const [threshold, scoreFloor, floorChunks, consecutive = 1] = spec.split(":").map(Number);
    if (!verifier || threshold === undefined || scoreFloor === undefined || floorChunks === undefined)
      continue;
    const trained = verifier.threshold;
    strategies.push({
      name: `emb+every ${threshold}/${scoreFloor}/${floorChunks}x${consecutive}`,
      ct: SHIPPED_CT,
      verifyAll: true,
      judge: async (s, st) => shippedP(s, st) >= trained,
      every: { threshold, scoreFloor, floorChunks, consecutive },
    });
  }
  if (verifier && whisper.enabled) {
    const trained = verifier.threshold;
    strategies.push({
      name: `both ${SHIPPED_CT}/${trained}/${MARGIN}`,
      ct: SHIPPED_CT,
      verifyAll: true,
      judge: async (s, st) => shippedP(s, st) >= trained && (st.sure || (await whisper.wakes(s, st, MARGIN))),
    });
  }
  return strategies;
}
