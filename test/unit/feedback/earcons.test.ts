import { describe, expect, it } from "vitest";
import { EARCON_RATE, type Earcon, synthesizeEarcon } from "../../../src/feedback/earcons.js";

/** Power of one frequency in a stretch of samples (Goertzel). */
function power(samples: Int16Array, hz: number, rate = EARCON_RATE): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

describe("earcons", () => {
  it.each<Earcon>(["wake", "done", "error", "timer"])("%s is short, soft and click-free", (earcon) => {
    const samples = synthesizeEarcon(earcon);
    expect(samples.length / EARCON_RATE).toBeGreaterThan(0.15);
    expect(samples.length / EARCON_RATE).toBeLessThan(0.5);
    const peak = Math.max(...Array.from(samples, Math.abs));
    expect(peak).toBeGreaterThan(0.25 * 32767);
    expect(peak).toBeLessThanOrEqual(Math.ceil(0.3 * 32767));
    expect(Math.abs(samples[0] ?? 1)).toBeLessThan(200);
    expect(Math.abs(samples[samples.length - 1] ?? 1)).toBeLessThan(200);
  });

  it("wake rises (C6 then G6) and error falls (A4 then F4)", () => {
    const wake = synthesizeEarcon("wake");
    const firstWake = wake.subarray(0, Math.round(0.07 * EARCON_RATE));
    const lastWake = wake.subarray(Math.round(0.1 * EARCON_RATE));
    expect(power(firstWake, 1046.5)).toBeGreaterThan(10 * power(firstWake, 1568));
    expect(power(lastWake, 1568)).toBeGreaterThan(10 * power(lastWake, 1046.5));
    const error = synthesizeEarcon("error");
    const firstError = error.subarray(0, Math.round(0.12 * EARCON_RATE));
    const lastError = error.subarray(Math.round(0.15 * EARCON_RATE));
    expect(power(firstError, 440)).toBeGreaterThan(10 * power(firstError, 349.2));
    expect(power(lastError, 349.2)).toBeGreaterThan(10 * power(lastError, 440));
  });

  it("are the same every time (synthesized, not random)", () => {
    expect(synthesizeEarcon("done")).toEqual(synthesizeEarcon("done"));
  });
});
