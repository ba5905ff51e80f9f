import { describe, expect, it } from "vitest";
import { BENCH_PROSE } from "../../../scripts/make-wake-fixtures.js";
import { checkBabbleHeldOut, notHeldOut } from "../../../scripts/wake-verifier-babble.js";
import { TRAIN_PROSE, TRAIN_VOICES } from "../../../scripts/wake-verifier-data.js";

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
