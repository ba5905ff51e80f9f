import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { int16ToFloat32 } from "../../src/audio/format.js";
import { readWav16kMono } from "../../src/audio/wav.js";
import { sentenceSpace } from "../../src/intent/create.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import type { SentenceSpaceCache } from "../../src/intent/sentence-space/cache.js";
import { guidedSettings } from "../../src/stt/create.js";
import type { GuidedOutcome } from "../../src/stt/guided-types.js";
import type { NumberLead } from "../../src/stt/number-lead.js";
import { changesNumber } from "../../src/stt/number-values.js";
import type { Transcriber } from "../../src/stt/transcriber.js";
import type { WhisperTranscriber } from "../../src/stt/whisper.js";
import {
  HEARING_HOME,
  HEARING_PROMPT,
  loadTinyTranscriber,
  spoken,
  WITHOUT_COMMAND_PROMPT,
} from "./stt-support.js";

const HOME = HEARING_HOME;
const PROMPT = HEARING_PROMPT;

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

  it("'set a timer for ten minutes' heard as 'Time for 10 minutes.': a guess of 14 minutes is refused", async () => {
    // Held out (en-gb+m3, clean): the search's best was "Set, timer 14 minutes." at -0.57,
    // inside every threshold, its 14 leading 10 by 2.6 in the number check: a wrong timer.
    const audio = spoken("set a timer for ten minutes", "en-gb-m3", "clean");
    const guide = space.get();
    const whisper = checked as WhisperTranscriber;
    const settings = guidedSettings(HOME.stt);
    const outcomes: Record<string, GuidedOutcome> = {};
    let heard = "";
    await whisper.transcribe(audio, {
      prompt: PROMPT,
      inspect: async (free) => {
        heard = free.text;
        outcomes.peer = await whisper.guidedPass({ ...settings, keepNumbers: 0 }).run(free, guide);
        outcomes.now = await whisper.guidedPass(settings).run(free, guide);
      },
    });
    expect(heard).toMatch(/\b10 minutes\b/);
    // Whatever the search finds on this CPU, no timer but the one heard is set.
    expect(changesNumber(heard, outcomes.now?.text ?? "")).toBe(false);
    if (changesNumber(heard, outcomes.peer?.hypothesis?.text ?? "") && outcomes.peer?.source === "grammar") {
      expect(outcomes.now?.verdict).toEqual({ source: "free", why: "number-changed" });
      expect(outcomes.now?.text).toBe("");
    }
  });

  it("'set the kitchen light to seventy five percent', guessed as 25 or 35: no teen/ten partner, refused all the same", async () => {
    const audio = spoken("set the kitchen light to seventy five percent", "en-029", "clean");
    const guide = space.get();
    const whisper = checked as WhisperTranscriber;
    const settings = guidedSettings(HOME.stt);
    const noLead = { ...settings.thresholds, minNumberLead: undefined };
    // The search before session 16 (a cap per first word, a stop on the count of endings)
    // found one of the two alone; today's finds both, close, and refuses on the margin. The
    // older search shows what the number checks do on their own.
    const older = { ...settings, groupWords: 1, patientStop: 0 };
    const outcomes: Record<string, GuidedOutcome> = {};
    let lead: NumberLead | null = null;
    let heard = "";
    await whisper.transcribe(audio, {
      prompt: PROMPT,
      inspect: async (free) => {
        heard = free.text;
        outcomes.before = await whisper.guidedPass({ ...older, thresholds: noLead }).run(free, guide);
        outcomes.after = await whisper.guidedPass(older).run(free, guide);
        outcomes.now = await whisper.guidedPass(settings).run(free, guide);
        lead = await whisper.guidedPass(settings).numberLead(free, outcomes.before.text, guide);
      },
    });
    // Without the checks (as with the teen/ten check before, which has no partner for 75):
    // the kitchen light would go to a wrong value (Whisper likes 25 and 35 better than 75).
    expect(outcomes.before?.source).toBe("grammar");
    expect(guide.meaning(outcomes.before?.text ?? "")).toMatch(/"brightness":(25|35)\b/);
    // The check over every value alone would refuse it (neither is a teen/ten partner of 75)...
    expect((lead as NumberLead | null)?.lead).toBeLessThan(HOME.stt.guided_min_number_lead ?? 1);
    // ... and it does, before the free text's having no number at all is looked at (that is
    // checked last, on a guess every other check passed, which is then asked back).
    expect(heard).not.toMatch(/\d/);
    expect(outcomes.after?.verdict).toEqual({ source: "free", why: "ambiguous-number" });
    expect(guide.understands(outcomes.after?.text ?? "")).toBe(false);
    expect(guide.understands(outcomes.now?.text ?? "")).toBe(false);
  });

  it("'set the kitchen light to seventy five percent' heard with no number: a guessed 35 is refused", async () => {
    // en-029, reverberant: the free text "The kitchen light is the same in the night of the
    // day." has no number, and the grammar's best guess put one in (35, led by 1.04 over any
    // other value: Whisper sure of the wrong number). A wrong action on the hearing bench before.
    const audio = spoken("set the kitchen light to seventy five percent", "en-029", "reverb");
    const guide = space.get();
    const withoutPrompt = await load({ ...WITHOUT_COMMAND_PROMPT });
    const after = await withoutPrompt.transcribe(audio, { prompt: PROMPT, guide });
    await withoutPrompt.dispose();
    expect(after.freeText).not.toMatch(/\d/);
    expect(after.guided?.text).toMatch(/\b35\b/);
    expect(after.guided?.why).toBe("number-not-heard");
    expect(after.source).toBe("free");
    expect(guide.understands(after.text)).toBe(false);
    // The defaults (the command words read first) refuse it too.
    const now = await checked.transcribe(audio, { prompt: PROMPT, guide });
    expect(now.source).toBe("free");
    expect(guide.understands(now.text)).toBe(false);
  });

  it("'set the bedroom light to forty percent' (en-gb-scotland) written '14%': the teen spelled out loses to forty", async () => {
    // Held out on the hearing bench: understood as it is, the light went to 14. In digits
    // Whisper likes "14%" over "40%"; spelled out, "forty percent" over "fourteen percent".
    const audio = spoken("set the bedroom light to forty percent", "en-gb-scotland", "clean");
    const guide = space.get();
    const whisper = checked as WhisperTranscriber;
    const settings = guidedSettings(HOME.stt);
    const outcomes: GuidedOutcome[] = [];
    await whisper.transcribe(audio, {
      prompt: PROMPT,
      inspect: async (free) => {
        expect(free.text).toBe("Set the bedroom light to 14%.");
        outcomes.push(await whisper.guidedPass({ ...settings, teenWords: 0 }).run(free, guide));
        outcomes.push(await whisper.guidedPass(settings).run(free, guide));
      },
    });
    const [digitsOnly, spelled] = outcomes;
    // In digits the check weighs 14% against 40%: taken on the CPU this was found on (the light
    // went to 14), refused by a hair on another; spelled out, forty wins outright on both.
    expect(digitsOnly?.numberLead?.alternative).toMatch(/^Set the bedroom light to \d+%\.$/);
    expect(spelled?.numberLead?.lead).toBeLessThan(0);
    expect(spelled?.verdict).toEqual({ source: "free", why: "ambiguous-number" });
    expect(spelled?.numberLead?.alternative).toBe("Set the bedroom light to forty percent.");
    expect(spelled?.text).toBe("");
  });

  it("... and noisy, written 'Set room light to 14%.' and guessed: the guess refused, its free text dropped too", async () => {
    // The intent stage's fuzzy names read the free text as the bedroom light at 14.
    const audio = spoken("set the bedroom light to forty percent", "en-gb-scotland", "noisy");
    const guide = space.get();
    const result = await checked.transcribe(audio, { prompt: PROMPT, guide });
    expect(result.freeText).toBe("Set room light to 14%.");
    // Read after the command words, the guess is written "Set, bedroom light to 14%.": the number
    // is the doubt. On a CPU with AVX-512 VNNI, whose int8 kernels round otherwise, it is "Set,
    // living room light to 14%.", which the intent stage's reading of the free text (the bedroom
    // light) contradicts: refused before its number is weighed. Dropped either way.
    const guess = result.guided?.text ?? "";
    expect(guess).toMatch(/^Set(,| the) (bedroom|living room) light to 14%\.$/);
    expect(result.guided?.why).toBe(/living room/.test(guess) ? "reads-otherwise" : "ambiguous-number");
    expect(result.text).toBe("");
  });

  it("'set the thermostat to eighteen degrees' heard as 18: still 18 when spelled out", async () => {
    const audio = spoken("set the thermostat to eighteen degrees", "en-gb-m3", "clean");
    const guide = space.get();
    const result = await checked.transcribe(audio, { prompt: PROMPT, guide });
    expect(guide.meaning(result.text)).toContain('"temperature":18');
  });

  it("the check over the free pass's cached tokens scores as the check from the sentence's start", async () => {
    const audio = await command("32-set-the-living-room-lamp-to-fifty-percent--en-029--clean.wav");
    const guide = space.get();
    const whisper = checked as WhisperTranscriber;
    const pass = whisper.guidedPass(guidedSettings(HOME.stt));
    const leads: Array<NumberLead | null> = [];
    await whisper.transcribe(audio, {
      prompt: PROMPT,
      inspect: async (free) => {
        leads.push(await pass.numberLead(free, free.text, guide));
        // Without its tokens, the free text is forced from its first word.
        leads.push(await pass.numberLead({ ...free, tokenIds: undefined }, free.text, guide));
      },
    });
    const [cached, full] = leads;
    expect(cached?.alternative).toBe(full?.alternative);
    // Batches of other sizes round a little differently (int8 model): not to the digit.
    expect(cached?.lead).toBeCloseTo(full?.lead ?? Number.NaN, 1);
    // From the start, the words before the number are read in one call (the causal cache
    // branch): no more calls than going on from the free pass's cache.
    expect(cached?.steps).toBeLessThanOrEqual(full?.steps ?? 0);
    expect(full?.rows).toBeGreaterThan(cached?.rows ?? 0);
  });
});
