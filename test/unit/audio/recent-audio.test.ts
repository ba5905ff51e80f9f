import { describe, expect, it } from "vitest";
import { RecentAudio } from "../../../src/audio/recent-audio.js";

const frame = (startSample: number, values: number[]) => ({ startSample, samples: Int16Array.from(values) });

describe("RecentAudio", () => {
  it("keeps the newest samples up to its capacity, addressed by stream position", () => {
    const recent = new RecentAudio(5);
    recent.push(frame(0, [1, 2, 3]));
    recent.push(frame(3, [4, 5, 6]));
    expect([recent.start, recent.end]).toEqual([1, 6]);
    expect(Array.from(recent.read(0))).toEqual([2, 3, 4, 5, 6]);
    expect(Array.from(recent.read(2, 4))).toEqual([3, 4]);
    expect(Array.from(recent.read(6))).toEqual([]);
  });

  it("keeps only the end of a frame longer than its capacity", () => {
    const recent = new RecentAudio(2);
    recent.push(frame(10, [1, 2, 3, 4]));
    expect(Array.from(recent.read(0))).toEqual([3, 4]);
    expect(recent.start).toBe(12);
  });

  it("starts afresh at a gap in the stream or when cleared, never joining audio that was not contiguous", () => {
    const recent = new RecentAudio(8);
    recent.push(frame(0, [1, 2]));
    recent.push(frame(5, [7, 8]));
    expect(Array.from(recent.read(0))).toEqual([7, 8]);
    recent.clear();
    expect(Array.from(recent.read(0))).toEqual([]);
    recent.push(frame(7, [9]));
    expect(Array.from(recent.read(0))).toEqual([9]);
  });
});
