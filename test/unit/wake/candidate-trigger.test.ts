import { describe, expect, it } from "vitest";
import {
  type CandidateSettings,
  CandidateTrigger,
  type Firing,
} from "../../../src/wake/candidate-trigger.js";
import { Trigger } from "../../../src/wake/trigger.js";

const CHUNK = 1280;
const base: CandidateSettings = {
  threshold: 0.5,
  candidateThreshold: 0.15,
  triggerLevel: 1,
  refractorySamples: 32000,
  afterSamples: 3 * CHUNK,
  maxHoldSamples: 12 * CHUNK,
};

/** Feeds one score per 80 ms chunk; returns what fired, with the chunk index it fired on. */
function feed(scores: number[], settings: Partial<CandidateSettings> = {}) {
  const t = new CandidateTrigger({ ...base, ...settings });
  const out: Array<Firing & { at: number }> = [];
  scores.forEach((s, i) => {
    const fired = t.next(s, (i + 1) * CHUNK);
    if (fired) out.push({ ...fired, at: i });
  });
  return out;
}

describe("CandidateTrigger", () => {
  it("wakes at once on a score at or above the threshold, as the single threshold does", () => {
    expect(feed([0, 0.1, 0.7, 0.3, 0])).toEqual([{ kind: "wake", score: 0.7, endSample: 3 * CHUNK, at: 2 }]);
  });

  it("makes a candidate at its best chunk, handed out once the after-window has passed", () => {
    const fired = feed([0, 0.2, 0.35, 0.1, 0, 0, 0, 0]);
    expect(fired).toEqual([
      { kind: "candidate", score: 0.35, endSample: 3 * CHUNK, sure: false, wakeEndSample: 3 * CHUNK, at: 5 },
    ]);
  });

  it("lets a sure detection that follows low scores wake at once, replacing the candidate", () => {
    expect(feed([0.2, 0.3, 0.9, 0, 0, 0, 0])).toEqual([
      { kind: "wake", score: 0.9, endSample: 3 * CHUNK, at: 2 },
    ]);
  });

  it("decides a candidate whose scores keep climbing after the longest hold", () => {
    const fired = feed(
      Array.from({ length: 20 }, (_, i) => 0.2 + i * 0.01),
      { maxHoldSamples: 4 * CHUNK },
    );
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ kind: "candidate", at: 4 });
  });

  it("lets a sure detection after a candidate through, but no second candidate for a while", () => {
    const scores = [0.3, 0, 0, 0, 0.9, 0, 0.3, 0, 0, 0, 0];
    expect(feed(scores).map((f) => f.kind)).toEqual(["candidate", "wake"]);
    const twice = [0.3, 0, 0, 0, 0, 0.3, 0, 0, 0, 0];
    expect(feed(twice).map((f) => f.kind)).toEqual(["candidate"]);
    expect(feed(twice, { refractorySamples: 2 * CHUNK }).map((f) => f.kind)).toEqual([
      "candidate",
      "candidate",
    ]);
  });

  it("makes no candidate in the refractory period after a sure detection", () => {
    expect(feed([0.9, 0, 0.3, 0, 0, 0, 0]).map((f) => f.kind)).toEqual(["wake"]);
  });

  it("needs triggerLevel chunks in a row at the candidate threshold", () => {
    expect(feed([0.2, 0, 0.2, 0, 0, 0, 0], { triggerLevel: 2 })).toEqual([]);
    expect(feed([0.2, 0.25, 0, 0, 0, 0], { triggerLevel: 2 })).toMatchObject([
      { kind: "candidate", score: 0.25 },
    ]);
  });

  it("hands out nothing below the candidate threshold", () => {
    expect(feed([0.1, 0.14, 0.05, 0, 0, 0, 0])).toEqual([]);
  });

  it("is the single-threshold Trigger when the candidate threshold is not below the threshold", () => {
    const scores = Array.from({ length: 200 }, (_, i) => Math.abs(Math.sin(i * 0.7)) * 0.9);
    for (const triggerLevel of [1, 2, 3]) {
      const settings = { ...base, candidateThreshold: 0.5, triggerLevel, refractorySamples: 4 * CHUNK };
      const single = new Trigger(settings);
      const expected = scores.flatMap((s, i) => (single.update(s, (i + 1) * CHUNK) ? [i] : []));
      const got = feed(scores, settings);
      expect(got.every((f) => f.kind === "wake")).toBe(true);
      expect(got.map((f) => f.at)).toEqual(expected);
    }
  });

  it("forgets a waiting candidate on reset", () => {
    const t = new CandidateTrigger(base);
    expect(t.next(0.3, CHUNK)).toBeNull();
    t.reset();
    for (let i = 2; i < 10; i++) expect(t.next(0, i * CHUNK)).toBeNull();
  });

  describe("verifying every detection (verifyAll)", () => {
    const all = { verifyAll: true };

    it("makes a sure candidate at the peak of a confident run instead of waking at once", () => {
      expect(feed([0, 0.3, 0.7, 0.95, 0.4, 0, 0, 0, 0], all)).toEqual([
        { kind: "candidate", score: 0.95, endSample: 4 * CHUNK, sure: true, wakeEndSample: 3 * CHUNK, at: 6 },
      ]);
    });

    it("says a sure candidate's wake word ended where the single threshold says: its first chunk at threshold", () => {
      const scores = [0, 0.3, 0.55, 0.8, 0.95, 0.4, 0, 0, 0, 0];
      const single = new Trigger({ threshold: 0.5, triggerLevel: 1, refractorySamples: 32000 });
      const singleAt = scores.findIndex((s, i) => single.update(s, (i + 1) * CHUNK));
      expect(feed(scores, all)).toMatchObject([
        { endSample: 5 * CHUNK, wakeEndSample: (singleAt + 1) * CHUNK, sure: true },
      ]);
      // A weak one keeps its best chunk.
      expect(feed([0, 0.2, 0.4, 0.3, 0, 0, 0, 0], all)).toMatchObject([
        { endSample: 3 * CHUNK, wakeEndSample: 3 * CHUNK, sure: false },
      ]);
    });

    it("marks a low run's candidate not sure", () => {
      expect(feed([0, 0.2, 0.3, 0, 0, 0, 0], all)).toMatchObject([{ kind: "candidate", sure: false }]);
    });

    it("makes confident candidates even when the candidate threshold equals the threshold", () => {
      const fired = feed([0, 0.3, 0.6, 0, 0, 0, 0], { ...all, candidateThreshold: 0.5 });
      expect(fired).toEqual([
        { kind: "candidate", score: 0.6, endSample: 3 * CHUNK, sure: true, wakeEndSample: 3 * CHUNK, at: 5 },
      ]);
    });

    it("verifies one utterance once: no second candidate in the refractory period", () => {
      const scores = [0.9, 0, 0, 0, 0, 0.8, 0, 0, 0, 0];
      expect(feed(scores, all).map((f) => f.at)).toEqual([3]);
      expect(feed(scores, { ...all, refractorySamples: 4 * CHUNK }).map((f) => f.at)).toEqual([3, 8]);
    });
  });
});
