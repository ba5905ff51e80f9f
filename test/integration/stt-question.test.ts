import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sentenceSpace } from "../../src/intent/create.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import type { SentenceSpaceCache } from "../../src/intent/sentence-space/cache.js";
import { whisperPrompt } from "../../src/pipeline/wake-phrase.js";
import type { Transcriber } from "../../src/stt/transcriber.js";
import { HEARING_HOME, HEARING_PROMPT, loadTinyTranscriber, spoken } from "./stt-support.js";

// "Hey Jarvis, is the kitchen light on?" said in one breath: whisper-tiny loses the "is" in
// "Jarvis" and writes a command ("Hey Jarvis, kitchen light, on."), or the guided pass makes one
// of "kitchen light, home.". Scored against the question, the command trails it by more than
// one said does, and the question is what goes on.
describe("a question heard as a command is answered, not carried out (whisper-tiny)", () => {
  let space: SentenceSpaceCache;
  let checked: Transcriber;
  let unchecked: Transcriber;
  let strict: Transcriber;
  // As the daemon hands such audio over: the pre-roll found the wake phrase, and Whisper is told.
  const prompt = whisperPrompt("Hey Jarvis", HEARING_PROMPT);

  beforeAll(async () => {
    space = sentenceSpace(HEARING_HOME, new DeviceRegistry(HEARING_HOME.devices));
    checked = await loadTinyTranscriber({});
    unchecked = await loadTinyTranscriber({ guided_min_question_lead: 0 });
    // A bar no command clears: shows the check runs on a command said.
    strict = await loadTinyTranscriber({ guided_min_question_lead: 50 });
  });

  afterAll(async () => {
    space.dispose();
    await checked.dispose();
    await unchecked.dispose();
    await strict.dispose();
  });

  it.each([
    // Whisper's own text is the command.
    ["en-gb-x-rp-f3", "clean", "Hey Jarvis, kitchen light, on.", "free"],
    // The guided pass makes the command of what Whisper wrote.
    ["en-us", "noisy", "Hey Jarvis, kitchen light, home.", "grammar"],
  ] as const)("'is the kitchen light on' (%s, %s)", async (voice, condition, freeText, source) => {
    const audio = spoken("is the kitchen light on", voice, condition);
    const guide = space.get();
    const before = await unchecked.transcribe(audio, { ...prompt, guide });
    expect(before).toMatchObject({ freeText, source, text: "Hey Jarvis, kitchen light, on." });
    const after = await checked.transcribe(audio, { ...prompt, guide });
    expect(after).toMatchObject({ freeText, text: "Hey Jarvis, is the kitchen light on?" });
    expect(after.guided?.why).toBe("question");
  });

  it("'kitchen light on' said (en-gb-x-rp+f3, clean, after a pause) is still the command", async () => {
    const audio = spoken("kitchen light on", "en-gb-x-rp-f3", "clean", { wakePhrase: true });
    const after = await checked.transcribe(audio, { ...prompt, guide: space.get() });
    expect(after).toMatchObject({ text: "Hey Jarvis, kitchen light, on.", source: "free" });
    expect(after.guided?.why).toBe("understood");
    const asked = await strict.transcribe(audio, { ...prompt, guide: space.get() });
    expect(asked.guided?.why).toBe("question");
  });
});
