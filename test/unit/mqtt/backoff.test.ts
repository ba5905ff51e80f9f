import { describe, expect, it } from "vitest";
import { reconnectDelaySeconds } from "../../../src/mqtt/backoff.js";

describe("reconnectDelaySeconds", () => {
  const policy = { minSeconds: 1, maxSeconds: 60 };
  it("doubles from the minimum, caps at the maximum, and jitters within the upper half", () => {
    expect([0, 1, 2, 3].map((a) => reconnectDelaySeconds(a, policy, () => 0))).toEqual([0.5, 1, 2, 4]);
    expect([0, 1, 2, 3].map((a) => reconnectDelaySeconds(a, policy, () => 0.999999))).toEqual(
      [1, 2, 4, 8].map((s) => expect.closeTo(s, 4)),
    );
    expect(reconnectDelaySeconds(10, policy, () => 1)).toBe(60);
    expect(reconnectDelaySeconds(10_000, policy, () => 0)).toBe(30);
  });
});
