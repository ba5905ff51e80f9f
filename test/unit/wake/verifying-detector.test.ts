import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/util/logger.js";
import type { WakeDetection } from "../../../src/wake/detector.js";
import type { PhraseScores, PhraseVerifier } from "../../../src/wake/verifier.js";
import {
  type CandidateReport,
  VerifyingDetector,
  type VerifySettings,
} from "../../../src/wake/verifying-detector.js";
import { FrameEndWake } from "../../support/fake-stages.js";

class FakeVerifier implements PhraseVerifier {
  calls: Array<{ audio: Float32Array; phrase: string }> = [];
  isBusy = false;
  /** When set, each verdict waits until `release()` is called (a verifier working in the background). */
  held: Array<() => void> | null = null;
  constructor(private readonly scores: PhraseScores | Error) {}
  async scorePhrase(audio: Float32Array, phrase: string): Promise<PhraseScores> {
    this.calls.push({ audio, phrase });
    const held = this.held;
    if (held) await new Promise<void>((resolve) => held.push(resolve));
    if (this.scores instanceof Error) throw this.scores;
    return this.scores;
  }
  release() {
    for (const resolve of this.held?.splice(0) ?? []) resolve();
  }
  busy() {
    return this.isBusy;
  }
}

/** Frames of 1280 samples whose every sample is its frame index (so the verifier's audio shows where it came from). */
async function run(detector: VerifyingDetector, frames: number, from = 0) {
  const hits: Array<WakeDetection & { at: number }> = [];
  for (let i = from; i < from + frames; i++) {
    const hit = await detector.process({ samples: new Int16Array(1280).fill(i), startSample: i * 1280 });
    if (hit) hits.push({ ...hit, at: i });
  }
  return hits.map(({ at: _, ...hit }) => hit);
}

/** Waits for the verifier's pending promises (a background verdict) to settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * `fires`: the wake word's detections by the end of the frame they come on, each a candidate
 * or a sure detection (score 0.3 unless given).
 */
function setup(
  scores: PhraseScores | Error,
  fires: Map<number, Partial<WakeDetection>>,
  more: Partial<VerifySettings> = {},
) {
  const verifier = new FakeVerifier(scores);
  const reports: CandidateReport[] = [];
  let clock = 0;
  const settings = { beforeSeconds: 0.4, minMargin: -0.5, phraseFor: () => "Hey Jarvis", ...more };
  const detector = new VerifyingDetector(
    new FrameEndWake(fires, { score: 0.3 }),
    verifier,
    settings,
    (r) => reports.push(r),
    silentLogger(),
    () => (clock += 120),
  );
  return { detector, verifier, reports };
}

const heard = (phrase: number, text = "Hey Jarvis, turn") => ({ phrase, heard: -0.3, text });

describe("VerifyingDetector", () => {
  it("wakes on a candidate when the wake phrase wins, with the audio before and after it", async () => {
    const candidateEnd = 10 * 1280;
    const { detector, verifier, reports } = setup(
      heard(-0.4),
      new Map([[13 * 1280, { candidate: true, endSample: candidateEnd }]]),
    );
    const hits = await run(detector, 20);
    expect(hits).toEqual([{ wakeWord: "hey_jarvis", score: 0.3, endSample: candidateEnd }]);
    expect(verifier.calls).toHaveLength(1);
    const audio = verifier.calls[0]?.audio as Float32Array;
    // From 0.4 s (5 frames) before the candidate's end (frame 9's) to the newest frame (12).
    expect(audio.length).toBe(8 * 1280);
    expect(Math.round((audio[0] as number) * 32768)).toBe(5);
    expect(Math.round((audio[audio.length - 1] as number) * 32768)).toBe(12);
    expect(verifier.calls[0]?.phrase).toBe("Hey Jarvis");
    expect(reports).toEqual([
      {
        wakeWord: "hey_jarvis",
        score: 0.3,
        endSample: candidateEnd,
        outcome: "verified",
        sure: false,
        ms: 120,
        scores: heard(-0.4),
      },
    ]);
  });

  it("rejects a candidate when Whisper heard something else clearly", async () => {
    const { detector, reports } = setup(
      heard(-2.5, "Hey Travis"),
      new Map([[5 * 1280, { candidate: true }]]),
    );
    expect(await run(detector, 10)).toEqual([]);
    expect(reports.map((r) => r.outcome)).toEqual(["rejected"]);
  });

  it("rejects a candidate in which Whisper heard no words", async () => {
    for (const text of ["", " ... "]) {
      const { detector, reports } = setup(heard(-0.1, text), new Map([[5 * 1280, { candidate: true }]]));
      expect(await run(detector, 10)).toEqual([]);
      expect(reports.map((r) => r.outcome)).toEqual(["no-speech"]);
    }
  });

  it("passes sure detections without verifying them", async () => {
    const { detector, verifier, reports } = setup(heard(-9), new Map([[5 * 1280, { candidate: false }]]));
    expect(await run(detector, 10)).toHaveLength(1);
    expect(verifier.calls).toEqual([]);
    expect(reports).toEqual([]);
  });

  it("drops a candidate unverified while the verifier is busy", async () => {
    const { detector, verifier, reports } = setup(heard(-0.3), new Map([[5 * 1280, { candidate: true }]]));
    verifier.isBusy = true;
    expect(await run(detector, 10)).toEqual([]);
    expect(verifier.calls).toEqual([]);
    expect(reports).toMatchObject([{ outcome: "busy", ms: 0 }]);
  });

  it("does not wake when verification fails, and says so", async () => {
    const { detector, reports } = setup(new Error("onnx"), new Map([[5 * 1280, { candidate: true }]]));
    expect(await run(detector, 10)).toEqual([]);
    expect(reports.map((r) => r.outcome)).toEqual(["failed"]);
  });

  describe("sure detections verified too (verify_all)", () => {
    const sureAt5 = new Map([[5 * 1280, { candidate: true, sure: true, score: 0.9 }]]);

    it("turns away the model's confident mistake when Whisper heard something else", async () => {
      const { detector, reports } = setup(heard(-3, "Hey Charlie, set a timer"), sureAt5);
      expect(await run(detector, 10)).toEqual([]);
      expect(reports).toMatchObject([{ outcome: "rejected", sure: true, score: 0.9 }]);
    });

    it("holds a sure one to the lower sure margin", async () => {
      const scores = heard(-2.3, "Hey, obviously");
      const sure = setup(scores, sureAt5, { sureMargin: -2.5 });
      expect(await run(sure.detector, 10)).toHaveLength(1);
      expect(sure.reports).toMatchObject([{ outcome: "verified", sure: true }]);
      const notSure = setup(scores, new Map([[5 * 1280, { candidate: true }]]), { sureMargin: -2.5 });
      expect(await run(notSure.detector, 10)).toEqual([]);
      expect(notSure.reports).toMatchObject([{ outcome: "rejected", sure: false }]);
    });

    it("wakes on a sure one it cannot verify (busy, failed), as the single threshold would", async () => {
      const busy = setup(heard(-3), sureAt5);
      busy.verifier.isBusy = true;
      expect(await run(busy.detector, 10)).toEqual([
        { wakeWord: "hey_jarvis", score: 0.9, endSample: 5 * 1280 },
      ]);
      expect(busy.reports).toMatchObject([{ outcome: "busy", sure: true }]);
      const failed = setup(new Error("onnx"), sureAt5);
      expect(await run(failed.detector, 10)).toHaveLength(1);
      expect(failed.reports).toMatchObject([{ outcome: "failed", sure: true }]);
    });
  });

  describe("in the background (a live source)", () => {
    const at5 = new Map([[5 * 1280, { candidate: true }]]);

    it("keeps taking frames while the verdict is pending, and wakes with the first frame after it", async () => {
      const { detector, verifier, reports } = setup(heard(-0.2), at5, { background: true });
      verifier.held = [];
      expect(await run(detector, 10)).toEqual([]);
      expect(verifier.calls).toHaveLength(1);
      expect(reports).toEqual([]);
      verifier.release();
      await settle();
      // The detection keeps the candidate's position: the pipeline finds the command in its history.
      expect(await run(detector, 1, 10)).toEqual([
        { wakeWord: "hey_jarvis", score: 0.3, endSample: 5 * 1280 },
      ]);
      expect(reports.map((r) => r.outcome)).toEqual(["verified"]);
      expect(await run(detector, 5, 11)).toEqual([]);
    });

    it("drops a verdict reached after the budget (stream time) as late", async () => {
      const { detector, verifier, reports } = setup(heard(-0.2), at5, { background: true, budgetSeconds: 1 });
      verifier.held = [];
      await run(detector, 20); // 1.2 s of audio after the candidate's end
      verifier.release();
      await settle();
      expect(await run(detector, 3, 20)).toEqual([]);
      expect(reports.map((r) => r.outcome)).toEqual(["late"]);
    });

    it("reports a second candidate while one is verified as busy", async () => {
      const fires = new Map([
        [5 * 1280, { candidate: true }],
        [8 * 1280, { candidate: true }],
      ]);
      const { detector, verifier, reports } = setup(heard(-3), fires, { background: true });
      verifier.held = [];
      await run(detector, 10);
      expect(reports.map((r) => r.outcome)).toEqual(["busy"]);
      verifier.release();
      await settle();
      await run(detector, 1, 10);
      expect(reports.map((r) => r.outcome)).toEqual(["busy", "rejected"]);
      expect(verifier.calls).toHaveLength(1);
    });

    it("forgets a verdict for audio from before a reset", async () => {
      const { detector, verifier, reports } = setup(heard(-0.2), at5, { background: true });
      verifier.held = [];
      await run(detector, 8);
      detector.reset();
      verifier.release();
      await settle();
      expect(await run(detector, 5, 8)).toEqual([]);
      expect(reports).toEqual([]);
    });
  });

  it("passes a wake the embedding verifier made on its own (every_chunk) and reports it verified", async () => {
    const { detector, verifier, reports } = setup(
      heard(-0.4),
      new Map([[8 * 1280, { score: 0.01, endSample: 8 * 1280, embeddingScore: 0.999 }]]),
      { method: "embeddings" },
    );
    const hits = await run(detector, 12);
    expect(hits).toEqual([{ wakeWord: "hey_jarvis", score: 0.01, endSample: 8 * 1280 }]);
    expect(verifier.calls).toHaveLength(0);
    expect(reports).toEqual([
      {
        wakeWord: "hey_jarvis",
        score: 0.01,
        endSample: 8 * 1280,
        sure: false,
        outcome: "verified",
        embeddingScore: 0.999,
        ms: 0,
      },
    ]);
  });
});
