import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sentenceSpace } from "../../src/intent/create.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import type { SentenceSpaceCache } from "../../src/intent/sentence-space/cache.js";
import { whisperPrompt } from "../../src/pipeline/wake-phrase.js";
import { guidedSettings } from "../../src/stt/create.js";
import type { GuidedOutcome } from "../../src/stt/guided-types.js";
import { listsPromptNames } from "../../src/stt/quality.js";
import type { WhisperTranscriber } from "../../src/stt/whisper.js";
import { HEARING_HOME, HEARING_PROMPT, loadTinyTranscriber, spoken } from "./stt-support.js";

// Whisper, told the wake phrase and the home's names, often writes the names back instead of
// the command said after a pause ("Hey Jarvis, kitchen light, bathroom"): such a free text is
// no evidence against the guess (guide.ts other-words, quality.ts listsPromptNames). Layers in
// float, the default: the clip is the hearing bench's (session 45).
describe("a free text that only lists the prompt's names (whisper-tiny, layers in float)", () => {
  let space: SentenceSpaceCache;
  let whisper: WhisperTranscriber;

  beforeAll(async () => {
    space = sentenceSpace(HEARING_HOME, new DeviceRegistry(HEARING_HOME.devices));
    whisper = (await loadTinyTranscriber({ layers: "float" })) as WhisperTranscriber;
  });

  afterAll(async () => {
    space.dispose();
    await whisper.dispose();
  });

  it("'set a timer for an hour and a half' after a pause: the guess is taken, and was refused before", async () => {
    const audio = spoken("set a timer for an hour and a half", "en-us", "clean", { wakePhrase: true });
    const guide = space.get();
    const prompt = whisperPrompt("Hey Jarvis", HEARING_PROMPT);
    const settings = guidedSettings(HEARING_HOME.stt);
    let before: GuidedOutcome | undefined;
    const result = await whisper.transcribe(audio, {
      ...prompt,
      guide,
      inspect: async (free) => {
        before = await whisper.guidedPass({ ...settings, listedPrompt: 0 }).run(free, guide);
      },
    });
    expect(listsPromptNames(result.freeText ?? "", prompt.prompt ?? "", "Hey Jarvis,")).toBe(true);
    expect(guide.understands(result.freeText ?? "")).toBe(false);
    expect(result.source).toBe("grammar");
    expect(guide.meaning(result.text)).toBe('["HassStartTimer",[],{"hours":1,"minutes":30}]');
    // The rule before: a guess beginning with the wake phrase that keeps no word heard is refused.
    expect(before?.verdict).toEqual({ source: "free", why: "other-words" });
  });

  it("'set the thermostat to eighteen degrees': a number the list never had is asked back, not dropped", async () => {
    const audio = spoken("set the thermostat to eighteen degrees", "en-us", "clean", { wakePhrase: true });
    const guide = space.get();
    const result = await whisper.transcribe(audio, { ...whisperPrompt("Hey Jarvis", HEARING_PROMPT), guide });
    expect(result.freeText).not.toMatch(/\d|eighteen/i);
    expect(result.guided?.why).toBe("number-not-heard");
    expect(result.source).toBe("free");
    // Asked back ("did you mean ...? say yes"): the guess passed every other check, the number's lead included.
    expect(guide.meaning(result.askBack ?? "")).toBe(
      '["HassClimateSetTemperature",["thermostat"],{"temperature":18}]',
    );
    expect(result.text).toBe(result.freeText);
  });
});
