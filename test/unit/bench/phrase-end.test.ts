import { describe, expect, it } from "vitest";
import { phraseEndInBreath } from "../../../scripts/phrase-end.js";

const RATE = 16000;

/** Sounds one after another: [frequency in Hz (0: silence), seconds], with two harmonics. */
function sounds(...parts: [number, number][]): Int16Array {
  const out: number[] = [];
  for (const [hz, seconds] of parts)
    for (let i = 0; i < Math.round(seconds * RATE); i++) {
      const t = i / RATE;
      const wave = hz === 0 ? 0 : Math.sin(2 * Math.PI * hz * t) + 0.5 * Math.sin(4 * Math.PI * hz * t);
      out.push(Math.round(6000 * wave));
    }
  return Int16Array.from(out);
}

const ms = (samples: number) => (samples / RATE) * 1000;

describe("phraseEndInBreath: the wake phrase's end when the command runs on from it (scripts/phrase-end.ts)", () => {
  it("finds the end earlier when the last sound is shorter in one breath, as espeak-ng says it", () => {
    // Alone: the last sound held 300 ms, ending at 800 ms. In one breath it lasts 150 ms and the
    // command's first sound follows at once, so the phrase ends at 650 ms.
    const alone = sounds([0, 0.3], [400, 0.2], [1500, 0.3], [0, 0.5]);
    const breath = sounds([0, 0.3], [400, 0.2], [1500, 0.15], [3000, 0.6], [0, 0.3]);
    expect(Math.abs(ms(phraseEndInBreath(alone, 0.8 * RATE, breath)) - 650)).toBeLessThanOrEqual(30);
  });

  it("keeps the alone end when the phrase is said the same way before the command", () => {
    const alone = sounds([0, 0.3], [400, 0.2], [1500, 0.3], [0, 0.5]);
    const breath = sounds([0, 0.3], [400, 0.2], [1500, 0.3], [3000, 0.6], [0, 0.3]);
    expect(Math.abs(ms(phraseEndInBreath(alone, 0.8 * RATE, breath)) - 800)).toBeLessThanOrEqual(30);
  });

  it("follows a phrase said faster throughout", () => {
    const alone = sounds([0, 0.3], [400, 0.3], [1500, 0.3], [0, 0.5]);
    const breath = sounds([0, 0.3], [400, 0.2], [1500, 0.2], [3000, 0.6], [0, 0.3]);
    expect(Math.abs(ms(phraseEndInBreath(alone, 0.9 * RATE, breath)) - 700)).toBeLessThanOrEqual(30);
  });
});
