import { describe, expect, it } from "vitest";
import type { AudioFrame } from "../../../src/audio/format.js";
import { silentLogger } from "../../../src/util/logger.js";
import type { WakeDetection, WakeWordDetector } from "../../../src/wake/detector.js";
import type { PhraseScores, PhraseVerifier } from "../../../src/wake/verifier.js";
import { type CandidateReport, VerifyingDetector } from "../../../src/wake/verifying-detector.js";

/** Fires on the frames ending at the given samples: a candidate or a sure detection. */
class FakeWake implements WakeWordDetector {
  readonly engine = "fake";
  readonly wakeWords = ["hey_jarvis"];
  constructor(private readonly fires: Map<number, { candidate: boolean; endSample?: number }>) {}
  async process(frame: AudioFrame): Promise<WakeDetection | null> {
    const end = frame.startSample + frame.samples.length;
    const fire = this.fires.get(end);
    if (!fire) return null;
    const detection: WakeDetection = { wakeWord: "hey_jarvis", score: 0.3, endSample: fire.endSample ?? end };
    if (fire.candidate) detection.candidate = true;
    return detection;
  }
  reset() {}
  async dispose() {}
}

class FakeVerifier implements PhraseVerifier {
  calls: Array<{ audio: Float32Array; phrase: string }> = [];
  isBusy = false;
  constructor(private readonly scores: PhraseScores | Error) {}
  async scorePhrase(audio: Float32Array, phrase: string): Promise<PhraseScores> {
    this.calls.push({ audio, phrase });
    if (this.scores instanceof Error) throw this.scores;
    return this.scores;
  }
  busy() {
    return this.isBusy;
  }
}

/** Frames of 1280 samples whose every sample is its frame index (so the verifier's audio shows where it came from). */
async function run(detector: VerifyingDetector, frames: number) {
  const hits: WakeDetection[] = [];
  for (let i = 0; i < frames; i++) {
    const hit = await detector.process({ samples: new Int16Array(1280).fill(i), startSample: i * 1280 });
    if (hit) hits.push(hit);
  }
  return hits;
}

function setup(scores: PhraseScores | Error, fires: Map<number, { candidate: boolean; endSample?: number }>) {
  const verifier = new FakeVerifier(scores);
  const reports: CandidateReport[] = [];
  let clock = 0;
  const settings = { beforeSeconds: 0.4, minMargin: -0.5, phraseFor: () => "Hey Jarvis" };
  const detector = new VerifyingDetector(
    new FakeWake(fires),
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

  it("rejects a candidate in which Whisper heard no speech", async () => {
    const { detector, reports } = setup(heard(-0.1, ""), new Map([[5 * 1280, { candidate: true }]]));
    expect(await run(detector, 10)).toEqual([]);
    expect(reports.map((r) => r.outcome)).toEqual(["no-speech"]);
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
});
