import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { ModelStore } from "../../src/models/store.js";
import { silentLogger } from "../../src/util/logger.js";
import { createWakeWordDetector } from "../../src/wake/create.js";
import type { WakeWordDetector } from "../../src/wake/detector.js";
import type { CandidateReport } from "../../src/wake/verifying-detector.js";
import { detections, readWav } from "./listening-helpers.js";

// The mel verifier (wake.verifier.mel, on by default) on the real openWakeWord models and the
// bundled network, no Whisper. "hey jarvis, close the garage door" (en-us, a benchmark voice no
// training clip has) under five talkers at 5 dB: openWakeWord and the embedding verifier hear
// too little of it (the stages without the mel verifier miss it); the mel verifier hears it. The
// near-misses stay asleep with it on. (negative/jarvis-in-sentence.wav is not among them: the
// embedding verifier on its own wakes on its "Jarvis", with or without the mel verifier.) Not every babble
// clip wakes: docs/listening.md has the rates on the benchmark's held-out voices.
const BABBLE5 = "test/fixtures/wav/wake-babble/en-us--3--babble5.wav";
/** Where its wake phrase ends (scripts/make-wake-fixtures.ts manifest). */
const BABBLE5_WAKE_END_MS = 1492;
const ASLEEP = [
  "wake-verify/near--en-029--hey-charlie-set-a-timer.wav",
  "wake-verify/near--en-gb-scotland--hey-charlie-set-a-timer.wav",
  "wake-verify/near--en-gb-x-rp-f3--hey-travis-turn-on-the-light.wav",
  "wake-verify/near--en-us--hey-travis-turn-on-the-light.wav",
  "wake-verify/near--en-us-f3--hey-travis-turn-on-the-light.wav",
  "negative/hey-there-travis.wav",
  "negative/weather-sentence.wav",
];
const store = new ModelStore({ modelsDir: "models", cacheFile: null });
const noWhisper = (reports: CandidateReport[]) => ({
  port: null,
  phraseFor: () => "Hey Jarvis",
  report: (c: CandidateReport) => reports.push(c),
});

describe("the wake word among other talkers: the mel verifier beside the embedding verifier", () => {
  const reports: CandidateReport[] = [];
  let withMel: WakeWordDetector;
  let withoutMel: WakeWordDetector;
  beforeAll(async () => {
    const config = (mel: boolean) => configSchema.parse({ wake: { verifier: { enabled: true, mel } } });
    withMel = await createWakeWordDetector(config(true), store, silentLogger(), {
      verifier: noWhisper(reports),
      env: {},
    });
    withoutMel = await createWakeWordDetector(config(false), store, silentLogger(), {
      verifier: noWhisper([]),
      env: {},
    });
  }, 120_000);
  afterAll(async () => {
    await withMel?.dispose();
    await withoutMel?.dispose();
  });

  it("is on by default", () => {
    expect(configSchema.parse({}).wake.verifier.mel).toBe(true);
  });

  it(`wakes at the phrase on ${BABBLE5}, which the stages without it miss`, async () => {
    expect(await detections(withoutMel, readWav(BABBLE5))).toEqual([]);
    reports.length = 0;
    const found = await detections(withMel, readWav(BABBLE5));
    expect(found).toHaveLength(1);
    const endMs = ((found[0]?.endSample ?? 0) / 16_000) * 1000;
    expect(endMs).toBeGreaterThan(BABBLE5_WAKE_END_MS - 300);
    expect(endMs).toBeLessThan(BABBLE5_WAKE_END_MS + 1000);
    expect(reports).toMatchObject([{ sure: false, outcome: "verified" }]);
    expect(reports[0]?.melScore).toBeGreaterThanOrEqual(0.98);
    // The embedding verifier's own verdict is reported as it was: it did not hear the phrase.
    expect(reports[0]?.embeddingScore).toBeLessThan(0.999);
  }, 120_000);

  for (const file of ASLEEP) {
    it(`stays asleep on ${file}`, async () => {
      expect(await detections(withMel, readWav(`test/fixtures/wav/${file}`))).toEqual([]);
    }, 60_000);
  }
});
