import { describe, expect, it } from "vitest";
import { sentenceSpace } from "../../../src/intent/create.js";
import type { TranscriptGuide } from "../../../src/stt/guide.js";
import type { LeadChecks } from "../../../src/stt/guided-checks.js";
import {
  guessesWhich,
  type Judged,
  nameChecked,
  passedOn,
  questionAsked,
  questionChecked,
} from "../../../src/stt/guided-judge.js";
import type { FreePass, GuidedSettings } from "../../../src/stt/guided-types.js";
import { homeConfig, homeRegistry } from "../intent/home.js";

describe("passedOn: the text a guided pass hands on", () => {
  // The intent stage reads "15%" in the free text as the lamp at 15, the guess as the lamp at 50.
  const guide = {
    readsAs: (text: string) => (/15/.test(text) ? "lamp 15" : null),
    meaning: (text: string) => (/50/.test(text) ? "lamp 50" : /15/.test(text) ? "lamp 15" : text),
  } as unknown as TranscriptGuide;
  const free = "Hey Jarvis, I'm living room lamp, 15%";
  const guess = { text: "Hey Jarvis, living room lamp, 50%.", score: -0.55, margin: 0.04 };

  it("is the guess when it is taken", () => {
    expect(passedOn(guide, free, { source: "grammar" }, guess)).toBe(guess.text);
  });

  it("drops the free text when the refused guess's reading and the free text's disagree", () => {
    expect(passedOn(guide, free, { source: "free", why: "low-margin" }, guess)).toBe("");
  });

  it("drops it after a number or action Whisper nearly heard otherwise", () => {
    expect(passedOn(guide, "Turn on the lamp.", { source: "free", why: "ambiguous-number" }, null)).toBe("");
  });

  it("hands the free text on after a guess's name check: it doubted the guess", () => {
    const chat = "Hey Jarvis, what's the weather like?";
    const byKind = { ...guess, text: "Hey Jarvis, turn off the light." };
    expect(passedOn(guide, chat, { source: "free", why: "missed-name" }, byKind)).toBe(chat);
  });

  it("hands the free text on when nothing reads it otherwise (the fallback may answer it)", () => {
    const chat = "Hey Jarvis, how are you doing?";
    expect(passedOn(guide, chat, { source: "free", why: "other-words" }, guess)).toBe(chat);
    expect(passedOn(guide, chat, { source: "free", why: "no-hypothesis" }, null)).toBe(chat);
    const same = { ...guess, text: "Hey Jarvis, living room lamp, 15%." };
    expect(passedOn(guide, free, { source: "free", why: "low-margin" }, same)).toBe(free);
  });
});

describe("guessesWhich: the guess says which devices on its own", () => {
  const config = homeConfig();
  const guide = sentenceSpace(config, homeRegistry(config)).get();

  it.each([
    // A name the home lacks, dropped or replaced by one of its own.
    ["Hey Jarvis, turn on the garden light.", "Hey Jarvis, turn on the light.", true],
    ["Hey Jarvis, turn on the garden light.", "Hey Jarvis, turn on the hall light.", true],
    ["Hey Jarvis, turn on the lights.", "Hey Jarvis, turn on all the lights.", true],
    // Another of the home's names heard: the scores choose between its devices.
    ["Hey Jarvis, turn on the kitchen light.", "Hey Jarvis, turn on the hall light.", false],
    // Every name kept, or a word that names a device alone.
    ["Hey Jarvis, turn on the hall light.", "Hey Jarvis, turn on the hall light.", false],
    ["Hey Jarvis, the thermostat.", "Hey Jarvis, set the thermostat to 21 degrees.", false],
  ])("%j -> %j: %s", (free, guessed, expected) => {
    expect(guessesWhich(guide, free, guessed)).toBe(expected);
  });
});

describe("nameChecked: a guess by kind against the home's names", () => {
  const guide = {} as TranscriptGuide;
  const free = { text: "Hey Jarvis, turn on the door and light.", avgLogprob: -0.5, tokens: 12 } as FreePass;
  const hypothesis = { text: "Hey Jarvis, turn on the light.", score: -0.6, margin: 0.3 };
  const thresholds = {
    minScore: -1,
    minScoreSensitive: -1,
    minMargin: 0.05,
    maxDrop: 1,
    minNameLead: 8,
    askMinScore: -1.1,
  };
  const settings = { beam: 4, thresholds } as unknown as GuidedSettings;
  const lead = (value: number | null) => {
    const calls: string[] = [];
    const checks = {
      name: async (_free: FreePass, text: string) => {
        calls.push(text);
        return value === null
          ? null
          : {
              lead: value,
              alternative: "Hey Jarvis, turn on the kitchen light.",
              exact: true,
              steps: 3,
              rows: 9,
              ms: 20,
            };
      },
    } as unknown as LeadChecks;
    return { checks, calls };
  };
  const taken = { verdict: { source: "grammar" }, hypothesis, lead: null } as Judged;

  it("drops a guess taken by too small a lead (lit the board's room for *the garden lights*)", async () => {
    const { checks, calls } = lead(4.6);
    const judged = await nameChecked(checks, settings, free, guide, taken);
    expect(judged.verdict).toEqual({ source: "free", why: "missed-name" });
    expect(judged.nameLead?.lead).toBe(4.6);
    expect(calls).toEqual([hypothesis.text]);
  });

  it("keeps a guess said without a name (led by 11-13 on the bench), its lead kept", async () => {
    const judged = await nameChecked(lead(11.3).checks, settings, free, guide, taken);
    expect(judged.verdict).toEqual({ source: "grammar" });
    expect(judged.nameLead?.lead).toBe(11.3);
  });

  it("leaves a refused guess alone (a half sentence is asked back on purpose), one naming a device, and with guessNames 0", async () => {
    const unsure = { ...taken, verdict: { source: "free", why: "low-margin" } } as Judged;
    const never = lead(2);
    expect(await nameChecked(never.checks, settings, free, guide, unsure)).toBe(unsure);
    expect(never.calls).toEqual([]);
    expect(await nameChecked(lead(null).checks, settings, free, guide, taken)).toBe(taken);
    const off = lead(2);
    expect(await nameChecked(off.checks, { ...settings, guessNames: 0 }, free, guide, taken)).toBe(taken);
    expect(off.calls).toEqual([]);
  });
});

describe("questionChecked / questionAsked: a guess that may have been a question", () => {
  const guide = {} as TranscriptGuide;
  const free = { text: "Hey Jarvis, kitchen light, home.", avgLogprob: -0.3, tokens: 9 } as FreePass;
  const hypothesis = { text: "Hey Jarvis, kitchen light, on.", score: -0.5, margin: 0.4 };
  const question = "Hey Jarvis, is the kitchen light on?";
  const checks = (value: number | null) => {
    const calls: string[] = [];
    const fake = {
      questionIfOn: async (_free: FreePass, text: string) => {
        calls.push(text);
        return value === null
          ? null
          : { lead: value, alternative: question, exact: true, steps: 2, rows: 4, ms: 3 };
      },
    } as unknown as LeadChecks;
    return { fake, calls };
  };
  const taken: Judged = { verdict: { source: "grammar" }, hypothesis, lead: null };

  it("reads a taken guess's lead over the question; below the bar the question goes on", async () => {
    const { fake, calls } = checks(0.7);
    const judged = await questionChecked(fake, free, guide, taken);
    expect(calls).toEqual([hypothesis.text]);
    expect(judged.questionLead?.lead).toBe(0.7);
    expect(questionAsked(judged, 2)).toBe(question);
    expect(judged.verdict).toEqual({ source: "grammar" });
  });

  it("keeps the guess when it leads by the bar, the check is off, or there is no question", async () => {
    expect(questionAsked(await questionChecked(checks(6).fake, free, guide, taken), 2)).toBeNull();
    expect(questionAsked(await questionChecked(checks(0.7).fake, free, guide, taken), undefined)).toBeNull();
    const none = await questionChecked(checks(null).fake, free, guide, taken);
    expect(none).toBe(taken);
    expect(questionAsked(none, 2)).toBeNull();
  });

  it("does not check a refused guess", async () => {
    const { fake, calls } = checks(0.7);
    const refused: Judged = { ...taken, verdict: { source: "free", why: "low-score" } };
    expect(await questionChecked(fake, free, guide, refused)).toBe(refused);
    expect(calls).toEqual([]);
  });
});
