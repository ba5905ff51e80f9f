import { describe, expect, it } from "vitest";
import { backoffSeconds } from "../../../src/util/backoff.js";

const policy = { initialSeconds: 1, maxSeconds: 30 };

describe("backoffSeconds", () => {
  it("doubles from the initial delay up to the cap (without jitter: random = 1)", () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10, 1000].map((a) => backoffSeconds(a, policy, () => 1));
    expect(delays).toEqual([1, 2, 4, 8, 16, 30, 30, 30, 30]);
  });

  it("jitters within the upper half of the planned delay", () => {
    expect(backoffSeconds(3, policy, () => 0)).toBe(4);
    expect(backoffSeconds(3, policy, () => 0.5)).toBe(6);
    expect(backoffSeconds(10, policy, () => 0)).toBe(15);
    for (let i = 0; i < 100; i++) {
      const d = backoffSeconds(i % 8, policy, Math.random);
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThanOrEqual(30);
    }
  });

  it("stays finite and capped for absurd attempt numbers and a bad random source", () => {
    expect(backoffSeconds(1e9, policy, () => 2)).toBe(30);
    expect(backoffSeconds(-5, policy, () => -1)).toBe(0.5);
    expect(backoffSeconds(Number.MAX_SAFE_INTEGER, { ...policy, factor: 3 }, () => 1)).toBe(30);
  });
});
