import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sentenceSpace } from "../../src/intent/create.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import type { SentenceSpaceCache } from "../../src/intent/sentence-space/cache.js";
import type { Transcriber } from "../../src/stt/transcriber.js";
import {
  HEARING_HOME,
  HEARING_PROMPT,
  loadTinyTranscriber,
  spoken,
  WITHOUT_COMMAND_PROMPT,
} from "./stt-support.js";

const HOME = HEARING_HOME;
const PROMPT = HEARING_PROMPT;

describe("guided decoding's second search, through the commands alone (whisper-tiny)", () => {
  let space: SentenceSpaceCache;
  let withSecond: Transcriber;
  let firstOnly: Transcriber;
  let prompted: Transcriber;

  beforeAll(async () => {
    space = sentenceSpace(HOME, new DeviceRegistry(HOME.devices));
    withSecond = await loadTinyTranscriber({ ...WITHOUT_COMMAND_PROMPT, guided_rescue_beam: 8 });
    firstOnly = await loadTinyTranscriber({ ...WITHOUT_COMMAND_PROMPT, guided_rescue_beam: 0 });
    prompted = await loadTinyTranscriber({ guided_rescue_beam: 8 });
  });

  afterAll(async () => {
    space.dispose();
    await withSecond.dispose();
    await firstOnly.dispose();
    await prompted.dispose();
  });

  it("'turn on the coffee maker' (en-us, reverberant): lost to 'So, now, ...' by the first search, found by the second", async () => {
    const audio = spoken("turn on the coffee maker", "en-us", "reverb");
    const guide = space.get();
    const before = await firstOnly.transcribe(audio, { prompt: PROMPT, guide });
    // "To remember coffee maker." on the CPU it was found on, "To my coffee maker." on another:
    // the int8 decoder's float parts round differently (stt/prepare/unsigned-weights.ts).
    expect(before.freeText).toMatch(/^To .*coffee maker\.$/);
    // The first search follows fillers ("So, now, the coffee maker's. Too.") far below the bar.
    expect(before.source).toBe("free");
    expect(before.guided?.why).toBe("low-score");
    const after = await withSecond.transcribe(audio, { prompt: PROMPT, guide });
    expect(after.source).toBe("grammar");
    expect(after.guided?.why).toBe("rescued");
    expect(after.text).toBe("Turn on the coffee maker.");
    expect(after.guided?.score).toBeGreaterThan(WITHOUT_COMMAND_PROMPT.guided_min_score);
    // With the command words read first (the default), the first search finds it at once.
    const now = await prompted.transcribe(audio, { prompt: PROMPT, guide });
    expect(now.text).toBe("Turn on the coffee maker.");
    expect(now.guided?.why).toBe("accepted");
  });

  it("'unlock the front door' heard as 'I like the front door.': the second search guesses no lock", async () => {
    // Held out (en-gb+m3, clean): the second search's best is "Lock, front door." at -1.29,
    // inside every threshold, and the opposite of what was asked.
    const audio = spoken("unlock the front door", "en-gb-m3", "clean");
    const guide = space.get();
    for (const transcriber of [withSecond, prompted]) {
      const result = await transcriber.transcribe(audio, { prompt: PROMPT, guide });
      expect(result.freeText).toBe("I like the front door.");
      expect(result.source).toBe("free");
      expect(guide.understands(result.text)).toBe(false);
    }
  });

  it("what is not a command stays not understood: 'tell me a joke', 'what is the weather like today'", async () => {
    const guide = space.get();
    for (const [text, voice] of [
      ["tell me a joke", "en-us"],
      ["what is the weather like today", "en-gb-x-rp-f3"],
    ] as const) {
      for (const condition of ["clean", "reverb"] as const) {
        for (const transcriber of [withSecond, prompted]) {
          const result = await transcriber.transcribe(spoken(text, voice, condition), {
            prompt: PROMPT,
            guide,
          });
          expect(result.source, `${text} ${condition}: ${result.text}`).toBe("free");
          expect(guide.understands(result.text), `${text} ${condition}: ${result.text}`).toBe(false);
        }
      }
    }
  });
});
