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

describe("the guided searches read command words first (stt.guided_prompt, whisper-tiny)", () => {
  let space: SentenceSpaceCache;
  let prompted: Transcriber;
  let unprompted: Transcriber;
  let lowBar: Transcriber;

  beforeAll(async () => {
    space = sentenceSpace(HOME, new DeviceRegistry(HOME.devices));
    prompted = await loadTinyTranscriber({});
    unprompted = await loadTinyTranscriber({ ...WITHOUT_COMMAND_PROMPT });
    // The command words with the bar measured without them: what -1.0 keeps out.
    lowBar = await loadTinyTranscriber({ guided_min_score: WITHOUT_COMMAND_PROMPT.guided_min_score });
  });

  afterAll(async () => {
    space.dispose();
    await prompted.dispose();
    await unprompted.dispose();
    await lowBar.dispose();
  });

  it("'turn on the bedroom light' (en-029, clean) heard as 'Room light.': found only after the command words", async () => {
    const audio = spoken("turn on the bedroom light", "en-029", "clean");
    const guide = space.get();
    const before = await unprompted.transcribe(audio, { prompt: PROMPT, guide });
    expect(before.freeText).toBe("Room light.");
    expect(guide.understands(before.text)).toBe(false);
    const after = await prompted.transcribe(audio, { prompt: PROMPT, guide });
    expect(after.source).toBe("grammar");
    expect(guide.meaning(after.text)).toBe(guide.meaning("turn on the bedroom light"));
    // The prompt does not change the free pass: the same free text goes with both.
    expect(after.freeText).toBe("Room light.");
  });

  it("'turn the kitchen light red' (en-us-nyc+m4, noisy): 'Turn on the kitchen light' is guessed, and refused", async () => {
    // Held out: the command words make Whisper expect "Turn on", and under the bar measured
    // without them the guess switched the light on instead of making it red.
    const audio = spoken("turn the kitchen light red", "en-us-nyc-m4", "noisy");
    const guide = space.get();
    const loose = await lowBar.transcribe(audio, { prompt: PROMPT, guide });
    // The guess clears the low bar but not -1.0. Whether the low bar takes it depends on the
    // CPU: with AVX-512 VNNI (int8 kernels that round otherwise) Whisper writes it "Turn on,
    // kitchen light," and its closing comma refuses it anyway (unfinished).
    const guess = loose.guided?.score ?? 0;
    expect(guide.meaning(loose.guided?.text ?? "")).toBe(guide.meaning("turn on the kitchen light"));
    expect(guess).toBeGreaterThanOrEqual(WITHOUT_COMMAND_PROMPT.guided_min_score);
    expect(guess).toBeLessThan(-1);
    if (loose.source === "grammar")
      expect(guide.meaning(loose.text)).toBe(guide.meaning("turn on the kitchen light"));
    else expect(loose.guided?.why).toBe("unfinished");
    const result = await prompted.transcribe(audio, { prompt: PROMPT, guide });
    expect(result.guided?.why).toBe("low-score");
    expect(guide.understands(result.text)).toBe(false);
  });
});
