import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { int16ToFloat32 } from "../../src/audio/format.js";
import { readWav16kMono } from "../../src/audio/wav.js";
import { configSchema } from "../../src/config/schema.js";
import { sentenceSpace } from "../../src/intent/create.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import type { SentenceSpaceCache } from "../../src/intent/sentence-space/cache.js";
import type { Transcriber, Transcript } from "../../src/stt/transcriber.js";
import {
  FIXTURE_HOME_PROMPT,
  fixtureAudio,
  loadTinyTranscriber,
  WITHOUT_COMMAND_PROMPT,
} from "./stt-support.js";

/** The home the fixtures speak to (stt-support.ts's prompt), with the domains the templates need. */
const HOME = configSchema.parse({
  devices: [
    { id: "kitchen_light", name: "kitchen light", area: "kitchen", domain: "light" },
    { id: "living_room_lamp", name: "living room lamp", area: "living room", domain: "light" },
    { id: "bedroom_light", name: "bedroom light", area: "bedroom", domain: "light" },
    { id: "thermostat", name: "thermostat", area: "hallway", domain: "climate" },
    { id: "front_door", name: "front door", area: "hallway", domain: "lock" },
  ].map((d) => ({ ...d, command_topic: `home/${d.id}/set` })),
});

/** Where the first pause of at least 0.3 s after speech begins (20 ms frames quieter than -40 dBFS). */
function firstPause(audio: Float32Array): number {
  const frame = 320;
  let spoke = false;
  let quietFrom = -1;
  for (let start = 0; start + frame <= audio.length; start += frame) {
    let energy = 0;
    for (let i = start; i < start + frame; i++) energy += (audio[i] as number) ** 2;
    const loud = Math.sqrt(energy / frame) > 0.01;
    if (loud) {
      spoke = true;
      quietFrom = -1;
    } else if (spoke && quietFrom < 0) quietFrom = start;
    if (quietFrom >= 0 && start + frame - quietFrom >= 0.3 * 16_000) return quietFrom;
  }
  throw new Error("no pause in the clip");
}

async function negativeAudio(name: string): Promise<Float32Array> {
  return int16ToFloat32((await readWav16kMono(`test/fixtures/wav/negative/${name}.wav`)).samples);
}

describe("grammar-guided decoding (whisper-tiny, espeak-ng fixtures)", () => {
  let transcriber: Transcriber;
  let space: SentenceSpaceCache;
  const transcribe = (audio: Float32Array): Promise<Transcript> =>
    transcriber.transcribe(audio, { prompt: FIXTURE_HOME_PROMPT, guide: space.get() });

  beforeAll(async () => {
    transcriber = await loadTinyTranscriber();
    space = sentenceSpace(HOME, new DeviceRegistry(HOME.devices));
    transcriber.prepareGuide?.(space.get());
  });

  afterAll(async () => {
    space.dispose();
    await transcriber.dispose();
  });

  it("hears a command free decoding gets wrong: 'Like the front door.' -> 'Lock the front door.'", async () => {
    // Under the bar the command words were calibrated with before the default's -1.0: the guess
    // scores -1.07 on one CPU and above -1.0 on another (the int8 decoder's float parts round
    // differently), and this test is about finding the sentence, not the bar.
    const lower = await loadTinyTranscriber({ guided_min_score: -1.4 });
    const result = await lower.transcribe(await fixtureAudio("lock-front-door"), {
      prompt: FIXTURE_HOME_PROMPT,
      guide: space.get(),
    });
    await lower.dispose();
    expect(result.freeText).toBe("Like the front door.");
    expect(result.source).toBe("grammar");
    expect(result.text).toBe("Lock the front door.");
    expect(result.guided?.score).toBeGreaterThan(-1.4);
  });

  it("hears the timer: 'Time for five minutes.' -> a timer for five minutes (without the command words)", async () => {
    const audio = await fixtureAudio("timer-five-minutes");
    const withoutPrompt = await loadTinyTranscriber({ ...WITHOUT_COMMAND_PROMPT });
    const result = await withoutPrompt.transcribe(audio, { prompt: FIXTURE_HOME_PROMPT, guide: space.get() });
    await withoutPrompt.dispose();
    expect(result.freeText).toBe("Time for five minutes.");
    expect(result.source).toBe("grammar");
    expect(result.text.toLowerCase()).toMatch(/timer for five minutes/);
    // Read after the command words (the default), the guess ("timer for five minutes.") is
    // just under their bar: the clip is refused, not misheard (docs/stt.md, session 12).
    const now = await transcribe(audio);
    expect(now.guided?.text).toMatch(/timer for five minutes/i);
    expect(now.guided?.why).toBe("low-score");
    expect(now.source).toBe("free");
  });

  it("leaves a free text the templates understand alone, without a guided pass", async () => {
    const result = await transcribe(await fixtureAudio("turn-on-kitchen-light"));
    expect(result.source).toBe("free");
    expect(result.text).toBe("Turn on the kitchen light.");
    expect(result.guided?.why).toBe("understood");
    expect(result.guided?.text).toBeUndefined();
  });

  it("hears the time question, once out of grammar, as a sentence of the space (issue 15)", async () => {
    const result = await transcribe(await negativeAudio("what-time-is-it"));
    expect(space.get().understands(result.text), JSON.stringify(result.guided)).toBe(true);
  });

  for (const name of ["weather-sentence"]) {
    it(`does not force out-of-grammar speech into a command (${name})`, async () => {
      const result = await transcribe(await negativeAudio(name));
      expect(result.source).toBe("free");
      expect(result.text).toBe(result.freeText);
      expect(result.guided?.why).not.toBe("accepted");
    });
  }

  it("keeps the free text when the guided pass fails", async () => {
    const real = space.get();
    const broken = {
      ...real,
      understands: (text: string) => real.understands(text),
      contradicts: (a: string, b: string) => real.contradicts(a, b),
      isSensitive: (text: string) => real.isSensitive(text),
      meaning: (text: string) => real.meaning(text),
      constraint: {
        ...real.constraint,
        step: (): never => {
          throw new Error("broken graph");
        },
      },
    };
    const result = await transcriber.transcribe(await fixtureAudio("lock-front-door"), {
      prompt: FIXTURE_HOME_PROMPT,
      guide: broken,
    });
    expect(result.text).toBe("Like the front door.");
    expect(result.source).toBe("free");
    expect(result.guided?.why).toBe("failed");
  });

  it("early endpoint: a whole command is whole, the words before a mid-command pause are not", async () => {
    const whole = await transcribe(await fixtureAudio("turn-on-kitchen-light"));
    expect(space.get().isWhole(whole.text)).toBe(true);
    const paused = await fixtureAudio("bedroom-light-pause-forty-percent");
    const beforePause = await transcribe(paused.subarray(0, firstPause(paused)));
    expect(beforePause.text).not.toBe("");
    expect(space.get().isWhole(beforePause.text)).toBe(false);
  });

  it("decodes freely when no guide is given", async () => {
    const result = await transcriber.transcribe(await fixtureAudio("lock-front-door"), {
      prompt: FIXTURE_HOME_PROMPT,
    });
    expect(result.text).toBe("Like the front door.");
    expect(result.source).toBeUndefined();
  });
});
