import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWav16kMono } from "../../src/audio/wav.js";
import { configSchema } from "../../src/config/schema.js";
import { ModelStore } from "../../src/models/store.js";
import { silentLogger } from "../../src/util/logger.js";
import { createWakeWordDetector } from "../../src/wake/create.js";
import { OpenWakeWordDetector } from "../../src/wake/openwakeword.js";
import {
  openWakeSelfTested,
  readWakeExpectation,
  runWakeSelfTest,
  WAKE_SELF_TEST_CLIP,
} from "../../src/wake/self-test.js";
import { flattenLargestWeight } from "../support/onnx-damage.js";

const store = new ModelStore({ modelsDir: "models", cacheFile: null });
const first = async (id: string) => Object.values((await store.verify(id)).paths)[0] as string;
let root: string;
let brokenJarvis: string;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "wake-self-test-"));
  // hey_jarvis's classifier with its largest weight flattened: it loads, and scores nonsense.
  brokenJarvis = path.join(root, "hey_jarvis_broken.onnx");
  copyFileSync(await first("hey_jarvis"), brokenJarvis);
  flattenLargestWeight(brokenJarvis);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A real openWakeWord detector holding one classifier file under the id `id`. */
async function detectorOf(id: string, file: string, safeKernels: boolean): Promise<OpenWakeWordDetector> {
  return OpenWakeWordDetector.create({
    models: [{ id, path: file, threshold: 0.5, triggerLevel: 1, refractorySeconds: 2 }],
    melPath: await first("oww_melspectrogram"),
    embeddingPath: await first("oww_embedding"),
    threads: 1,
    logger: silentLogger(),
    safeKernels,
  });
}

describe("the wake word's start-up self-test on the real models", () => {
  it("every bundled model scores the shipped clip as recorded, with either kernels", async () => {
    const expected = readWakeExpectation();
    const ids = Object.keys(expected.scores);
    const { samples } = await readWav16kMono(WAKE_SELF_TEST_CLIP);
    for (const safeKernels of [false, true]) {
      const d = await OpenWakeWordDetector.create({
        models: await Promise.all(
          ids.map(async (id) => ({
            id,
            path: await first(id),
            threshold: 0.5,
            triggerLevel: 1,
            refractorySeconds: 2,
          })),
        ),
        melPath: await first("oww_melspectrogram"),
        embeddingPath: await first("oww_embedding"),
        threads: 1,
        logger: silentLogger(),
        safeKernels,
      });
      try {
        const result = await runWakeSelfTest(d, ids, samples, expected);
        expect(result.mismatches).toEqual([]);
        expect(result.peaks.hey_jarvis).toBeGreaterThan(0.5);
      } finally {
        await d.dispose();
      }
    }
  });

  it("passes the default config, and a custom-only config through the hey_jarvis canary", async () => {
    const defaults = await createWakeWordDetector(configSchema.parse({}), store, silentLogger(), { env: {} });
    await defaults.dispose();
    const custom = configSchema.parse({
      wake: { models: [{ id: "mine", path: await first("hey_jarvis") }] },
    });
    const mine = await createWakeWordDetector(custom, store, silentLogger(), { env: {} });
    expect(mine.wakeWords).toEqual(["mine"]);
    await mine.dispose();
  });

  it("refuses a deliberately broken hey_jarvis model: exit 78 naming the CPU and the stage", async () => {
    const opened: boolean[] = [];
    const plan = {
      open: (safe: boolean) => {
        opened.push(safe);
        return detectorOf("hey_jarvis", brokenJarvis, safe);
      },
      checked: ["hey_jarvis"],
      openCanary: () => Promise.reject(new Error("not used")),
    };
    await expect(openWakeSelfTested(plan, "Test CPU (x64)", silentLogger())).rejects.toMatchObject({
      code: "wake-self-test-failed",
      exitCode: 78,
      message: expect.stringMatching(/wake word scores wrong on this CPU \(Test CPU \(x64\)\).*hey_jarvis/),
    });
    // Tried once as loaded, once with the portable kernels.
    expect(opened).toEqual([false, true]);
  });
});
