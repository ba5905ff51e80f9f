import { describe, expect, it } from "vitest";
import { WakeTail } from "../../../src/pipeline/wake-tail.js";

const W = 512;

/** Feeds windows of the given probabilities after a detection at 16000; returns the final command start. */
function run(probabilities: number[], initialStart = 12000): number {
  const tail = new WakeTail(16000, 0.35);
  let start = initialStart;
  probabilities.forEach((p, i) => {
    start = tail.feed({ endSample: 16000 + (i + 1) * W, probability: p }, start);
  });
  return start;
}

const speech = (n: number) => Array<number>(n).fill(0.9);
const quiet = (n: number) => Array<number>(n).fill(0.05);

describe("WakeTail: where the command starts after an early wake detection", () => {
  it.each([
    [
      "the wake word's tail, a pause, then the command",
      [...speech(8), ...quiet(6), ...speech(20)],
      16000 + 12 * W,
    ],
    ["a pause right after the detection, then the command", [...quiet(5), ...speech(20)], 16000 + 4 * W],
    ["speech running on with no pause keeps the earlier start", speech(40), 12000],
    ["a dip shorter than 0.1 s is not a pause", [...speech(6), ...quiet(2), ...speech(30)], 12000],
    ["a pause after 0.6 s is part of the command", [...speech(20), ...quiet(6), ...speech(10)], 12000],
    [
      "a later pause inside the command does not move the start",
      [...quiet(4), ...speech(6), ...quiet(5), ...speech(6)],
      16000 + 4 * W,
    ],
    [
      "the start moves once, at the first 0.1 s of a pause",
      [...speech(3), ...quiet(12), ...speech(6)],
      16000 + 7 * W,
    ],
  ])("%s", (_name, probabilities, expected) => {
    expect(run(probabilities)).toBe(expected);
  });
});
