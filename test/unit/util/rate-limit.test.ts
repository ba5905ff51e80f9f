import { describe, expect, it } from "vitest";
import { EventBus } from "../../../src/events/bus.js";
import { RejectionReporter } from "../../../src/events/rejections.js";
import type { PipelineEvent } from "../../../src/events/types.js";
import { TokenBucket } from "../../../src/util/token-bucket.js";

describe("TokenBucket", () => {
  it("lets a burst through, then the rate, and never more than the burst after a pause", () => {
    const bucket = new TokenBucket(2, 3);
    const at = (ms: number, n: number) =>
      Array.from({ length: n }, () => bucket.take(ms)).filter(Boolean).length;
    expect(at(0, 10)).toBe(3);
    expect(at(499, 5)).toBe(0);
    expect(at(500, 5)).toBe(1);
    expect(at(1500, 5)).toBe(2);
    expect(at(100_000, 10)).toBe(3);
  });

  it("a clock that steps back adds no tokens", () => {
    const bucket = new TokenBucket(1, 1);
    expect(bucket.take(10_000)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(10_500)).toBe(false);
    expect(bucket.take(11_000)).toBe(true);
  });
});

describe("RejectionReporter", () => {
  it("reports the first refusal at once and sums the rest into one event a second", () => {
    let now = 0;
    const scheduled: Array<{ flush: () => void; ms: number }> = [];
    const events: PipelineEvent[] = [];
    const bus = new EventBus(() => now);
    bus.onAny((e) => events.push(e));
    const reporter = new RejectionReporter({
      bus,
      site: "kitchen",
      clock: () => now,
      schedule: (flush, ms) => scheduled.push({ flush, ms }),
    });
    for (let i = 0; i < 1000; i++) {
      now = i;
      reporter.reject("rate-limited");
    }
    expect(events).toEqual([
      expect.objectContaining({ type: "input-rejected", reason: "rate-limited", count: 1 }),
    ]);
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]?.ms).toBe(1000 - 1);
    now = 1000;
    scheduled[0]?.flush();
    expect(events.map((e) => (e as { count: number }).count)).toEqual([1, 999]);
    reporter.reject("queue-full");
    expect(events.at(-1)).toMatchObject({ reason: "queue-full", count: 1 });
  });
});
