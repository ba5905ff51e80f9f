import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clipMels, melEndFrame, openMel } from "../../scripts/wake-mels.js";
import { ModelStore } from "../../src/models/store.js";
import { silentLogger } from "../../src/util/logger.js";
import { createEmbedder } from "../../src/wake/embedding-stream.js";
import { CHUNK_SAMPLES, MEL_HISTORY, OwwFeatures } from "../../src/wake/oww-features.js";
import { concatSamples, pinkNoise, readWav, silence } from "./listening-helpers.js";

const store = new ModelStore({ modelsDir: "models", cacheFile: null });

describe("openWakeWord front end: the staged embedding equals the whole model", () => {
  let staged: OwwFeatures;
  let whole: OwwFeatures;
  beforeAll(async () => {
    const mel = Object.values((await store.verify("oww_melspectrogram")).paths)[0] as string;
    const embedding = Object.values((await store.verify("oww_embedding")).paths)[0] as string;
    staged = await OwwFeatures.create({ mel, embedding }, 16, 1, silentLogger(), true);
    whole = await OwwFeatures.create({ mel, embedding }, 16, 1, silentLogger(), false);
  });
  afterAll(async () => {
    await staged.dispose();
    await whole.dispose();
  });

  it("runs staged (the fast path) when the model allows it", () => {
    expect(staged.streaming).toBe(true);
    expect(whole.streaming).toBe(false);
  });

  it("gives the same embeddings chunk by chunk over speech, noise and silence, and after a reset", async () => {
    const audio = concatSamples(
      readWav("test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav"),
      pinkNoise(1, 9000),
      silence(0.5),
    );
    let worst = 0;
    let chunks = 0;
    for (const pass of [0, 1]) {
      staged.reset();
      whole.reset();
      for (let i = 0; i + CHUNK_SAMPLES <= audio.length; i += CHUNK_SAMPLES) {
        const chunk = audio.subarray(i, i + CHUNK_SAMPLES);
        await staged.push(chunk);
        await whole.push(chunk);
        const a = staged.last(16);
        const b = whole.last(16);
        for (let k = 0; k < a.length; k++) {
          worst = Math.max(
            worst,
            Math.abs((a[k] as number) - (b[k] as number)) / (1 + Math.abs(b[k] as number)),
          );
        }
        chunks++;
      }
      expect(pass === 0 || chunks > 100).toBe(true);
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it("falls back to the whole model, with a warning, when the model cannot be cut into stages", async () => {
    const embedding = Object.values((await store.verify("oww_embedding")).paths)[0] as string;
    const other = Object.values((await store.verify("hey_jarvis")).paths)[0] as string;
    const warnings: string[] = [];
    const logger = { ...silentLogger(), warn: (_: unknown, msg?: string) => warnings.push(String(msg)) };
    const embedder = await createEmbedder(embedding, readFileSync(other), 1, logger as never);
    try {
      expect(embedder.streaming).toBe(false);
      expect(warnings.join()).toContain("cannot be staged");
    } finally {
      await embedder.dispose();
    }
  });

  it("keeps the mel frames the mel verifier reads: those its training computed (scripts/wake-mels.ts)", async () => {
    const audio = readWav("test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav");
    const mel = await openMel(store);
    const trained = await clipMels(mel, audio);
    await mel.release();
    staged.reset();
    // After a reset the history is frames of ones, as the embedding model's window starts.
    expect(staged.recentMels(MEL_HISTORY).every((v) => v === 1)).toBe(true);
    let worst = 0;
    let compared = 0;
    for (let i = 0; (i + 1) * CHUNK_SAMPLES <= audio.length; i++) {
      await staged.push(audio.subarray(i * CHUNK_SAMPLES, (i + 1) * CHUNK_SAMPLES));
      const end = melEndFrame(i);
      if (end < 112) continue;
      const kept = staged.recentMels(112);
      const expected = trained.subarray((end - 112) * 32, end * 32);
      for (let k = 0; k < kept.length; k++)
        worst = Math.max(worst, Math.abs((kept[k] as number) - (expected[k] as number)));
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
    expect(worst).toBeLessThan(1e-5);
  });

  it("starts from the same noise embeddings after every reset", () => {
    staged.reset();
    const first = staged.last(16).slice();
    staged.reset();
    expect(staged.last(16)).toEqual(first);
    expect(first.some((v) => v !== 0)).toBe(true);
  });
});
