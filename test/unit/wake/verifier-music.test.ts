import { describe, expect, it } from "vitest";
import {
  checkMusicHeldOut,
  EVAL_MUSIC_SEEDS,
  musicClip,
  musicSeedsOf,
  musicShare,
  TRAIN_MUSIC_SEEDS,
} from "../../../scripts/wake-music.js";
import type { TrainClip } from "../../../scripts/wake-verifier-data.js";
import { configText, FOLDS, parseConfigs } from "../../../scripts/wake-verifier-folds.js";
import { type Clips, examplesOf, type Policy } from "../../../scripts/wake-verifier-replay.js";
import { daemonRuns, evaluate, operatingPoint, withinRule } from "../../../scripts/wake-verifier-rule.js";

/** A clip of `n` chunks scoring `score`, except `at` (chunk -> score). */
function clip(
  kind: TrainClip["kind"],
  voice: string,
  n: number,
  score: number,
  at: Record<number, number> = {},
) {
  const scores = Array.from({ length: n }, (_, i) => at[i] ?? score);
  const c: TrainClip = {
    voice,
    kind,
    condition: kind === "music" ? "chords" : "clean",
    text: kind,
    wakeEndSample: kind === "wake" ? 20 * 1280 : null,
    firstRow: 0,
    scores,
  };
  return c;
}

/** Probabilities per chunk: `base`, and `high` on chunks from..to. */
const probs = (n: number, base: number, from = -1, to = -1, high = 0) =>
  Float32Array.from({ length: n }, (_, i) => (i >= from && i <= to ? high : base));

const data = (clips: TrainClip[]): Clips => ({ frames: 16, clips, rows: new Float32Array(0) });

describe("training music (scripts/wake-music.ts)", () => {
  it("is drawn from seeds no judged music draws from", () => {
    expect(() => checkMusicHeldOut(TRAIN_MUSIC_SEEDS)).not.toThrow();
    expect(() => checkMusicHeldOut(TRAIN_MUSIC_SEEDS, EVAL_MUSIC_SEEDS)).not.toThrow();
    // 22's chords draw from 23, the benchmark's chords.wav; 1000's from 1001, tones-1001's seed.
    expect(() => checkMusicHeldOut([3001, 22])).toThrow(/23/);
    expect(() => checkMusicHeldOut([1000])).toThrow(/1001/);
    expect(() => checkMusicHeldOut([7005])).toThrow(/7005/);
    expect(() => checkMusicHeldOut([3001, 3001])).toThrow(/repeated/);
    // A bench set's own seeds (--music-seed), read from its files.
    const set = musicSeedsOf(["tones-3004.wav", "chords-3004.wav", "babble.wav", "tones.wav"]);
    expect(set).toEqual([3004, 3004]);
    expect(() => checkMusicHeldOut(TRAIN_MUSIC_SEEDS, set)).toThrow(/3004/);
  });

  it("is shared among the data script's parts, each seed once", () => {
    const shares = [musicShare(0, 2), musicShare(1, 2)];
    expect(shares[0]?.some((s) => shares[1]?.includes(s))).toBe(false);
    expect([...(shares[0] ?? []), ...(shares[1] ?? [])].sort()).toEqual([...TRAIN_MUSIC_SEEDS].sort());
    expect(musicShare(0, 1)).toEqual([...TRAIN_MUSIC_SEEDS]);
    expect(musicClip(3002, "chords", "chords-3002.wav")).toEqual({
      voice: "music-3002",
      kind: "music",
      condition: "chords",
      text: "chords-3002.wav",
      wakeEndSample: null,
    });
  });

  it("is held out fold by fold: each seed in exactly one fold", () => {
    for (const seed of TRAIN_MUSIC_SEEDS)
      expect(FOLDS.filter((f) => f.includes(`music-${seed}`))).toHaveLength(1);
    expect(FOLDS.every((f) => f.some((v) => v.startsWith("music-")))).toBe(true);
  });

  it("is fitted on only when the configuration asks", () => {
    const [plain, withMusic] = parseConfigs("8:0.001:2:0:0:0:7:3,8:0.001:2:0:0:0:7:3:1");
    expect(plain?.music).toBe(0);
    expect(withMusic?.music).toBe(1);
    expect(configText(withMusic as NonNullable<typeof withMusic>)).toBe("8:0.001:2:0:0:0:7:3:1");
    expect(configText(plain as NonNullable<typeof plain>)).toBe("8:0.001:2:0:0:0:7:3");
  });
});

describe("music in the fitting and the rule (wake-verifier-replay.ts, wake-verifier-rule.ts)", () => {
  const speech = [
    clip("wake", "en-us-m2", 60, 0.0001, { 19: 0.3, 20: 0.6 }),
    clip("near-miss", "en-us-m2", 60, 0.0001),
  ];
  const music = clip("music", "music-3001", 200, 0.002, { 100: 0.2 });

  it("gives negatives of the music's chunks, and leaves the other examples as they were", () => {
    const random = () => 0.5;
    const without = examplesOf(data([...speech, music]), 1, random, 0, { music: 0 });
    const withMusic = examplesOf(data([...speech, music]), 1, random, 0, { music: 1 });
    expect(without.filter((e) => e.clip === 2)).toEqual([]);
    const fromMusic = withMusic.filter((e) => e.clip === 2);
    // Every chunk from the sixth on is past the floor: all of them, the 40 peaks among them.
    expect(fromMusic.length).toBeGreaterThanOrEqual(195);
    expect(fromMusic.every((e) => e.label === 0)).toBe(true);
    expect(withMusic.filter((e) => e.clip !== 2)).toEqual(without);
  });

  it("counts a wake in music as a false wake of its own, which the rule refuses", () => {
    const policy: Policy = {
      candidateThreshold: 0.05,
      chunks: 1,
      afterChunks: 4,
      every: { threshold: 0.998, scoreFloor: 0.001, floorChunks: 4, consecutive: 3 },
    };
    const clean = [probs(60, 0.01, 19, 21, 0.9995), probs(60, 0.01)];
    const loud = evaluate(
      data([...speech, music]),
      [...clean, probs(200, 0.01, 50, 53, 0.9999)],
      policy,
      0.9,
    );
    expect(loud.hits).toBe(1);
    expect(loud.musicWakes).toBe(1);
    expect(loud.falseWakes).toBe(0);
    expect(loud.musicMinutes).toBeCloseTo((200 * 0.08) / 60, 5);
    expect(withinRule(loud, 3)).toBe(false);
    // Two chunks at 0.998 are not three in a row: no wake, within the rule.
    const quiet = evaluate(
      data([...speech, music]),
      [...clean, probs(200, 0.01, 50, 51, 0.9999)],
      policy,
      0.9,
    );
    expect(quiet.musicWakes).toBe(0);
    expect(withinRule(quiet, 3)).toBe(true);
  });

  it("lets training choose only the candidate policy the daemon runs (0.05, 0.3 s: 4 chunks)", () => {
    expect(daemonRuns({ candidateThreshold: 0.05, chunks: 3, afterChunks: 4 })).toBe(true);
    expect(daemonRuns({ candidateThreshold: 0.1, chunks: 3, afterChunks: 4 })).toBe(false);
    expect(daemonRuns({ candidateThreshold: 0.05, chunks: 3, afterChunks: 2 })).toBe(false);
  });

  it("chooses a candidate threshold above what music's candidates reach", () => {
    const policy: Policy = { candidateThreshold: 0.05, chunks: 1, afterChunks: 4 };
    const p = [probs(60, 0.01, 19, 21, 0.99), probs(60, 0.01), probs(200, 0.01, 100, 100, 0.955)];
    expect(operatingPoint(data(speech), p.slice(0, 2), policy).threshold).toBe(0.3);
    const chosen = operatingPoint(data([...speech, music]), p, policy);
    expect(chosen.threshold).toBe(0.96);
    expect(chosen.musicWakes).toBe(0);
    expect(chosen.hits).toBe(1);
  });
});
