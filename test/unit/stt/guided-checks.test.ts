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
