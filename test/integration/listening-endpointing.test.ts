import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_RATE } from "../../src/audio/format.js";
import { configSchema } from "../../src/config/schema.js";
import { ModelStore } from "../../src/models/store.js";
import { silentLogger } from "../../src/util/logger.js";
import { createVad } from "../../src/vad/create.js";
import type { VadWindow, VoiceActivityDetector } from "../../src/vad/detector.js";
import { type EndpointEvent, Endpointer, endpointerSettings } from "../../src/vad/endpointer.js";
import { createWakeWordDetector } from "../../src/wake/create.js";
import { concatSamples, framesOf, pinkNoise, readWav, silence, speechEnd } from "./listening-helpers.js";

const WAV = "test/fixtures/wav";
const config = configSchema.parse({});
const store = new ModelStore({ modelsDir: "models", cacheFile: null });

/** Runs VAD + Endpointer over `samples` as one run starting at `start`; returns the events. */
async function endpoint(
  vad: VoiceActivityDetector,
  samples: Int16Array,
  start = 0,
): Promise<EndpointEvent[]> {
  vad.reset();
  const endpointer = new Endpointer(endpointerSettings(config.vad));
  const events: EndpointEvent[] = [];
  for (const frame of framesOf(samples.subarray(start), 1280, start)) {
    for (const w of await vad.process(frame)) {
      events.push(...endpointer.feed((w.endSample - start) / SAMPLE_RATE, w.probability));
    }
  }
  return events;
}

async function probabilities(vad: VoiceActivityDetector, samples: Int16Array, frameSize: number) {
  vad.reset();
  const out: VadWindow[] = [];
  for (const frame of framesOf(samples, frameSize)) out.push(...(await vad.process(frame)));
  return out;
}

describe("Silero VAD v5", () => {
  let vad: VoiceActivityDetector;
  beforeAll(async () => {
    vad = await createVad(config.vad, store, silentLogger());
  });
  afterAll(() => vad.dispose());

  it("scores speech high and silence and noise low, per 512-sample window", async () => {
    const speech = readWav(`${WAV}/commands/turn-on-kitchen-light.wav`);
    const audio = concatSamples(silence(1), speech, pinkNoise(1, 3000));
    const windows = await probabilities(vad, audio, 1280);
    expect(windows.map((w) => w.endSample)).toEqual(windows.map((_, i) => (i + 1) * 512));
    const during = (from: number, to: number) =>
      windows.filter((w) => w.endSample > from * SAMPLE_RATE && w.endSample <= to * SAMPLE_RATE);
    const speechSeconds = speech.length / SAMPLE_RATE;
    expect(Math.max(...during(0, 1).map((w) => w.probability))).toBeLessThan(0.1);
    const inSpeech = during(1.2, 1 + speechSeconds - 0.3).map((w) => w.probability);
    expect(inSpeech.filter((p) => p > 0.5).length / inSpeech.length).toBeGreaterThan(0.8);
    expect(Math.max(...during(1 + speechSeconds + 0.3, 99).map((w) => w.probability))).toBeLessThan(0.35);
  });

  it("gives the same windows whatever the frame size, and the same again after reset()", async () => {
    const audio = readWav(`${WAV}/commands/lock-front-door.wav`);
    const a = await probabilities(vad, audio, 1280);
    const b = await probabilities(vad, audio, 777);
    const c = await probabilities(vad, audio, 1280);
    expect(b.map((w) => w.endSample)).toEqual(a.map((w) => w.endSample));
    b.forEach((w, i) => {
      expect(w.probability).toBeCloseTo(a[i]?.probability ?? -1, 5);
    });
    expect(c).toEqual(a);
  });
});

describe("endpointing real commands (Silero v5 + Endpointer, default settings)", () => {
  let vad: VoiceActivityDetector;
  beforeAll(async () => {
    vad = await createVad(config.vad, store, silentLogger());
  });
  afterAll(() => vad.dispose());

  const commands = readdirSync(`${WAV}/commands`);
  for (const file of commands) {
    it(`ends ${file} where its speech ends`, async () => {
      const speech = readWav(`${WAV}/commands/${file}`);
      const events = await endpoint(vad, concatSamples(silence(0.3), speech, silence(2)));
      const end = events.find((e) => e.type === "end");
      const spokenEnd = (0.3 * SAMPLE_RATE + speechEnd(speech)) / SAMPLE_RATE;
      expect(events[0]?.type).toBe("speech-start");
      expect(end).toMatchObject({ reason: "silence" });
      expect(Math.abs((end?.seconds ?? 0) - spokenEnd)).toBeLessThan(0.2);
    });
  }

  it("bridges the pause inside a command instead of ending there", async () => {
    const speech = readWav(`${WAV}/commands/bedroom-light-pause-forty-percent.wav`);
    const events = await endpoint(vad, concatSamples(speech, silence(2)));
    expect(events.map((e) => e.type)).toEqual([
      "speech-start",
      "silence-start",
      "speech-resume",
      "silence-start",
      "end",
    ]);
    expect(events.at(-1)?.seconds).toBeGreaterThan(speechEnd(speech) / SAMPLE_RATE - 0.2);
  });

  it("ends a command that runs on at max_command_seconds", async () => {
    const long = readWav(`${WAV}/negative/jarvis-in-sentence.wav`);
    const talk = concatSamples(long, long, long, long, silence(1));
    const endpointer = new Endpointer({ ...endpointerSettings(config.vad), maxCommandSeconds: 3 });
    vad.reset();
    const events: EndpointEvent[] = [];
    for (const frame of framesOf(talk)) {
      for (const w of await vad.process(frame))
        events.push(...endpointer.feed(w.endSample / SAMPLE_RATE, w.probability));
    }
    const end = events.find((e) => e.type === "end");
    expect(end?.type === "end" && end.reason).toBe("max-length");
    expect(end?.seconds).toBeLessThan(4);
  });

  it("ends as no-speech when only silence and noise follow", async () => {
    const events = await endpoint(vad, concatSamples(silence(2), pinkNoise(4, 2000)));
    expect(events).toEqual([{ type: "no-speech", seconds: expect.closeTo(5, 1) }]);
  });
});

describe("wake word, then endpointing from the wake word's end (e2e fixtures)", () => {
  for (const file of ["hey-jarvis-kitchen-on.wav", "hey-jarvis-kitchen-on-nopause.wav"]) {
    it(`${file}: wakes once, then the command ends where its speech ends`, async () => {
      const wake = await createWakeWordDetector(config, store, silentLogger(), { env: {} });
      const vad = await createVad(config.vad, store, silentLogger());
      try {
        const audio = concatSamples(silence(1), readWav(`${WAV}/e2e/${file}`));
        let runStart: number | null = null;
        for (const frame of framesOf(audio)) {
          const hit = await wake.process(frame);
          if (hit) {
            expect(runStart).toBeNull();
            runStart = hit.endSample;
          }
        }
        expect(runStart).not.toBeNull();
        const events = await endpoint(vad, audio, runStart ?? 0);
        const end = events.find((e) => e.type === "end");
        expect(end).toMatchObject({ reason: "silence" });
        const commandEnd = (speechEnd(audio) - (runStart ?? 0)) / SAMPLE_RATE;
        expect(Math.abs((end?.seconds ?? 0) - commandEnd)).toBeLessThan(0.2);
      } finally {
        await wake.dispose();
        await vad.dispose();
      }
    });
  }
});
