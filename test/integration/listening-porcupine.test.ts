import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { ModelStore } from "../../src/models/store.js";
import { silentLogger } from "../../src/util/logger.js";
import { createWakeWordDetector } from "../../src/wake/create.js";
import type { WakeDetection } from "../../src/wake/detector.js";
import { currentPlatform } from "../../src/wake/porcupine.js";
import { ACCESS_KEY_ENV } from "../../src/wake/porcupine-access.js";
import { porcupineSupport } from "../../src/wake/porcupine-platform.js";
import { concatSamples, framesOf, pinkNoise, readWav, silence } from "./listening-helpers.js";

/**
 * Porcupine detection needs a valid AccessKey (validated online at start) and a platform it
 * ships a library for; CI has neither key nor internet, so this runs only where both exist:
 *   PICOVOICE_ACCESS_KEY=... npx vitest run test/integration/listening-porcupine.test.ts
 */
const canRun = Boolean(process.env[ACCESS_KEY_ENV]) && porcupineSupport(currentPlatform()).supported;

describe.runIf(canRun)("Porcupine detection (needs $PICOVOICE_ACCESS_KEY and internet)", () => {
  it("hears the built-in 'jarvis' keyword in speech and nothing in noise", async () => {
    const config = configSchema.parse({
      wake: { engine: "porcupine", porcupine: { keywords: [{ keyword: "jarvis", sensitivity: 0.7 }] } },
    });
    const store = new ModelStore({ modelsDir: "models", cacheFile: null });
    const d = await createWakeWordDetector(config, store, silentLogger(), { env: process.env });
    try {
      const run = async (samples: Int16Array) => {
        d.reset();
        const hits: WakeDetection[] = [];
        for (const frame of framesOf(samples)) {
          const hit = await d.process(frame);
          if (hit) hits.push(hit);
        }
        return hits;
      };
      const speech = concatSamples(
        silence(1),
        readWav("test/fixtures/wav/negative/jarvis-turn-on-light.wav"),
      );
      const hits = await run(speech);
      expect(hits.length).toBeGreaterThanOrEqual(1);
      expect(hits[0]?.wakeWord).toBe("jarvis");
      expect(hits[0]?.endSample).toBeLessThan(2.5 * 16000);
      expect(await run(concatSamples(pinkNoise(4, 9000), silence(1)))).toEqual([]);
    } finally {
      await d.dispose();
    }
  });
});
