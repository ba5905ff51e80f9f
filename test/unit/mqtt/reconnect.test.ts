import { describe, expect, it } from "vitest";
import { reconnectDelaySeconds } from "../../../src/mqtt/connection.js";

const defaults = { minSeconds: 0.5, maxSeconds: 60 };

/** When each retry goes out, in seconds after the connection dropped, with the longest jitter. */
function schedule(retries: number): number[] {
  let at = 0;
  return Array.from({ length: retries }, (_, attempt) => {
    at += reconnectDelaySeconds(attempt, defaults, () => 1);
    return at;
  });
}

describe("reconnect delays", () => {
  it("retries at once, then backs off only while retries keep failing", () => {
    expect(reconnectDelaySeconds(0, defaults, () => 1)).toBe(0);
    expect(reconnectDelaySeconds(1, defaults, () => 0)).toBe(0.25);
    expect(reconnectDelaySeconds(1, defaults, () => 1)).toBe(0.5);
    expect(reconnectDelaySeconds(30, defaults, () => 1)).toBe(60);
  });

  it("meets a 10 s command expiry whenever the broker is back within 5 s", () => {
    for (const backAt of [0.5, 1, 2, 3, 5]) {
      const reconnect = schedule(12).find((at) => at >= backAt) ?? Number.POSITIVE_INFINITY;
      expect(reconnect, `broker back at ${backAt} s`).toBeLessThan(8);
    }
  });
});
