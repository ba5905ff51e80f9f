import { describe, expect, it } from "vitest";
import { AudioClock } from "../../../src/pipeline/audio-clock.js";

const S = 16000;

describe("AudioClock", () => {
  it("maps positions to capture time from the promptest frame, and late frames show as lag", () => {
    const clock = new AudioClock();
    clock.observe(1280, 1000); // a first frame that waited 20 ms in a buffer
    clock.observe(2560, 1060); // the next one handed over at once: the better anchor
    expect(clock.wallTimeOf(2560)).toBe(1060);
    expect(clock.wallTimeOf(2560 + S)).toBe(2060);
    // Two seconds stuck behind a slow stage: the frames arrive late, the mapping stays.
    clock.observe(3840, 3140);
    expect(clock.wallTimeOf(3840)).toBe(1140);
    expect(clock.lagMs(3840, 3140)).toBe(2000);
  });

  it("says nothing before the first frame", () => {
    const clock = new AudioClock();
    expect(clock.wallTimeOf(0)).toBeNaN();
    expect(clock.lagMs(0, 5)).toBe(0);
  });
});
