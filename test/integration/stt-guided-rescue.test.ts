import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validate } from "../../src/config/load.js";
import { sentenceSpace } from "../../src/intent/create.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import type { SentenceSpaceCache } from "../../src/intent/sentence-space/space.js";
import { vocabularyPrompt } from "../../src/stt/prompt.js";
import type { Transcriber } from "../../src/stt/transcriber.js";
import { loadTinyTranscriber, spoken } from "./stt-support.js";

// The hearing fixtures' home (examples/home.yaml), its devices as the daemon prompts Whisper.
const HOME = validate(parse(readFileSync("examples/home.yaml", "utf8")));
const PROMPT = vocabularyPrompt(HOME.devices, HOME.stt.initial_prompt);

describe("guided decoding's second search, through the commands alone (whisper-tiny)", () => {
  let space: SentenceSpaceCache;
  let withSecond: Transcriber;
  let firstOnly: Transcriber;
  let unprompted: Transcriber;

  beforeAll(async () => {
    space = sentenceSpace(HOME, new DeviceRegistry(HOME.devices));
    withSecond = await loadTinyTranscriber({});
    firstOnly = await loadTinyTranscriber({ guided_rescue_beam: 0 });
    unprompted = await loadTinyTranscriber({ guided_rescue_prompt: "" });
  });

  afterAll(async () => {
    space.dispose();
    await withSecond.dispose();
    await firstOnly.dispose();
    await unprompted.dispose();
  });

  it("'turn on the coffee maker' (en-us, reverberant): lost to 'So, now, ...' by the first search, found by the second", async () => {
    const audio = spoken("turn on the coffee maker", "en-us", "reverb");
    const guide = space.get();
    const before = await firstOnly.transcribe(audio, { prompt: PROMPT, guide });
    expect(before.freeText).toBe("To remember coffee maker.");
    // The first search follows fillers ("So, now, the coffee maker's. Too.") far below the bar.
    expect(before.source).toBe("free");
    expect(before.guided?.why).toBe("low-score");
    const after = await withSecond.transcribe(audio, { prompt: PROMPT, guide });
    expect(after.source).toBe("grammar");
    expect(after.guided?.why).toBe("rescued");
    expect(after.text).toBe("Turn on the coffee maker.");
    expect(after.guided?.score).toBeGreaterThan(HOME.stt.guided_min_score);
  });

  it("'turn on the kitchen light' (en-029): found only when command words follow the device prompt", async () => {
    const audio = spoken("turn on the kitchen light", "en-029", "clean");
    const guide = space.get();
    const before = await unprompted.transcribe(audio, { prompt: PROMPT, guide });
    expect(before.freeText).toBe("All done, kitchen light.");
    // After the device list alone, Whisper likes " And", " All" far better than " Turn".
    expect(before.source).toBe("free");
    const after = await withSecond.transcribe(audio, { prompt: PROMPT, guide });
    expect(after.guided?.why).toBe("rescued");
    expect(after.text).toBe("Turn on the kitchen light.");
  });

  it("what is not a command stays not understood: 'tell me a joke', 'what is the weather like today'", async () => {
    const guide = space.get();
    for (const [text, voice] of [
      ["tell me a joke", "en-us"],
      ["what is the weather like today", "en-gb-x-rp-f3"],
    ] as const) {
      for (const condition of ["clean", "reverb"] as const) {
        const result = await withSecond.transcribe(spoken(text, voice, condition), { prompt: PROMPT, guide });
        expect(result.source, `${text} ${condition}: ${result.text}`).toBe("free");
        expect(guide.understands(result.text), `${text} ${condition}: ${result.text}`).toBe(false);
      }
    }
  });
});
