import { describe, expect, it } from "vitest";
import type { AudioFrame } from "../../src/audio/format.js";
import { silentLogger } from "../../src/util/logger.js";
import type { WakeDetection } from "../../src/wake/detector.js";
import type { PhraseScores, PhraseVerifier } from "../../src/wake/verifier.js";
import { type CandidateReport, VerifyingDetector } from "../../src/wake/verifying-detector.js";
import { FakeWake, kitchenOn } from "../support/fake-stages.js";
import { ends, runSetup, S, types } from "../support/pipeline-setup.js";

/** The fake wake word's detections as candidates (a score under the threshold), counted frames and all. */
class CandidateWake extends FakeWake {
  override async process(frame: AudioFrame): Promise<WakeDetection | null> {
    const detection = await super.process(frame);
    return detection && { ...detection, score: 0.3, candidate: true };
  }
}

/** Whisper verifying, answering only when the test says so (a slow board). */
class HeldVerifier implements PhraseVerifier {
  #release: Array<() => void> = [];
  constructor(private readonly scores: PhraseScores) {}
  async scorePhrase(): Promise<PhraseScores> {
    await new Promise<void>((resolve) => this.#release.push(resolve));
    return this.scores;
  }
  busy = () => false;
  get waiting(): number {
    return this.#release.length;
  }
  release(): void {
    for (const resolve of this.#release.splice(0)) resolve();
  }
}

function setup(scores: PhraseScores) {
  const wake = new CandidateWake([1 * S]);
  const verifier = new HeldVerifier(scores);
  const reports: CandidateReport[] = [];
  const settings = { beforeSeconds: 1.5, minMargin: -1.5, phraseFor: () => "Hey Jarvis", background: true };
  const verifying = new VerifyingDetector(wake, verifier, settings, (r) => reports.push(r), silentLogger());
  return { ...runSetup({ wake: verifying }), wake, verifier, reports };
}

/**
 * The wake word's verifier off the frame path: frames keep flowing while a candidate is
 * verified, and a verified one starts a run at the wake word's end, its command read back
 * from the history.
 */
describe("a wake word candidate verified in the background", () => {
  it("lets frames flow meanwhile, then runs the command said while it was verified", async () => {
    const { pipeline, events, commands, transcriber, wake, verifier, feed } = setup({
      phrase: -0.2,
      heard: -0.3,
      text: "Hey Jarvis, turn on",
    });
    // The command (1.2-2.5 s) is said while Whisper verifies the candidate at 1 s.
    await feed(0, 2);
    expect(verifier.waiting).toBe(1);
    expect(wake.frames).toBe(Math.ceil((2 * S) / 1280));
    expect(types(events)).not.toContain("run-start");
    verifier.release();
    await feed(2, 6);
    await pipeline.finish();
    expect(commands.published).toEqual([kitchenOn]);
    expect(ends(events)).toEqual([["run-1", "published"]]);
    expect(events.find((e) => e.type === "wake_word-end")).toMatchObject({ wakeWord: "hey_jarvis" });
    // Whisper heard the whole command, from the pre-roll before the wake word's end on.
    expect(transcriber.calls[0]?.samples).toBeGreaterThanOrEqual(1.3 * S);
  });

  it("starts no run when Whisper heard something else", async () => {
    const { pipeline, events, commands, verifier, reports, feed } = setup({
      phrase: -4,
      heard: -0.3,
      text: "Hey Charlie, turn on",
    });
    await feed(0, 2);
    verifier.release();
    await feed(2, 6);
    await pipeline.finish();
    expect(commands.published).toEqual([]);
    expect(types(events)).not.toContain("run-start");
    expect(reports.map((r) => r.outcome)).toEqual(["rejected"]);
  });
});
