import { describe, expect, it } from "vitest";
import type { AudioFrame } from "../../../src/audio/format.js";
import { silentLogger } from "../../../src/util/logger.js";
import type { VadWindow, VoiceActivityDetector } from "../../../src/vad/detector.js";
import type { WakeDetection } from "../../../src/wake/detector.js";
import { VadGatedDetector } from "../../../src/wake/vad-gate.js";
import { FrameEndWake, firesAt } from "../../support/fake-stages.js";

/** The wake word fires on the frames ending at `ends`, reporting `endSample` there. */
const wakeAt = (...ends: number[]) => new FrameEndWake(firesAt(...ends), { wakeWord: "hey_fake" });

/** "Speech" = any sample louder than 1000 in a 512-sample window; records what it was given. */
class FakeVad implements VoiceActivityDetector {
  calls: Array<{ startSample: number; length: number }> = [];
  resets = 0;
  async process(frame: AudioFrame): Promise<VadWindow[]> {
    this.calls.push({ startSample: frame.startSample, length: frame.samples.length });
    const out: VadWindow[] = [];
    for (let i = 0; i + 512 <= frame.samples.length; i += 512) {
      const loud = frame.samples.subarray(i, i + 512).some((s) => Math.abs(s) > 1000);
      out.push({ endSample: frame.startSample + i + 512, probability: loud ? 0.95 : 0.02 });
    }
    return out;
  }
  reset() {
    this.resets++;
  }
  async dispose() {}
}

/** 80 ms frames; the ones overlapping [loudFrom, loudTo) seconds hold a loud square wave. */
async function run(gate: VadGatedDetector, seconds: number, loudFrom = -1, loudTo = -1) {
  const hits: WakeDetection[] = [];
  for (let start = 0; start < seconds * 16000; start += 1280) {
    const samples = Int16Array.from({ length: 1280 }, (_, i) => {
      const t = (start + i) / 16000;
      return t >= loudFrom && t < loudTo ? (i % 40 < 20 ? 8000 : -8000) : 0;
    });
    const hit = await gate.process({ samples, startSample: start });
    if (hit) hits.push(hit);
  }
  return hits;
}

const settings = { threshold: 0.5, lookbackSeconds: 1 };

describe("VadGatedDetector", () => {
  it("passes a detection when the second before it held speech", async () => {
    const vad = new FakeVad();
    const gate = new VadGatedDetector(wakeAt(32000), vad, settings, silentLogger());
    expect(await run(gate, 3, 1.2, 1.8)).toEqual([{ wakeWord: "hey_fake", score: 0.9, endSample: 32000 }]);
    // The VAD looked at exactly the second before the detection's end, from a fresh state.
    expect(vad.calls).toEqual([{ startSample: 16000, length: 16000 }]);
    expect(vad.resets).toBe(2);
  });

  it("drops a detection with no speech in the second before it", async () => {
    const gate = new VadGatedDetector(wakeAt(32000), new FakeVad(), settings, silentLogger());
    expect(await run(gate, 3, 0, 0.9)).toEqual([]);
  });

  it("looks only as far back as audio was kept since the last reset", async () => {
    const vad = new FakeVad();
    const gate = new VadGatedDetector(wakeAt(6400), vad, settings, silentLogger());
    expect(await run(gate, 1, 0, 0.3)).toHaveLength(1);
    expect(vad.calls).toEqual([{ startSample: 0, length: 6400 }]);
  });

  it("reset() resets the wake detector and the VAD, and forgets kept audio", async () => {
    const wake = wakeAt();
    const vad = new FakeVad();
    const gate = new VadGatedDetector(wake, vad, settings, silentLogger());
    gate.reset();
    expect(wake.resets).toBe(1);
    expect(vad.resets).toBe(1);
    expect(gate.engine).toBe("fake");
    expect(gate.wakeWords).toEqual(["hey_fake"]);
  });
});
