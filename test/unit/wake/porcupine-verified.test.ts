import { describe, expect, it } from "vitest";
import { configSchema } from "../../../src/config/schema.js";
import { ModelStore } from "../../../src/models/store.js";
import { silentLogger } from "../../../src/util/logger.js";
import { createWakeWordDetector } from "../../../src/wake/create.js";
import type { WakeDetection } from "../../../src/wake/detector.js";
import type { PorcupineEngine } from "../../../src/wake/porcupine.js";
import type { PhraseScores } from "../../../src/wake/verifier.js";
import type { CandidateReport } from "../../../src/wake/verifying-detector.js";

const store = new ModelStore({ modelsDir: "models", cacheFile: null });

/** The native engine's stand-in: fires on the 512-sample frame holding sample 16000 (1 s in). */
function fakeEngine(): PorcupineEngine {
  let seen = 0;
  return {
    frameLength: 512,
    sampleRate: 16000,
    process(frame) {
      const start = seen;
      seen += frame.length;
      return start <= 16000 && 16000 < seen ? 0 : -1;
    },
    release() {},
  };
}

/**
 * Porcupine (fake engine, "jarvis") with Whisper's place taken by fixed scores; 3 s of frames
 * of silence, so without the VAD gate (which would hear no speech before the detection).
 */
async function listen(verifier: Record<string, unknown>, scores: PhraseScores) {
  const config = configSchema.parse({
    wake: {
      vad_gate: false,
      engine: "porcupine",
      porcupine: { access_key: "k" },
      verifier: { enabled: true, verify_all: true, ...verifier },
    },
  });
  const phrases: string[] = [];
  const reports: CandidateReport[] = [];
  const wake = await createWakeWordDetector(config, store, silentLogger(), {
    env: {},
    platform: { platform: "linux", arch: "x64", cpuInfo: null },
    porcupine: () => fakeEngine(),
    verifier: {
      port: {
        scorePhrase: async (_audio, phrase) => {
          phrases.push(phrase);
          return scores;
        },
        busy: () => false,
      },
      phraseFor: (w) => w.charAt(0).toUpperCase() + w.slice(1),
      report: (r) => reports.push(r),
    },
  });
  const hits: WakeDetection[] = [];
  for (let start = 0; start < 48000; start += 1280) {
    const hit = await wake.process({ samples: new Int16Array(1280), startSample: start });
    if (hit) hits.push(hit);
  }
  await wake.dispose();
  return { hits, phrases, reports };
}

describe("Porcupine under the wake verifier (verify_all)", () => {
  it("wakes when Whisper hears the keyword", async () => {
    const { hits, phrases, reports } = await listen({}, { phrase: -0.2, heard: -0.3, text: "Jarvis, lock" });
    expect(hits).toEqual([{ wakeWord: "jarvis", score: 1, endSample: 16384 }]);
    expect(phrases).toEqual(["Jarvis"]);
    expect(reports).toMatchObject([{ outcome: "verified", sure: true }]);
  });

  it("turns the detection away when Whisper heard something else", async () => {
    const { hits, reports } = await listen({}, { phrase: -4, heard: -0.3, text: "Charlie, lock" });
    expect(hits).toEqual([]);
    expect(reports).toMatchObject([{ outcome: "rejected", sure: true }]);
  });

  it("passes its detections unverified with verify_all off, as before", async () => {
    const { hits, phrases } = await listen({ verify_all: false }, { phrase: -4, heard: -0.3, text: "x" });
    expect(hits).toEqual([{ wakeWord: "jarvis", score: 1, endSample: 16384 }]);
    expect(phrases).toEqual([]);
  });
});
