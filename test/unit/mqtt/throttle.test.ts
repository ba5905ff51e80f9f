import { describe, expect, it } from "vitest";
import { LeadingThrottle } from "../../../src/mqtt/throttle.js";

/** A clock and timer the test moves by hand. */
function fakeTime() {
  let now = 0;
  const due: Array<{ at: number; run: () => void; cancelled: boolean }> = [];
  return {
    now: () => now,
    schedule: (run: () => void, delayMs: number) => {
      const entry = { at: now + delayMs, run, cancelled: false };
      due.push(entry);
      return () => {
        entry.cancelled = true;
      };
    },
    advance(ms: number) {
      now += ms;
      for (const entry of due.splice(0).sort((a, b) => a.at - b.at)) {
        if (entry.at <= now) {
          if (!entry.cancelled) entry.run();
        } else due.push(entry);
      }
    },
  };
}

describe("LeadingThrottle (homeassistant/status, issue 13 item 12)", () => {
  it("2,000 requests in a second give one run at once and one at the end of the interval", () => {
    const time = fakeTime();
    const throttle = new LeadingThrottle(5000, time.now, time.schedule);
    let runs = 0;
    for (let i = 0; i < 2000; i++) {
      throttle.request(() => runs++);
      time.advance(0.5);
    }
    expect(runs).toBe(1);
    time.advance(3999);
    expect(runs).toBe(1);
    time.advance(1);
    expect(runs).toBe(2);
    time.advance(60_000);
    expect(runs).toBe(2);
  });

  it("a request after a quiet interval runs at once; dispose cancels a pending run", () => {
    const time = fakeTime();
    const throttle = new LeadingThrottle(5000, time.now, time.schedule);
    let runs = 0;
    throttle.request(() => runs++);
    time.advance(6000);
    throttle.request(() => runs++);
    expect(runs).toBe(2);
    throttle.request(() => runs++);
    throttle.dispose();
    time.advance(10_000);
    expect(runs).toBe(2);
  });
});
