import { describe, expect, it } from "vitest";
import type { WakeDetection, WakeWordDetector } from "../../../src/wake/detector.js";
import { SureCandidates } from "../../../src/wake/sure-candidates.js";
import { FrameEndWake } from "../../support/fake-stages.js";

/** Porcupine's way: score 1, fires on the frames ending at `ends`, its keyword ending 100 samples before. */
const fakePorcupine = (...ends: number[]) =>
  new FrameEndWake(new Map(ends.map((end) => [end, { endSample: end - 100 }])), {
    engine: "porcupine",
    wakeWord: "jarvis",
    score: 1,
  });

async function feed(d: WakeWordDetector, frames: number, from = 0) {
  const out: Array<WakeDetection & { at: number }> = [];
  for (let i = from; i < from + frames; i++) {
    const hit = await d.process({ samples: new Int16Array(1280), startSample: i * 1280 });
    if (hit) out.push({ ...hit, at: i });
  }
  return out;
}

describe("SureCandidates (Porcupine under the verifier)", () => {
  it("hands each detection out as a sure candidate once the after-window has been heard", async () => {
    const d = new SureCandidates(fakePorcupine(5 * 1280), 3000);
    // Detection ends at 5*1280-100 = 6300; frames end at 7680, 8960, 10240: 10240 - 6300 >= 3000.
    expect(await feed(d, 12)).toEqual([
      { wakeWord: "jarvis", score: 1, endSample: 6300, candidate: true, sure: true, at: 7 },
    ]);
    expect(d.engine).toBe("porcupine");
    expect(d.wakeWords).toEqual(["jarvis"]);
  });

  it("makes one candidate of detections that come while one is held", async () => {
    const d = new SureCandidates(fakePorcupine(5 * 1280, 6 * 1280), 3000);
    expect((await feed(d, 12)).map((h) => h.at)).toEqual([7]);
  });

  it("forgets a held detection on reset", async () => {
    const inner = fakePorcupine(5 * 1280);
    const d = new SureCandidates(inner, 3000);
    await feed(d, 6);
    d.reset();
    expect(inner.resets).toBe(1);
    expect(await feed(d, 6, 6)).toEqual([]);
  });
});
