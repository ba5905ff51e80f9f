import { describe, expect, it } from "vitest";
import { FRAME_SAMPLES } from "../../../src/audio/format.js";
import { Framer } from "../../../src/audio/framer.js";
import { S16leDecoder } from "../../../src/audio/s16le.js";

function ramp(from: number, length: number): Int16Array {
  return Int16Array.from({ length }, (_, i) => (from + i) % 32768);
}

describe("Framer", () => {
  it("cuts arbitrary chunks into FRAME_SAMPLES frames with exact start samples", () => {
    const framer = new Framer();
    const sizes = [1, 999, 1280, 3, 2557, 4000, 17];
    const frames = [];
    let fed = 0;
    for (const size of sizes) {
      frames.push(...framer.push(ramp(fed, size)));
      fed += size;
    }
    const last = framer.flush();
    expect(last).toBeDefined();
    frames.push(last as NonNullable<typeof last>);

    expect(frames.map((f) => f.startSample)).toEqual(frames.map((_, i) => i * FRAME_SAMPLES));
    for (const frame of frames.slice(0, -1)) expect(frame.samples.length).toBe(FRAME_SAMPLES);
    expect(frames.at(-1)?.samples.length).toBe(fed % FRAME_SAMPLES);
    // Every sample arrives once, in order.
    const all = frames.flatMap((f) => Array.from(f.samples));
    expect(all).toEqual(Array.from(ramp(0, fed)));
  });

  it("emits nothing at the end when the input is a whole number of frames", () => {
    const framer = new Framer();
    expect(framer.push(new Int16Array(FRAME_SAMPLES * 2))).toHaveLength(2);
    expect(framer.flush()).toBeUndefined();
  });

  it("frames do not share memory with the caller's chunk or with each other", () => {
    const framer = new Framer();
    const chunk = new Int16Array(FRAME_SAMPLES * 2).fill(5);
    const [a, b] = framer.push(chunk);
    chunk.fill(9);
    expect(a?.samples[0]).toBe(5);
    expect(b?.samples.buffer).not.toBe(a?.samples.buffer);
  });

  it("continues from a given start and leaves a gap for a discarded partial frame", () => {
    const framer = new Framer(10_000);
    expect(framer.push(new Int16Array(FRAME_SAMPLES + 100))[0]?.startSample).toBe(10_000);
    framer.discard();
    expect(framer.position).toBe(10_000 + FRAME_SAMPLES + 100);
    const next = new Framer(framer.position).push(new Int16Array(FRAME_SAMPLES));
    expect(next[0]?.startSample).toBe(10_000 + FRAME_SAMPLES + 100);
  });
});

describe("S16leDecoder", () => {
  it("decodes little-endian samples across chunks split at odd bytes", () => {
    const samples = [0, 1, -1, 32767, -32768, 258, -12345];
    const bytes = Buffer.alloc(samples.length * 2);
    for (const [i, s] of samples.entries()) bytes.writeInt16LE(s, i * 2);
    for (const cuts of [[1], [3, 4], [1, 2, 3, 5, 7, 9, 11, 13], [13]]) {
      const decoder = new S16leDecoder();
      const out: number[] = [];
      let at = 0;
      for (const cut of [...cuts, bytes.length]) {
        out.push(...decoder.decode(bytes.subarray(at, cut)));
        at = cut;
      }
      expect(out, `cuts ${cuts}`).toEqual(samples);
      expect(decoder.hasPartialSample).toBe(false);
    }
  });

  it("holds an odd trailing byte and forgets it on reset", () => {
    const decoder = new S16leDecoder();
    expect(Array.from(decoder.decode(Uint8Array.from([1, 0, 2])))).toEqual([1]);
    expect(decoder.hasPartialSample).toBe(true);
    expect(Array.from(decoder.decode(Uint8Array.from([1])))).toEqual([258]);
    decoder.decode(Uint8Array.from([7]));
    decoder.reset();
    expect(Array.from(decoder.decode(Uint8Array.from([3, 0])))).toEqual([3]);
  });

  it("reads chunks at odd byte offsets inside a larger buffer", () => {
    const backing = Buffer.from([9, 4, 0, 5, 0]);
    expect(Array.from(new S16leDecoder().decode(backing.subarray(1)))).toEqual([4, 5]);
  });
});
