import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/util/logger.js";
import type { WakeDetection } from "../../../src/wake/detector.js";
import type { PhraseScores, PhraseVerifier } from "../../../src/wake/verifier.js";
import {
  type CandidateReport,
  type EmbeddingJudge,
  VerifyingDetector,
  type VerifyMethod,
} from "../../../src/wake/verifying-detector.js";
import { FrameEndWake } from "../../support/fake-stages.js";

/**
 * The embedding verifier inside the second stage (wake.verifier.method): candidates carry
 * openWakeWord's embeddings, a judge turns them into a probability. Here the "embeddings" are
 * one value, the probability itself, so each test says what the judge will answer.
 */
interface Fire {
  sure?: boolean;
  probability?: number;
  /** The probabilities of the windows ending 1, 2, ... chunks after the best one. */
  later?: number[];
}

/** A candidate as openWakeWord hands it over: sure ones score 0.9, weak ones 0.3. */
function candidate({ sure, probability, later }: Fire): Partial<WakeDetection> {
  return {
    score: sure ? 0.9 : 0.3,
    candidate: true,
    ...(sure ? { sure } : {}),
    ...(probability !== undefined ? { embeddings: Float32Array.of(probability) } : {}),
    ...(later ? { laterEmbeddings: later.map((p) => Float32Array.of(p)) } : {}),
  };
}

class CountingVerifier implements PhraseVerifier {
  calls = 0;
  constructor(private readonly scores: PhraseScores) {}
  async scorePhrase(): Promise<PhraseScores> {
    this.calls++;
    return this.scores;
  }
  busy = () => false;
}

const judge: EmbeddingJudge = { score: (e) => e[0] as number, threshold: 0.625 };
const WHISPER_YES = { phrase: -0.2, heard: -0.3, text: "Hey Jarvis" };
const WHISPER_NO = { phrase: -4, heard: -0.3, text: "Hey Charlie" };

function setup(
  method: VerifyMethod,
  fires: Map<number, Partial<WakeDetection>>,
  whisper: PhraseScores = WHISPER_YES,
  chunks?: number,
) {
  const verifier = new CountingVerifier(whisper);
  const reports: CandidateReport[] = [];
  const settings = {
    beforeSeconds: 0.4,
    minMargin: -1.5,
    phraseFor: () => "Hey Jarvis",
    method,
    embeddingJudge: (w: string) => (w === "hey_jarvis" ? { ...judge, ...(chunks ? { chunks } : {}) } : null),
  };
  const detector = new VerifyingDetector(
    new FrameEndWake(fires),
    verifier,
    settings,
    (r) => reports.push(r),
    silentLogger(),
  );
  return { detector, verifier, reports };
}

async function run(detector: VerifyingDetector, frames: number): Promise<WakeDetection[]> {
  const hits: WakeDetection[] = [];
  for (let i = 0; i < frames; i++) {
    const hit = await detector.process({ samples: new Int16Array(1280), startSample: i * 1280 });
    if (hit) hits.push(hit);
  }
  return hits;
}

const at = (frame: number, fire: Fire) => new Map([[frame * 1280, candidate(fire)]]);

describe("the embedding verifier as the second stage", () => {
  it("method embeddings: wakes at once on a candidate it passes, without Whisper, and reports its probability", async () => {
    const { detector, verifier, reports } = setup("embeddings", at(5, { probability: 0.75 }));
    const hits = await run(detector, 8);
    expect(hits).toEqual([{ wakeWord: "hey_jarvis", score: 0.3, endSample: 5 * 1280 }]);
    expect(verifier.calls).toBe(0);
    expect(reports).toMatchObject([{ outcome: "verified", sure: false, embeddingScore: 0.75 }]);
    expect(reports[0]?.scores).toBeUndefined();
  });

  it("method embeddings: turns away a sure detection it does not pass (the model's confident mistake)", async () => {
    const { detector, verifier, reports } = setup("embeddings", at(5, { sure: true, probability: 0.25 }));
    expect(await run(detector, 8)).toEqual([]);
    expect(verifier.calls).toBe(0);
    expect(reports).toMatchObject([{ outcome: "rejected", sure: true, embeddingScore: 0.25 }]);
  });

  it("wakes at exactly the threshold, not below it", async () => {
    expect(await run(setup("embeddings", at(3, { probability: 0.625 })).detector, 5)).toHaveLength(1);
    expect(await run(setup("embeddings", at(3, { probability: 0.6 })).detector, 5)).toHaveLength(0);
  });

  it("reads the best chunk and the chunks after it that the judge asks for, the highest counting", async () => {
    const fire = at(5, { probability: 0.5, later: [0.25, 0.75, 0.875] });
    expect(await run(setup("embeddings", fire).detector, 8)).toEqual([]);
    expect(await run(setup("embeddings", fire, WHISPER_YES, 2).detector, 8)).toEqual([]);
    const three = setup("embeddings", fire, WHISPER_YES, 3);
    const hits = await run(three.detector, 8);
    expect(hits).toEqual([{ wakeWord: "hey_jarvis", score: 0.3, endSample: 5 * 1280 }]);
    expect(three.reports).toMatchObject([{ outcome: "verified", embeddingScore: 0.75 }]);
    // Fewer chunks arrived than it reads: it judges those there are.
    const early = setup("embeddings", at(5, { probability: 0.5, later: [0.7] }), WHISPER_YES, 3);
    expect(await run(early.detector, 8)).toHaveLength(1);
  });

  it("method both: a sure candidate is the embedding verifier's alone", async () => {
    const { detector, verifier, reports } = setup(
      "both",
      at(5, { sure: true, probability: 0.875 }),
      WHISPER_NO,
    );
    expect(await run(detector, 8)).toHaveLength(1);
    expect(verifier.calls).toBe(0);
    expect(reports).toMatchObject([{ outcome: "verified", sure: true }]);
  });

  it("method both: a weak candidate must pass the embedding verifier and then Whisper", async () => {
    const passed = setup("both", at(5, { probability: 0.875 }), WHISPER_NO);
    expect(await run(passed.detector, 8)).toEqual([]);
    expect(passed.verifier.calls).toBe(1);
    expect(passed.reports).toMatchObject([
      { outcome: "rejected", embeddingScore: 0.875, scores: WHISPER_NO },
    ]);
    const turnedAway = setup("both", at(5, { probability: 0.125 }));
    expect(await run(turnedAway.detector, 8)).toEqual([]);
    expect(turnedAway.verifier.calls).toBe(0);
    expect(turnedAway.reports).toMatchObject([{ outcome: "rejected", embeddingScore: 0.125 }]);
    const both = setup("both", at(5, { probability: 0.875 }));
    expect(await run(both.detector, 8)).toHaveLength(1);
    expect(both.reports).toMatchObject([{ outcome: "verified", embeddingScore: 0.875, scores: WHISPER_YES }]);
  });

  it("goes to Whisper for a candidate without embeddings (Porcupine) or under method whisper", async () => {
    const porcupine = setup("embeddings", at(5, { sure: true }), WHISPER_NO);
    expect(await run(porcupine.detector, 8)).toEqual([]);
    expect(porcupine.verifier.calls).toBe(1);
    expect(porcupine.reports[0]?.embeddingScore).toBeUndefined();
    const whisper = setup("whisper", at(5, { probability: 0.125 }));
    expect(await run(whisper.detector, 8)).toHaveLength(1);
    expect(whisper.verifier.calls).toBe(1);
  });
});
