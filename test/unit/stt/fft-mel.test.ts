import { describe, expect, it } from "vitest";
import { FftPlan } from "../../../src/stt/fft.js";
import { LogMelSpectrogram, slaneyMelFilters } from "../../../src/stt/mel.js";

function directDft(re: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      outRe[k] = (outRe[k] as number) + (re[t] as number) * Math.cos((2 * Math.PI * k * t) / n);
      outIm[k] = (outIm[k] as number) - (re[t] as number) * Math.sin((2 * Math.PI * k * t) / n);
    }
  }
  return { re: outRe, im: outIm };
}

describe("FftPlan", () => {
  for (const size of [1, 2, 7, 12, 400, 512]) {
    it(`matches a direct DFT for n = ${size}`, () => {
      const plan = new FftPlan(size);
      const input = Float64Array.from(
        { length: size },
        (_, i) => Math.sin(i * 0.37) + ((i * 7919) % 13) / 13,
      );
      const outRe = new Float64Array(size);
      const outIm = new Float64Array(size);
      plan.transform(input, new Float64Array(size), outRe, outIm);
      const expected = directDft(input);
      for (let k = 0; k < size; k++) {
        expect(outRe[k]).toBeCloseTo(expected.re[k] as number, 9);
        expect(outIm[k]).toBeCloseTo(expected.im[k] as number, 9);
      }
    });
  }
});

describe("slaneyMelFilters", () => {
  it("builds 80 triangular filters over 201 bins, each with area-normalised peaks", () => {
    const filters = slaneyMelFilters(80, 201, 16_000);
    expect(filters).toHaveLength(80);
    for (const row of filters) {
      expect(row).toHaveLength(201);
      expect(Math.min(...row)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...row)).toBeGreaterThan(0);
    }
    // librosa.filters.mel(sr=16000, n_fft=400, n_mels=80)[0, 1] (what Whisper ships in mel_filters.npz)
    expect(filters[0]?.[1]).toBeCloseTo(0.02486259, 6);
  });
});

describe("LogMelSpectrogram", () => {
  const config = {
    featureSize: 80,
    nFft: 400,
    hopLength: 160,
    nSamples: 480_000,
    nbMaxFrames: 3000,
    samplingRate: 16_000,
  };
  const mel = new LogMelSpectrogram(config);

  it("gives [80 x 3000] features; silence is one constant value", () => {
    const features = mel.compute(new Float32Array(16_000));
    expect(features).toHaveLength(80 * 3000);
    // log10(1e-10) = -10 everywhere, clamped to max - 8 = -10, then (x + 4) / 4
    expect(new Set(features).size).toBe(1);
    expect(features[0]).toBeCloseTo(-1.5, 6);
  });

  it("puts a 1 kHz tone's energy in the mel bin around 1 kHz, and pads past the audio with the floor", () => {
    const tone = Float32Array.from(
      { length: 16_000 },
      (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16_000),
    );
    const features = mel.compute(tone);
    const frame = 50;
    const column = Array.from({ length: 80 }, (_, m) => features[m * 3000 + frame] as number);
    const peak = column.indexOf(Math.max(...column));
    // Slaney scale: 1 kHz is mel 15; the 80 bins span 0..8 kHz (mel 0..~45.2), so bin ~25.
    expect(peak).toBeGreaterThanOrEqual(23);
    expect(peak).toBeLessThanOrEqual(27);
    const max = features.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
    const min = features.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
    // Dynamic range is clamped to 8 (log10 units) below the maximum: 2 after the (x + 4) / 4 scaling.
    expect(min).toBeCloseTo(max - 2, 5);
    expect(features[10 * 3000 + 2999]).toBeCloseTo(max - 2, 5);
  });

  it("refuses more than one window of audio", () => {
    expect(() => mel.compute(new Float32Array(480_001))).toThrow(RangeError);
  });
});
