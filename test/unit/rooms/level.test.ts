import { describe, expect, it } from "vitest";
import { speechLevel } from "../../../src/rooms/level.js";
import { prng } from "../../support/mixed-audio.js";

/** `seconds` of noise at `noiseDb` dBFS, then `speechSeconds` of a tone at `speechDb` dBFS RMS over the same noise. */
function audio(noiseDb: number, speechDb: number, seconds = 2, speechSeconds = 0.8): Int16Array {
  const random = prng(3);
  const total = Math.round((seconds + speechSeconds) * 16000);
  const out = new Int16Array(total);
  const noise = 10 ** (noiseDb / 20) * Math.sqrt(3); // uniform noise of that RMS
  const tone = 10 ** (speechDb / 20) * Math.SQRT2; // a sine of that RMS
  for (let i = 0; i < total; i++) {
    let value = (random() * 2 - 1) * noise;
    if (i >= seconds * 16000) value += tone * Math.sin((2 * Math.PI * 440 * i) / 16000);
    out[i] = Math.round(Math.max(-1, Math.min(1, value)) * 32767);
  }
  return out;
}

describe("speechLevel: how loud the wake word was over this board's noise", () => {
  it("measures the phrase's level and its height over the noise floor", () => {
    const near = speechLevel(audio(-60, -20), 0.8 * 16000);
    expect(near.dbfs).toBeGreaterThan(-21);
    expect(near.dbfs).toBeLessThan(-19);
    expect(near.snr).toBeGreaterThan(38);
    expect(near.snr).toBeLessThan(42);
  });

  it("ranks the nearer board higher even when its microphone gain is lower", () => {
    const nearQuietMic = speechLevel(audio(-70, -35), 0.8 * 16000);
    const farLoudMic = speechLevel(audio(-40, -25), 0.8 * 16000);
    expect(nearQuietMic.dbfs).toBeLessThan(farLoudMic.dbfs);
    expect(nearQuietMic.snr).toBeGreaterThan(farLoudMic.snr);
  });

  it("digital silence and too little audio give the floor, not -Infinity or NaN", () => {
    expect(speechLevel(new Int16Array(16000), 8000)).toEqual({ dbfs: -96, snr: 0 });
    expect(speechLevel(new Int16Array(100), 8000)).toEqual({ dbfs: -96, snr: 0 });
  });
});
