import { describe, expect, it } from "vitest";
import { cellOf } from "../../../scripts/make-wake-fixtures.js";
import type { TrainClip } from "../../../scripts/wake-verifier-data.js";
import { configText, parseConfigs } from "../../../scripts/wake-verifier-folds.js";
import {
  type Clips,
  EARLIEST_WAKE_SECONDS,
  examplesOf,
  isHit,
  type Policy,
} from "../../../scripts/wake-verifier-replay.js";
import { describe as describeOutcome, evaluate } from "../../../scripts/wake-verifier-rule.js";

// Session 23: "hey jarvis" run on into the command in one breath, among the verifier's training
// clips and the wake benchmark's; fitted on unless the configuration says breath 0, always judged.

function wakeClip(oneBreath: boolean, best: number): TrainClip {
  const scores = Array.from({ length: 60 }, (_, i) => (i === best ? 0.9 : i === best - 1 ? 0.3 : 0.0001));
  return {
    voice: "en-us-m2",
    kind: "wake",
    condition: "clean",
    text: "hey jarvis play some music",
    wakeEndSample: 20 * 1280,
    firstRow: 0,
    scores,
    ...(oneBreath ? { oneBreath: true as const } : {}),
  };
}

const data = (clips: TrainClip[]): Clips => ({ frames: 16, clips, rows: new Float32Array(0) });
const paused = wakeClip(false, 20);
const breath = wakeClip(true, 21);

describe("one-breath wake clips in the verifier's fitting (wake-verifier-replay.ts)", () => {
  it("are fitted on by default and left out with breath 0, the other examples unchanged", () => {
    const [fitted, left] = parseConfigs("8:0.001:2:0:0:0:7:3,8:0.001:2:0:0:0:7:3:0:0");
    expect(fitted?.breath).toBe(1);
    expect(left?.breath).toBe(0);
    expect(configText(left as NonNullable<typeof left>)).toBe("8:0.001:2:0:0:0:7:3:0:0");
    expect(configText(fitted as NonNullable<typeof fitted>)).toBe("8:0.001:2:0:0:0:7:3");
    const random = () => 0.5;
    const withBreath = examplesOf(data([paused, breath]), 1, random, 0, { breath: 1 });
    const without = examplesOf(data([paused, breath]), 1, random, 0, { breath: 0 });
    expect(withBreath.filter((e) => e.clip === 1 && e.label === 1).map((e) => e.chunk)).toEqual([20, 21, 22]);
    expect(without.filter((e) => e.clip === 1)).toEqual([]);
    expect(withBreath.filter((e) => e.clip === 0)).toEqual(without);
  });
});

describe("one-breath clips in the reports", () => {
  it("are counted in cells of their own, beside the paused ones", () => {
    const policy: Policy = { candidateThreshold: 0.05, chunks: 1, afterChunks: 4 };
    // The verifier keeps the paused wake and turns the one-breath one away.
    const p = [
      Float32Array.from({ length: 60 }, (_, i) => (i === 20 ? 0.99 : 0)),
      Float32Array.from({ length: 60 }, () => 0.1),
    ];
    const o = evaluate(data([paused, breath]), p, policy, 0.9);
    expect([...o.recall]).toEqual([
      ["clean", [1, 1]],
      ["breath-clean", [0, 1]],
    ]);
    expect(describeOutcome(o)).toContain("paused 100.0%, one breath 0.0%");
  });

  it("name the wake benchmark's one-breath columns apart (make-wake-fixtures.ts)", () => {
    expect(cellOf({ condition: "babble10" })).toBe("babble10");
    expect(cellOf({ condition: "babble10", oneBreath: true })).toBe("1b-babble10");
  });
});

describe("a wake inside the wake phrase (wake-verifier-replay.ts isHit)", () => {
  it("is a miss once it says the phrase ended more than EARLIEST_WAKE_SECONDS before its end", () => {
    const end = paused.wakeEndSample as number;
    expect(EARLIEST_WAKE_SECONDS).toBe(0.08);
    expect(isHit(paused, end)).toBe(true);
    expect(isHit(paused, end - 0.05 * 16_000)).toBe(true);
    // 0.16 s inside "jarvis": the run would take the phrase's tail as the command.
    expect(isHit(paused, end - 0.16 * 16_000)).toBe(false);
    expect(isHit(paused, end + 0.9 * 16_000)).toBe(true);
    expect(isHit(paused, end + 1.1 * 16_000)).toBe(false);
  });
});
