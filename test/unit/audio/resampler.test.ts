import { describe, expect, it } from "vitest";
import { CaptureConverter } from "../../../src/audio/capture-converter.js";
import { StreamingResampler } from "../../../src/audio/resampler.js";
import { decodeWav16kMono } from "../../../src/audio/wav.js";
import { buildWav, rms } from "./helpers.js";

/** A deterministic pseudo-random chunking, 1..max samples. */
function* chunkSizes(seed: number, max: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1103515245 + 12345) % 2147483648;
    yield 1 + (state % max);
  }
}

function tone(rate: number, seconds: number, hz: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(rate * seconds) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate),
  );
}

async function convertInChunks(
  input: Float32Array,
  rate: number,
  seed: number,
  max: number,
): Promise<Float32Array> {
  const resampler = await StreamingResampler.create(rate, 16000);
  const parts: number[] = [];
  const sizes = chunkSizes(seed, max);
  for (let at = 0; at < input.length; ) {
    const size = sizes.next().value as number;
    parts.push(...resampler.process(input.subarray(at, at + size)));
    at += size;
  }
  parts.push(...resampler.finish());
  resampler.dispose();
  return Float32Array.from(parts);
}

describe("StreamingResampler", () => {
  it.each([48000, 44100, 8000])(
    "gives the same audio chunk by chunk as in one piece (%i Hz), of exact length",
    async (rate) => {
      const input = tone(rate, 1.5, 440);
      const whole = await convertInChunks(input, rate, 1, input.length);
      const expected = Math.round((input.length * 16000) / rate);
      expect(whole.length).toBe(expected);
      for (const [seed, max] of [
        [7, 3840],
        [11, 17],
        [13, 40000],
      ] as const) {
        const chunked = await convertInChunks(input, rate, seed, max);
        expect(chunked.length).toBe(expected);
        let worst = 0;
        for (let i = 0; i < expected; i++)
          worst = Math.max(worst, Math.abs((chunked[i] as number) - (whole[i] as number)));
        expect(worst).toBeLessThan(1e-4);
      }
    },
  );

  it("keeps the signal aligned and its level (a 440 Hz tone stays a 440 Hz tone of the same amplitude)", async () => {
    const out = await convertInChunks(tone(48000, 1, 440), 48000, 3, 3840);
    const ideal = tone(16000, 1, 440);
    let err = 0;
    for (let i = 800; i < out.length - 800; i++)
      err = Math.max(err, Math.abs((out[i] as number) - (ideal[i] as number)));
    expect(err).toBeLessThan(1e-3);
  });

  it("passes equal rates through and refuses audio after finish()", async () => {
    const same = await StreamingResampler.create(16000, 16000);
    const input = tone(16000, 0.1, 300);
    expect(same.process(input)).toEqual(input);
    expect(same.finish()).toHaveLength(0);
    expect(() => same.process(input)).toThrow(/after finish/);
    same.dispose();
    same.dispose();
  });
});

describe("CaptureConverter", () => {
  it("turns 48 kHz stereo recorder bytes, split anywhere, into what the WAV path makes of the same audio", async () => {
    const frames = 48000;
    const pcm = Buffer.alloc(frames * 4);
    for (let i = 0; i < frames; i++) {
      pcm.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * 500 * i) / 48000)), i * 4);
      pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 1300 * i) / 48000)), i * 4 + 2);
    }
    const converter = await CaptureConverter.create(48000, 2);
    const out: number[] = [];
    const sizes = chunkSizes(5, 999);
    for (let at = 0; at < pcm.length; ) {
      const size = sizes.next().value as number;
      out.push(...converter.push(pcm.subarray(at, at + size)));
      at += size;
    }
    converter.dispose();
    const viaWav = (await decodeWav16kMono(buildWav({ sampleRate: 48000, channels: 2, data: pcm }), "x.wav"))
      .samples;
    // The stream has no end-of-input flush, so it lags the file by the filter delay only at its end.
    expect(out.length).toBeGreaterThan(viaWav.length - 100);
    let worst = 0;
    for (let i = 0; i < out.length; i++)
      worst = Math.max(worst, Math.abs((out[i] as number) - (viaWav[i] as number)));
    expect(worst).toBeLessThanOrEqual(2);
    expect(rms(Int16Array.from(out), 1000, 15000)).toBeGreaterThan(4000);
  });

  it("is a plain s16le decoder at 16 kHz mono", async () => {
    const converter = await CaptureConverter.create(16000, 1);
    expect(Array.from(converter.push(Uint8Array.from([1, 0, 0xff])))).toEqual([1]);
    expect(Array.from(converter.push(Uint8Array.from([0x7f])))).toEqual([32767]);
  });
});
