import { readFileSync } from "node:fs";
import { type AudioFrame, FRAME_SAMPLES, SAMPLE_RATE } from "../../src/audio/format.js";
import type { WakeDetection, WakeWordDetector } from "../../src/wake/detector.js";

/** Reads a 16 kHz mono s16 PCM WAV (the fixtures' format); throws on anything else. */
export function readWav(file: string): Int16Array {
  const buf = readFileSync(file);
  if (buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE") {
    throw new Error(`${file}: not a WAV file`);
  }
  let pos = 12;
  let format: { channels: number; rate: number; bits: number } | null = null;
  while (pos + 8 <= buf.length) {
    const id = buf.toString("ascii", pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === "fmt ") {
      format = {
        channels: buf.readUInt16LE(body + 2),
        rate: buf.readUInt32LE(body + 4),
        bits: buf.readUInt16LE(body + 14),
      };
    } else if (id === "data") {
      if (format?.channels !== 1 || format.rate !== SAMPLE_RATE || format.bits !== 16) {
        throw new Error(`${file}: expected 16 kHz mono s16, got ${JSON.stringify(format)}`);
      }
      const samples = new Int16Array(Math.floor(Math.min(size, buf.length - body) / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(body + i * 2);
      return samples;
    }
    pos = body + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

/** Splits samples into AudioFrames of `size` samples (the last may be shorter), starting at `start`. */
export function* framesOf(samples: Int16Array, size = FRAME_SAMPLES, start = 0): Generator<AudioFrame> {
  for (let i = 0; i < samples.length; i += size) {
    yield { samples: samples.subarray(i, i + size), startSample: start + i };
  }
}

export function concatSamples(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function silence(seconds: number): Int16Array {
  return new Int16Array(Math.round(seconds * SAMPLE_RATE));
}

/** Seeded generator so noise fixtures repeat exactly. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** White noise, uniform, at the given peak amplitude (of 32767). */
export function whiteNoise(seconds: number, peak: number, seed = 1): Int16Array {
  const next = random(seed);
  const out = silence(seconds);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((next() * 2 - 1) * peak);
  return out;
}

/** Pink (1/f) noise by Paul Kellet's refined filter over white noise, scaled to the given peak. */
export function pinkNoise(seconds: number, peak: number, seed = 2): Int16Array {
  const next = random(seed);
  const raw = new Float64Array(Math.round(seconds * SAMPLE_RATE));
  let b0 = 0,
    b1 = 0,
    b2 = 0,
    b3 = 0,
    b4 = 0,
    b5 = 0,
    b6 = 0;
  let max = 0;
  for (let i = 0; i < raw.length; i++) {
    const w = next() * 2 - 1;
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    const v = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
    raw[i] = v;
    max = Math.max(max, Math.abs(v));
  }
  return Int16Array.from(raw, (v) => Math.round((v / max) * peak));
}

/** A sine sweeping exponentially from `from` to `to` Hz. */
export function toneSweep(seconds: number, from: number, to: number, peak: number): Int16Array {
  const out = silence(seconds);
  const k = Math.log(to / from) / seconds;
  for (let i = 0; i < out.length; i++) {
    const t = i / SAMPLE_RATE;
    const phase = (2 * Math.PI * from * (Math.exp(k * t) - 1)) / k;
    out[i] = Math.round(Math.sin(phase) * peak);
  }
  return out;
}

/** Position (in samples) just after the last sample louder than `level`: where speech ends. */
export function speechEnd(samples: Int16Array, level = 500): number {
  for (let i = samples.length - 1; i >= 0; i--) if (Math.abs(samples[i] as number) > level) return i + 1;
  return 0;
}

/** Every detection `d` makes over `samples` fed in frames (from a reset detector). */
export async function detections(d: WakeWordDetector, samples: Int16Array, frameSize?: number) {
  d.reset();
  const found: WakeDetection[] = [];
  for (const frame of framesOf(samples, frameSize)) {
    const hit = await d.process(frame);
    if (hit) found.push(hit);
  }
  return found;
}
