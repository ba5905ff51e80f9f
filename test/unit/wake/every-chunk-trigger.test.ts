import { describe, expect, it } from "vitest";
import {
  type CandidateSettings,
  CandidateTrigger,
  type EveryChunkSettings,
  type Firing,
} from "../../../src/wake/candidate-trigger.js";

const CHUNK = 1280;
const every: EveryChunkSettings = { threshold: 0.99, scoreFloor: 0.01, floorChunks: 4 };
const base: CandidateSettings = {
  threshold: 0.5,
  candidateThreshold: 0.05,
  triggerLevel: 1,
  refractorySamples: 32000,
  afterSamples: 4 * CHUNK,
  maxHoldSamples: 12.5 * CHUNK,
  verifyAll: true,
  everyChunk: every,
};

/**
 * Feeds one openWakeWord score and one verifier probability per 80 ms chunk; returns what
 * fired (with its chunk) and the chunks where the verifier was read.
 */
function feed(scores: number[], probabilities: number[], settings: Partial<CandidateSettings> = {}) {
  const t = new CandidateTrigger({ ...base, ...settings });
  const out: Array<Firing & { at: number }> = [];
  const read: number[] = [];
  scores.forEach((s, i) => {
    const fired = t.next(s, (i + 1) * CHUNK, () => {
      read.push(i);
      return probabilities[i] ?? 0;
    });
    if (fired) out.push({ ...fired, at: i });
  });
  return { out, read };
}

describe("CandidateTrigger with the verifier on every chunk (everyChunk)", () => {
  it("wakes, verified, on a chunk openWakeWord scores far under the candidate threshold", () => {
    // Babble: openWakeWord never reaches 0.05, the verifier hears the phrase at chunk 3.
    const { out } = feed([0, 0.012, 0.02, 0.03, 0.01, 0, 0, 0], [0, 0.2, 0.6, 0.995, 0.99, 0.3, 0, 0]);
    expect(out).toEqual([{ kind: "verified", score: 0.03, probability: 0.995, endSample: 4 * CHUNK, at: 3 }]);
  });

  it("with holdChunks, waits while openWakeWord's score rises and dates the wake to its peak", () => {
    // The verifier hears "hey jar-" at chunk 2; openWakeWord's score peaks at chunk 4, as the phrase ends.
    const scores = [0, 0.02, 0.04, 0.08, 0.2, 0.1, 0, 0];
    const probabilities = [0, 0.5, 0.995, 0.99, 0.99, 0.5, 0, 0];
    const held = feed(scores, probabilities, { everyChunk: { ...every, holdChunks: 4 } });
    expect(held.out).toEqual([
      { kind: "verified", score: 0.2, probability: 0.995, endSample: 5 * CHUNK, at: 5 },
    ]);
    // Without it the wake comes at once, dated inside the phrase.
    expect(feed(scores, probabilities).out).toMatchObject([{ endSample: 3 * CHUNK, at: 2 }]);
  });

  it("holds at most holdChunks while the score keeps rising", () => {
    const scores = [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16];
    const { out } = feed(scores, [0, 0, 0.995, 0, 0, 0, 0, 0, 0], {
      everyChunk: { ...every, holdChunks: 2 },
    });
    expect(out).toMatchObject([{ kind: "verified", endSample: 5 * CHUNK, at: 4 }]);
  });

  it("a held wake starts the refractory period at its peak: the same words wake once", () => {
    const scores = [0, 0.02, 0.04, 0.08, 0.2, 0.1, 0.05, 0.02, 0.01, 0];
    const probabilities = [0, 0.5, 0.995, 0.99, 0.99, 0.995, 0.995, 0.99, 0.995, 0];
    const { out } = feed(scores, probabilities, { everyChunk: { ...every, holdChunks: 4 } });
    expect(out).toHaveLength(1);
  });

  it("reads the verifier only while the score floor was reached within floorChunks", () => {
    const { read, out } = feed([0, 0, 0.02, 0, 0, 0, 0, 0, 0, 0], [1, 1, 0.1, 0.1, 0.1, 0.1, 1, 1, 1, 1]);
    // Chunk 2 reached the floor: chunks 2..5 are read (4 chunks); silence before and after is not.
    expect(read).toEqual([2, 3, 4, 5]);
    expect(out).toEqual([]);
  });

  it("says ahead of each chunk whether it may read the verifier there (mayRead), as it then does", () => {
    const scores = [0, 0, 0.02, 0, 0, 0, 0, 0.03, 0, 0];
    const t = new CandidateTrigger(base);
    const asked: number[] = [];
    const read: number[] = [];
    scores.forEach((s, i) => {
      if (t.mayRead(s, (i + 1) * CHUNK)) asked.push(i);
      t.next(s, (i + 1) * CHUNK, () => {
        read.push(i);
        return 0;
      });
    });
    expect(asked).toEqual([2, 3, 4, 5, 7, 8, 9]);
    expect(read).toEqual(asked);
    expect(new CandidateTrigger({ ...base, everyChunk: undefined }).mayRead(1, CHUNK)).toBe(false);
  });

  it("says no while a wake is held and through the refractory period after it, as next() then reads", () => {
    const t = new CandidateTrigger({ ...base, everyChunk: { ...every, holdChunks: 2 } });
    const asked: number[] = [];
    const read: number[] = [];
    const fired: number[] = [];
    // Speech all along (score 0.02..0.04); the verifier hears the phrase at chunk 3 only.
    for (let i = 0; i < 40; i++) {
      const score = i === 4 ? 0.04 : 0.02;
      if (t.mayRead(score, (i + 1) * CHUNK)) asked.push(i);
      const f = t.next(score, (i + 1) * CHUNK, () => {
        read.push(i);
        return i === 3 ? 1 : 0;
      });
      if (f) fired.push(i);
    }
    // Held at 3 while the score rises (4), handed out at 5 dated to 4; 2 s (25 chunks) of rest from 4.
    expect(fired).toEqual([5]);
    expect(read).toEqual(asked);
    expect(asked).toEqual([0, 1, 2, 3, ...Array.from({ length: 11 }, (_, k) => 29 + k)]);
  });

  it("never reads the verifier without a probe or without everyChunk", () => {
    const t = new CandidateTrigger({ ...base, everyChunk: undefined });
    let reads = 0;
    for (let i = 0; i < 20; i++)
      t.next(0.3, (i + 1) * CHUNK, () => {
        reads++;
        return 1;
      });
    expect(reads).toBe(0);
  });

  it("drops a waiting candidate of the same words when the verifier wakes first", () => {
    const scores = [0, 0.08, 0.3, 0.2, 0.1, 0, 0, 0, 0, 0];
    const probabilities = [0, 0.5, 0.999, 0.9, 0, 0, 0, 0, 0, 0];
    const { out } = feed(scores, probabilities);
    expect(out.map((f) => f.kind)).toEqual(["verified"]);
    expect(out[0]?.at).toBe(2);
    // Without everyChunk the same scores make a candidate decided 4 chunks after its best.
    expect(feed(scores, probabilities, { everyChunk: undefined }).out.map((f) => [f.kind, f.at])).toEqual([
      ["candidate", 6],
    ]);
  });

  it("holds off further verified wakes and candidates for the refractory period, then wakes again", () => {
    const scores = Array.from({ length: 40 }, () => 0.02);
    const probabilities = Array.from({ length: 40 }, (_, i) => (i === 5 || i === 20 || i === 31 ? 1 : 0));
    const { out } = feed(scores, probabilities);
    // 2 s is 25 chunks: chunk 20 is held off, chunk 31 (26 chunks after 5) wakes.
    expect(out.map((f) => [f.kind, f.at])).toEqual([
      ["verified", 5],
      ["verified", 31],
    ]);
  });

  it("is not held off by a candidate it did not make (one the verifier may have rejected)", () => {
    // A weak candidate at chunk 2 is handed out at chunk 6; the phrase comes at chunk 9.
    const scores = [0, 0.1, 0.2, 0, 0, 0, 0, 0, 0.03, 0.03, 0, 0];
    const probabilities = [0, 0.1, 0.3, 0, 0, 0, 0, 0, 0.8, 0.999, 0, 0];
    const { out } = feed(scores, probabilities);
    expect(out.map((f) => [f.kind, f.at])).toEqual([
      ["candidate", 6],
      ["verified", 9],
    ]);
  });

  it("starts afresh after reset: the floor must be reached again", () => {
    const t = new CandidateTrigger(base);
    t.next(0.02, CHUNK, () => 0);
    t.reset();
    let read = false;
    expect(
      t.next(0, 2 * CHUNK, () => {
        read = true;
        return 1;
      }),
    ).toBeNull();
    expect(read).toBe(false);
  });

  it("with consecutive, wakes only on the chunk that completes a run of high probabilities", () => {
    const scores = Array.from({ length: 12 }, () => 0.02);
    // A one-chunk spike at 2, then a run of three from 6.
    const probabilities = [0, 0, 1, 0, 0, 0, 0.999, 0.999, 1, 0.2, 0, 0];
    const { out } = feed(scores, probabilities, { everyChunk: { ...every, consecutive: 3 } });
    expect(out.map((f) => [f.kind, f.at])).toEqual([["verified", 8]]);
    expect(feed(scores, probabilities).out.map((f) => [f.kind, f.at])).toEqual([["verified", 2]]);
  });

  it("says the word ended where openWakeWord first reached its threshold, when it did", () => {
    // The score crosses 0.5 at chunk 3; the verifier's third chunk at 0.998 is chunk 5.
    const scores = [0, 0.1, 0.4, 0.8, 0.9, 0.6, 0.2, 0, 0, 0];
    const probabilities = [0, 0, 0.5, 0.999, 0.999, 0.999, 0.3, 0, 0, 0];
    const settings = { everyChunk: { ...every, threshold: 0.998, consecutive: 3 } };
    expect(feed(scores, probabilities, settings).out).toEqual([
      { kind: "verified", score: 0.6, probability: 0.999, endSample: 4 * CHUNK, at: 5 },
    ]);
  });
});
