import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/util/logger.js";
import type { ChunkScores } from "../../../src/wake/openwakeword.js";
import {
  openWakeSelfTested,
  readWakeExpectation,
  runWakeSelfTest,
  type ScoringDetector,
  scoreMismatches,
  type WakeExpectation,
} from "../../../src/wake/self-test.js";

/** A detector whose every chunk scores `scores` (after the first, which scores 0), recording what happened to it. */
function fakeDetector(scores: Record<string, number>, label = "") {
  const state = { disposed: false, resets: 0, chunks: 0, label };
  const detector: ScoringDetector = {
    onScores: null,
    async process(frame) {
      const first = state.chunks++ === 0;
      const chunk: ChunkScores = {
        endSample: frame.startSample + frame.samples.length,
        scores: Object.fromEntries(Object.entries(scores).map(([id, s]) => [id, first ? 0 : s])),
      };
      detector.onScores?.(chunk);
      return null;
    },
    reset() {
      state.resets++;
    },
    async dispose() {
      state.disposed = true;
    },
  };
  return { detector, state };
}

const clip = new Int16Array(1280 * 10);
const good = { hey_jarvis: 0.68, hey_rhasspy: 0.002 };
/** What `fakeDetector(good)` scores: 0 in the first chunk, then its constant scores. */
const expected: WakeExpectation = {
  tolerance: 0.05,
  scores: {
    hey_jarvis: [0, ...Array(9).fill(0.68)],
    hey_rhasspy: Array(10).fill(0),
    alexa: Array(10).fill(0),
  },
};

describe("scoreMismatches", () => {
  it("accepts every chunk within the tolerance, and names the chunk furthest off", () => {
    const near = { hey_jarvis: [0.02, ...Array(9).fill(0.72)], alexa: Array(10).fill(0.03) };
    expect(scoreMismatches(near, expected)).toEqual([]);
    const off = {
      hey_jarvis: [0, 0.68, 0.68, 0.1, ...Array(6).fill(0.68)],
      alexa: [...Array(9).fill(0), 0.4],
    };
    expect(scoreMismatches(off, expected)).toEqual([
      "hey_jarvis 0.100 at 0.32 s (expected 0.680)",
      "alexa 0.400 at 0.80 s (expected 0.000)",
    ]);
  });

  it("fails NaN (a kernel writing garbage) and a trace of another length; ignores models without a trace", () => {
    expect(scoreMismatches({ alexa: [...Array(9).fill(0), Number.NaN] }, expected)).toEqual([
      "alexa NaN at 0.80 s (expected 0.000)",
    ]);
    expect(scoreMismatches({ alexa: [0] }, expected)).toEqual(["alexa scored 1 chunks (expected 10)"]);
    expect(scoreMismatches({ my_custom_word: [0.2] }, expected)).toEqual([]);
  });

  it("ships a trace for every bundled openWakeWord model, one score per chunk of the clip", () => {
    const shipped = readWakeExpectation();
    expect(Object.keys(shipped.scores).sort()).toEqual(
      ["alexa", "hey_jarvis", "hey_mycroft", "hey_rhasspy", "timer", "weather"].sort(),
    );
    expect(new Set(Object.values(shipped.scores).map((t) => t.length))).toEqual(new Set([20]));
    expect(Math.max(...(shipped.scores.hey_jarvis as number[]))).toBeGreaterThan(0.5);
  });
});

describe("runWakeSelfTest", () => {
  it("takes each checked model's highest score over the clip and leaves the detector reset, unobserved", async () => {
    const { detector, state } = fakeDetector({ hey_jarvis: 0.68, hey_rhasspy: 0.002, mine: 0.9 });
    const result = await runWakeSelfTest(detector, ["hey_jarvis", "hey_rhasspy"], clip, expected);
    expect(result).toMatchObject({
      ok: true,
      peaks: { hey_jarvis: 0.68, hey_rhasspy: 0.002 },
      mismatches: [],
    });
    expect(state.chunks).toBe(10);
    expect(state.resets).toBe(2);
    expect(detector.onScores).toBeNull();
  });

  it("fails a checked model the detector never scored", async () => {
    const { detector } = fakeDetector({ alexa: 0 });
    const result = await runWakeSelfTest(detector, ["hey_jarvis"], clip, expected);
    expect(result.ok).toBe(false);
  });
});

describe("openWakeSelfTested", () => {
  const canaryNeverUsed = async (): Promise<ScoringDetector> => {
    throw new Error("no canary wanted");
  };

  it("keeps the configured detector when hey_jarvis is among its models and scores right", async () => {
    const configured = fakeDetector(good);
    const opened: boolean[] = [];
    const plan = {
      open: async (safe: boolean) => {
        opened.push(safe);
        return configured.detector;
      },
      checked: ["hey_jarvis", "hey_rhasspy"],
      openCanary: canaryNeverUsed,
    };
    expect(await openWakeSelfTested(plan, "test CPU", silentLogger(), { clip, expected })).toBe(
      configured.detector,
    );
    expect(opened).toEqual([false]);
    expect(configured.state.disposed).toBe(false);
  });

  it("reloads with the portable kernels when the scores are off, and keeps that load", async () => {
    const broken = fakeDetector({ hey_jarvis: 0.01 });
    const safe = fakeDetector(good);
    const plan = {
      open: async (portable: boolean) => (portable ? safe.detector : broken.detector),
      checked: ["hey_jarvis"],
      openCanary: canaryNeverUsed,
    };
    expect(await openWakeSelfTested(plan, "test CPU", silentLogger(), { clip, expected })).toBe(
      safe.detector,
    );
    expect(broken.state.disposed).toBe(true);
    expect(safe.state.disposed).toBe(false);
  });

  it("refuses to start (exit 78) naming the CPU, the stage and the scores when both loads are off", async () => {
    const loads = [fakeDetector({ hey_jarvis: 0.01 }), fakeDetector({ hey_jarvis: 0.99 })];
    const plan = {
      open: async (portable: boolean) => (loads[portable ? 1 : 0] as { detector: ScoringDetector }).detector,
      checked: ["hey_jarvis"],
      openCanary: canaryNeverUsed,
    };
    await expect(
      openWakeSelfTested(plan, "ARM Cortex-A72 (arm64)", silentLogger(), { clip, expected }),
    ).rejects.toMatchObject({
      code: "wake-self-test-failed",
      exitCode: 78,
      message: expect.stringMatching(
        /wake word scores wrong on this CPU \(ARM Cortex-A72 \(arm64\)\).*hey_jarvis 0\.990 at 0\.16 s \(expected 0\.680\)/,
      ),
    });
    expect(loads.every((l) => l.state.disposed)).toBe(true);
  });

  it("without hey_jarvis configured, tests a canary first and opens the configured detector with the kernels it passed on", async () => {
    const canaries = [fakeDetector({ hey_jarvis: 0.2 }, "default"), fakeDetector(good, "portable")];
    const configured = fakeDetector({ my_word: 0.4 });
    const opened: boolean[] = [];
    const plan = {
      open: async (safe: boolean) => {
        opened.push(safe);
        return configured.detector;
      },
      checked: ["alexa", "my_word"],
      openCanary: async (safe: boolean) => (canaries[safe ? 1 : 0] as { detector: ScoringDetector }).detector,
    };
    expect(await openWakeSelfTested(plan, "test CPU", silentLogger(), { clip, expected })).toBe(
      configured.detector,
    );
    expect(opened).toEqual([true]);
    expect(canaries.every((c) => c.state.disposed)).toBe(true);
    expect(configured.state.chunks).toBe(0);
  });
});
