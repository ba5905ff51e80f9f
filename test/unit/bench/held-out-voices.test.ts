import { describe, expect, it } from "vitest";
import {
  IN_SENTENCE as BENCH_IN_SENTENCE,
  BENCH_PROSE,
  FIXTURE_IN_SENTENCE,
} from "../../../scripts/make-wake-fixtures.js";
import { checkBabbleHeldOut, notHeldOut } from "../../../scripts/wake-verifier-babble.js";
import { IN_SENTENCE, sentencesNotHeldOut, TRAIN_VOICES } from "../../../scripts/wake-verifier-clips.js";
import { TRAIN_PROSE } from "../../../scripts/wake-verifier-data.js";

describe("the wake benchmark's voices stay out of training", () => {
  it("names a benchmark speaker, a babble talker, a held-out accent and a taken voice", () => {
    const names = ["en-gb+m3", "en-us+f4", "en-029+f2", "en-us-nyc", "en-gb+f5", "en-us+Annie"];
    expect(notHeldOut(names, ["en-gb+f5"])).toEqual([
      "en-gb+m3",
      "en-us+f4",
      "en-029+f2",
      "en-us-nyc",
      "en-gb+f5",
    ]);
  });

  it("passes the shipped babble tracks and training prose", () => {
    expect(() =>
      checkBabbleHeldOut(
        TRAIN_VOICES.map((v) => v.voice),
        TRAIN_PROSE,
      ),
    ).not.toThrow();
  });

  it("refuses a babble talker that is also a training voice", () => {
    expect(() => checkBabbleHeldOut(["en-us+Annie"], [])).toThrow(/babble not held out: en-us\+Annie/);
  });

  it("refuses training prose the benchmark reads", () => {
    const benchFile = BENCH_PROSE[0] as string;
    expect(() => checkBabbleHeldOut([], [benchFile])).toThrow(`babble not held out: ${benchFile}`);
  });
});

describe("the benchmark's and the tests' Jarvis-in-a-sentence stay out of training", () => {
  it("passes the shipped sentences", () => {
    expect(sentencesNotHeldOut(IN_SENTENCE, [...BENCH_IN_SENTENCE, FIXTURE_IN_SENTENCE])).toEqual([]);
  });

  it("names a training sentence a judged one says, whatever its case and punctuation", () => {
    const judged = ["So, Jarvis: what do you think?", "I told Jarvis about the meeting."];
    expect(sentencesNotHeldOut(["so jarvis what do you think", "told jarvis", "ask jarvis"], judged)).toEqual(
      ["so jarvis what do you think", "told jarvis"],
    );
  });
});
