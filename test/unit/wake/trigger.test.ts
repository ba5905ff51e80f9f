import { describe, expect, it } from "vitest";
import { Trigger, type TriggerSettings } from "../../../src/wake/trigger.js";

/** Feeds one score per 80 ms chunk; returns the end samples of the chunks that fired. */
function fires(scores: number[], settings: Partial<TriggerSettings> = {}, trigger?: Trigger) {
  const t =
    trigger ?? new Trigger({ threshold: 0.5, triggerLevel: 1, refractorySamples: 32000, ...settings });
  return scores.flatMap((s, i) => (t.update(s, (i + 1) * 1280) ? [(i + 1) * 1280] : []));
}

describe("Trigger", () => {
  const cases: Array<[string, number[], Partial<TriggerSettings>, number[]]> = [
    ["fires on the first chunk at the threshold", [0.1, 0.5, 0.9, 0.2], {}, [2560]],
    ["fires once per run of high scores", [0.9, 0.9, 0.9, 0.9], { refractorySamples: 0 }, [1280]],
    ["needs triggerLevel consecutive chunks", [0.9, 0.1, 0.9, 0.9, 0.9], { triggerLevel: 3 }, [6400]],
    ["a single high chunk does not reach level 2", [0.1, 0.95, 0.1, 0.2], { triggerLevel: 2 }, []],
    [
      "a second run within the refractory period is ignored",
      [0.9, 0, 0, 0.9],
      { refractorySamples: 5000 },
      [1280],
    ],
    [
      "a second run after the refractory period fires",
      [0.9, 0, 0, 0, 0.9],
      { refractorySamples: 5000 },
      [1280, 6400],
    ],
    ["scores below the threshold never fire", [0.49, 0.3, 0.49], {}, []],
  ];
  for (const [name, scores, settings, expected] of cases) {
    it(name, () => expect(fires(scores, settings)).toEqual(expected));
  }

  it("reset() clears the count and the refractory period", () => {
    const t = new Trigger({ threshold: 0.5, triggerLevel: 2, refractorySamples: 1e9 });
    expect(t.update(0.9, 1280)).toBe(false);
    t.reset();
    expect(t.update(0.9, 2560)).toBe(false);
    expect(t.update(0.9, 3840)).toBe(true);
    t.reset();
    expect(t.update(0.9, 5120)).toBe(false);
    expect(t.update(0.9, 6400)).toBe(true);
  });
});
