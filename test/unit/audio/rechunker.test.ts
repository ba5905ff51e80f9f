import { describe, expect, it } from "vitest";
import { Rechunker } from "../../../src/audio/rechunker.js";

const ramp = (start: number, n: number) => Int16Array.from({ length: n }, (_, i) => (start + i) % 30000);

function collect(r: Rechunker, frames: Array<{ startSample: number; length: number }>) {
  const out: Array<{ first: number; endSample: number; afterGap: boolean }> = [];
  for (const f of frames) {
    for (const w of r.windows({ samples: ramp(f.startSample, f.length), startSample: f.startSample })) {
      out.push({ first: w.samples[0] as number, endSample: w.endSample, afterGap: w.afterGap });
    }
  }
  return out;
}

describe("Rechunker", () => {
  it("cuts 1280-sample frames into 512-sample windows with exact end positions", () => {
    const frames = [0, 1280, 2560].map((s) => ({ startSample: s, length: 1280 }));
    expect(collect(new Rechunker(512), frames)).toEqual(
      [512, 1024, 1536, 2048, 2560, 3072, 3584].map((end) => ({
        first: end - 512,
        endSample: end,
        afterGap: false,
      })),
    );
  });

  it("joins short frames and splits long ones the same way", () => {
    const short = Array.from({ length: 10 }, (_, i) => ({ startSample: i * 300, length: 300 }));
    const long = [{ startSample: 0, length: 3000 }];
    expect(collect(new Rechunker(1280), short)).toEqual(collect(new Rechunker(1280), long));
    expect(collect(new Rechunker(1280), long).map((w) => w.endSample)).toEqual([1280, 2560]);
  });

  it("drops a partial window at a gap and flags the first window after it", () => {
    const out = collect(new Rechunker(512), [
      { startSample: 0, length: 700 },
      { startSample: 5000, length: 600 },
    ]);
    expect(out).toEqual([
      { first: 0, endSample: 512, afterGap: false },
      { first: 5000, endSample: 5512, afterGap: true },
    ]);
  });

  it("reset() forgets the partial window and the expected position", () => {
    const r = new Rechunker(512);
    expect(collect(r, [{ startSample: 0, length: 500 }])).toEqual([]);
    r.reset();
    expect(collect(r, [{ startSample: 100, length: 512 }])).toEqual([
      { first: 100, endSample: 612, afterGap: false },
    ]);
  });
});
