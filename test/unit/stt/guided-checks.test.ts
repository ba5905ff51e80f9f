import { describe, expect, it } from "vitest";
import type { TranscriptGuide } from "../../../src/stt/guide.js";
import { LeadChecks } from "../../../src/stt/guided-checks.js";
import type { FreePass, GuidedSettings } from "../../../src/stt/guided-types.js";

// The comma rule reads the text alone: no model session, tokenizer or guide is touched.
const untouched = new Proxy(
  {},
  {
    get: () => {
      throw new Error("touched");
    },
  },
);
const settings = {
  beam: 4,
  thresholds: { minScore: -1, minScoreSensitive: -0.8, minMargin: 0.1, maxDrop: 1 },
};
const checks = new LeadChecks(
  untouched as never,
  untouched as never,
  untouched as never,
  settings as GuidedSettings,
);
const free = (text: string) => ({ text, avgLogprob: -0.2, tokens: 8 }) as FreePass;

describe("LeadChecks.understood: a free text ending in a comma", () => {
  it("is no command: Whisper heard more than it wrote", async () => {
    const out = await checks.understood(
      free("Hey Jarvis, turn off the floor lamp,"),
      untouched as TranscriptGuide,
    );
    expect(out).toMatchObject({ text: "", source: "free", verdict: { source: "free", why: "unfinished" } });
  });
});

describe('LeadChecks.understood: a duration of forty-something after "of"', () => {
  it('is no command: "time of 45" sounds as "timer for 5"', async () => {
    const out = await checks.understood(
      free("Hey Jarvis, set a timer of 45 minutes."),
      untouched as TranscriptGuide,
    );
    expect(out).toMatchObject({ text: "", verdict: { source: "free", why: "ambiguous-number" } });
  });
});

describe("LeadChecks.understood: an on or off Whisper wrote by a hair", () => {
  const withState = (freeStates?: number) =>
    new LeadChecks(
      untouched as never,
      untouched as never,
      untouched as never,
      {
        ...settings,
        thresholds: { ...settings.thresholds, minStateLead: 0.5 },
        ...(freeStates === undefined ? {} : { freeStates }),
      } as GuidedSettings,
    );
  const flips = (text: string) => (/\boff\b/.test(text) ? [text.replace(/\boff\b/, "on")] : []);
  const guide = { stateFlips: flips } as unknown as TranscriptGuide;
  const said = (stateLead: number | null, text = "Hey Jarvis, turn off the fan in the bedroom.") =>
    ({ ...free(text), stateLead }) as FreePass;

  it("below the state bar, where the other word is another command: no command, the text asked back", async () => {
    const out = await withState().understood(said(0.36), guide);
    expect(out).toMatchObject({
      text: "",
      verdict: { source: "free", why: "ambiguous-state" },
      unsure: { text: "Hey Jarvis, turn off the fan in the bedroom.", score: -0.2 },
    });
  });

  it("goes on as understood when it leads enough, says neither, flips to nothing, or the check is off", async () => {
    const understood = { text: expect.any(String), verdict: { source: "free", why: "understood" } };
    expect(await withState().understood(said(0.8), guide)).toMatchObject(understood);
    expect(await withState().understood(said(null), guide)).toMatchObject(understood);
    expect(await withState().understood(said(0.1, "Is the fan on?"), guide)).toMatchObject(understood);
    expect(await withState(0).understood(said(0.36), guide)).toMatchObject(understood);
  });
});

describe("LeadChecks.understood: a command that may have been a question", () => {
  // The lead over the question is given; the real one is teacher forcing (number-lead.ts).
  class GivenLead extends LeadChecks {
    constructor(
      private readonly given: number,
      bar?: number,
    ) {
      const thresholds = { ...settings.thresholds, ...(bar === undefined ? {} : { minQuestionLead: bar }) };
      super(
        untouched as never,
        untouched as never,
        untouched as never,
        { ...settings, thresholds } as GuidedSettings,
      );
    }
    override async lead(_free: FreePass, _text: string, alternatives: readonly string[]) {
      const [alternative] = alternatives;
      return alternative === undefined
        ? null
        : { lead: this.given, alternative, exact: true, steps: 2, rows: 4, ms: 3 };
    }
  }
  const asked = (text: string) =>
    /kitchen light, on/.test(text) ? ["Hey Jarvis, is the kitchen light on?"] : [];
  const guide = { questions: asked } as unknown as TranscriptGuide;
  const heard = free("Hey Jarvis, kitchen light, on.");

  it("below the bar, the question goes on instead: it changes nothing", async () => {
    const out = await new GivenLead(0.9, 2).understood(heard, guide);
    expect(out).toMatchObject({
      text: "Hey Jarvis, is the kitchen light on?",
      source: "grammar",
      questionLead: { lead: 0.9 },
    });
  });

  it("goes on as understood when it leads enough, has no question, or the check is off", async () => {
    const understood = { source: "free", verdict: { source: "free", why: "understood" } };
    expect(await new GivenLead(4, 2).understood(heard, guide)).toMatchObject({
      ...understood,
      text: heard.text,
      questionLead: { lead: 4 },
    });
    const other = free("Hey Jarvis, turn off the fan.");
    expect(await new GivenLead(0.1, 2).understood(other, guide)).toMatchObject({
      ...understood,
      text: other.text,
    });
    expect(await new GivenLead(0.1).understood(heard, guide)).toMatchObject({
      ...understood,
      text: heard.text,
    });
  });
});
