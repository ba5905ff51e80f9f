/**
 * The wake word's start-up self-test, the twin of Whisper's (stt/self-test.ts): a shipped
 * "hey jarvis" clip (assets/self-test/hey-jarvis.wav: 1.6 s of the wake fixture
 * hey-jarvis-en-us-110.wav, espeak-ng en-us at 110 wpm) goes through the loaded openWakeWord
 * detector, and each bundled model's score of every 80 ms chunk must come out as measured on
 * x86 (assets/self-test/hey-jarvis.scores.json). Broken arithmetic (a CPU's kernels, a
 * damaged model) moves scores; the whole trace is compared, not the peak, because the rising
 * scores on the way to the peak (0.11, 0.19) sit on the steep middle of the sigmoid, where
 * any error shows.
 *
 * Only bundled models (pinned by sha256, so the id names the bytes) have an expected score.
 * When none of the configured models is hey_jarvis, a hey_jarvis detector is loaded beside
 * them for the test (the canary): the front end (mel + embedding, the bulk of the work) and
 * the classifier's operators are the same for every model, so its result decides which
 * kernels the configured detector gets.
 */

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readWav16kMono } from "../audio/wav.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import type { Logger } from "../util/logger.js";
import type { ChunkScores } from "./openwakeword.js";

/** Resolved next to this module: src/wake under vitest and tsx, dist/wake once built. */
export const WAKE_SELF_TEST_CLIP = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../assets/self-test/hey-jarvis.wav",
);

/** The expected scores shipped beside the clip. */
export const WAKE_SELF_TEST_SCORES_FILE = WAKE_SELF_TEST_CLIP.replace(/\.wav$/, ".scores.json");

/**
 * Each bundled model's score of every 80 ms chunk of the clip, measured on x86 (onnxruntime
 * 1.30, default kernels), and how far a score may move: instruction sets differ in the last
 * digits, broken arithmetic by far more. The whole trace is compared, not the peak: a model
 * damaged in one layer (test/integration/wake-self-test.test.ts) moved the scores before the
 * peak and hardly the peak itself.
 */
export interface WakeExpectation {
  tolerance: number;
  scores: Record<string, number[]>;
}

/** The model the canary detector runs. */
export const CANARY_MODEL = "hey_jarvis";

/** openWakeWord's chunk (80 ms). */
const CHUNK = 1280;

export function readWakeExpectation(file: string = WAKE_SELF_TEST_SCORES_FILE): WakeExpectation {
  return JSON.parse(readFileSync(file, "utf8")) as WakeExpectation;
}

/** What the self-test needs of a detector: frames in, every chunk's scores out. */
export interface ScoringDetector {
  process(frame: { samples: Int16Array; startSample: number }): Promise<unknown>;
  reset(): void;
  dispose(): Promise<void>;
  onScores: ((scores: ChunkScores) => void) | null;
}

export interface WakeSelfTestResult {
  ok: boolean;
  /** Highest score of each checked model over the clip (for the log). */
  peaks: Record<string, number>;
  /** "hey_jarvis 0.711 at 1.44 s (expected 0.174)": per model, its chunk furthest off, when beyond the tolerance. */
  mismatches: string[];
  ms: number;
}

/** The models of `traces` with an expected trace that some chunk is off from by more than the tolerance. */
export function scoreMismatches(traces: Record<string, number[]>, expected: WakeExpectation): string[] {
  const off: string[] = [];
  for (const [id, trace] of Object.entries(traces)) {
    const want = expected.scores[id];
    if (!want) continue;
    if (trace.length !== want.length) {
      off.push(`${id} scored ${trace.length} chunks (expected ${want.length})`);
      continue;
    }
    let worst = -1;
    let worstDiff = 0;
    trace.forEach((score, i) => {
      // NaN (a kernel writing garbage) counts as off by everything.
      const diff = Math.abs(score - (want[i] as number));
      if (!(diff <= worstDiff)) [worst, worstDiff] = [i, Number.isNaN(diff) ? Infinity : diff];
    });
    if (worstDiff > expected.tolerance) {
      const at = ((worst + 1) * CHUNK) / 16_000;
      off.push(
        `${id} ${trace[worst]?.toFixed(3)} at ${at.toFixed(2)} s (expected ${want[worst]?.toFixed(3)})`,
      );
    }
  }
  return off;
}

/** Runs the clip through a freshly reset detector, then resets it again for real audio. */
export async function runWakeSelfTest(
  detector: ScoringDetector,
  checked: readonly string[],
  clip: Int16Array,
  expected: WakeExpectation,
): Promise<WakeSelfTestResult> {
  const started = performance.now();
  const traces: Record<string, number[]> = Object.fromEntries(checked.map((id) => [id, []]));
  detector.reset();
  detector.onScores = ({ scores }) => {
    for (const id of checked) traces[id]?.push(scores[id] ?? Number.NaN);
  };
  try {
    for (let i = 0; i < clip.length; i += CHUNK) {
      await detector.process({ samples: clip.subarray(i, i + CHUNK), startSample: i });
    }
  } finally {
    detector.onScores = null;
    detector.reset();
  }
  const mismatches = scoreMismatches(traces, expected);
  const peaks = Object.fromEntries(Object.entries(traces).map(([id, t]) => [id, Math.max(...t)]));
  return { ok: mismatches.length === 0, peaks, mismatches, ms: Math.round(performance.now() - started) };
}

export interface WakeSelfTestPlan<D extends ScoringDetector> {
  /** Opens the configured detector, with onnxruntime's portable kernels when `safeKernels`. */
  open(safeKernels: boolean): Promise<D>;
  /** The configured bundled models (those with an expected trace are checked on the configured detector). */
  checked: readonly string[];
  /** Opens the hey_jarvis canary; used when `checked` does not hold hey_jarvis. */
  openCanary(safeKernels: boolean): Promise<ScoringDetector>;
}

/**
 * Opens the wake-word detector and self-tests it; when the scores are off, once more with
 * onnxruntime's portable kernels, and if they are still off, refuses to start (exit 78)
 * naming the CPU and the stage.
 */
export async function openWakeSelfTested<D extends ScoringDetector>(
  plan: WakeSelfTestPlan<D>,
  cpu: string,
  log: Logger,
  test: { clip?: Int16Array; expected?: WakeExpectation } = {},
): Promise<D> {
  const samples = test.clip ?? (await readWav16kMono(WAKE_SELF_TEST_CLIP)).samples;
  const expected = test.expected ?? readWakeExpectation();
  const checked = plan.checked.filter((id) => id in expected.scores);
  const onConfigured = checked.includes(CANARY_MODEL);
  let last: WakeSelfTestResult | null = null;
  for (const safeKernels of [false, true]) {
    last = null;
    // The canary is tested and closed before the configured detector opens with the kernels it passed on.
    const tested = onConfigured ? await plan.open(safeKernels) : await plan.openCanary(safeKernels);
    try {
      last = await runWakeSelfTest(tested, onConfigured ? checked : [CANARY_MODEL], samples, expected);
    } finally {
      if (!onConfigured || !last?.ok) await tested.dispose();
    }
    if (last.ok) {
      const message = safeKernels
        ? "wake-word self-test passed with the portable kernels: running with them"
        : "wake-word self-test passed";
      (safeKernels ? log.warn : log.debug).call(log, { peaks: last.peaks, ms: last.ms, cpu }, message);
      return onConfigured ? (tested as D) : await plan.open(safeKernels);
    }
    if (!safeKernels) {
      log.warn(
        { off: last.mismatches, cpu },
        "wake word scored its self-test clip wrong: loading it again with onnxruntime's portable kernels",
      );
    }
  }
  throw new EdgeVoiceError(
    "wake-self-test-failed",
    `the wake word scores wrong on this CPU (${cpu}): its self-test clip "hey jarvis" gave ${last?.mismatches.join(", ")}, with onnxruntime's portable kernels too`,
    {
      hint: "run `edge-voice doctor` and report its output; `wake.self_test: false` starts anyway, but the wake word may then never fire (or fire on anything)",
      exitCode: ExitCode.config,
    },
  );
}
