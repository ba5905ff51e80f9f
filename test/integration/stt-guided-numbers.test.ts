import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { int16ToFloat32 } from "../../src/audio/format.js";
import { readWav16kMono } from "../../src/audio/wav.js";
import { validate } from "../../src/config/load.js";
import { sentenceSpace } from "../../src/intent/create.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import type { SentenceSpaceCache } from "../../src/intent/sentence-space/space.js";
import { vocabularyPrompt } from "../../src/stt/prompt.js";
import type { Transcriber } from "../../src/stt/transcriber.js";
import { loadTinyTranscriber } from "./stt-support.js";

// The hearing fixtures' home (examples/home.yaml), its devices as the daemon prompts Whisper.
const HOME = validate(parse(readFileSync("examples/home.yaml", "utf8")));
const PROMPT = vocabularyPrompt(HOME.devices, HOME.stt.initial_prompt);

/** Committed command audio (scripts/make-hearing-fixtures.ts --committed): what the pipeline hands Whisper after the wake word. */
async function command(file: string): Promise<Float32Array> {
  return int16ToFloat32((await readWav16kMono(`test/fixtures/wav/hearing/commands/${file}`)).samples);
}

describe("guided decoding refuses a number Whisper was not sure of (whisper-tiny)", () => {
  let space: SentenceSpaceCache;
  const load = (stt: Record<string, unknown>) => loadTinyTranscriber(stt);
  let checked: Transcriber;
  let unchecked: Transcriber;

  beforeAll(async () => {
    space = sentenceSpace(HOME, new DeviceRegistry(HOME.devices));
    checked = await load({});
    unchecked = await load({ guided_min_number_lead: 0 });
  });

  afterAll(async () => {
    space.dispose();
    await checked.dispose();
    await unchecked.dispose();
  });

  it("'set the living room lamp to fifty percent', heard as 15%: a wrong action before, no command now", async () => {
    const audio = await command("32-set-the-living-room-lamp-to-fifty-percent--en-029--clean.wav");
    const guide = space.get();
    const before = await unchecked.transcribe(audio, { prompt: PROMPT, guide });
    // Without the check: Whisper's "15%" is understood as it is, and would set the lamp to 15.
    expect(before.text).toMatch(/\b15\b/);
    expect(guide.meaning(before.text)).toContain('"brightness":15');
    const after = await checked.transcribe(audio, { prompt: PROMPT, guide });
    expect(after.freeText).toBe(before.text);
    expect(after.guided?.why).toBe("ambiguous-number");
    expect(after.text).toBe("");
  });
});
