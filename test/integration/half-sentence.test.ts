import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToEnd } from "../support/daemon-process.js";
import { writeHomeConfig } from "../support/home-config.js";
import { removeTempDirs, tempDir } from "../support/mqtt-harness.js";
import { MISHEARD_WITH } from "./stt-support.js";

const ROOT = path.resolve(__dirname, "..", "..");
const clip = (file: string) => path.join(ROOT, "test/fixtures/wav/hearing", file);

/**
 * "Hey jarvis ... turn on the", and nothing more (espeak-ng, scripts/make-hearing-fixtures.ts),
 * through the whole daemon with the real models. Whisper finishes the half sentence with
 * its likeliest word ("Hey Jarvis, turn on the lights."), or stops and leaves the grammar to
 * finish it ("Hey Jarvis, turn on the" -> "... the light."): before stt.guided_min_last_word_lead,
 * both switched on every light in the sample home. Now nothing is done and the board asks.
 */
describe("a half sentence is asked about, not finished and carried out (real models)", () => {
  let checked: string;
  let unchecked: string;

  let defaults: string;

  // What Whisper heard below is whisper-tiny with its layers in int8 (the default before
  // session 44, MISHEARD_WITH): the rule is shown on those texts. The last test runs the defaults.
  beforeAll(() => {
    checked = writeHomeConfig(tempDir("half-sentence"), { stt: MISHEARD_WITH });
    unchecked = writeHomeConfig(tempDir("half-sentence-off"), {
      stt: { ...MISHEARD_WITH, guided_min_last_word_lead: 0 },
    });
    defaults = writeHomeConfig(tempDir("half-sentence-float"));
  });

  afterAll(() => removeTempDirs());

  const asked = (events: Array<{ type: string }>) => {
    expect(events.filter((e) => e.type === "intent-end")).toEqual([]);
    expect(events.find((e) => e.type === "intent-rejected")).toMatchObject({
      reason: "needs-confirmation",
      intent: "HassTurnOn",
      guessed: expect.stringMatching(/^turn on the lights?\.$/),
    });
  };

  it("74-turn-on-the--en-gb-m3--clean.wav: Whisper's own last word is not acted on", async () => {
    const file = clip("74-turn-on-the--en-gb-m3--clean.wav");
    const before = await runToEnd(unchecked, file, ["--no-mqtt"]);
    const after = await runToEnd(checked, file, ["--no-mqtt"]);
    const heard = JSON.stringify(after.events.find((e) => e.type === "stt-end"));
    // The check is what changed: without it the lights went on.
    expect(
      before.events.filter((e) => e.type === "intent-end"),
      heard,
    ).toMatchObject([{ intent: "HassTurnOn", slots: { domain: "light" } }]);
    expect(
      after.events.find((e) => e.type === "stt-end"),
      heard,
    ).toMatchObject({
      freeText: expect.stringMatching(/turn on the lights\.$/),
      guidedWhy: "last-word",
      text: expect.stringMatching(/turn on the$/),
    });
    asked(after.events);
  });

  it("74-turn-on-the--en-us-f3--noisy.wav: nor the grammar's, finishing what Whisper left half", async () => {
    const after = await runToEnd(checked, clip("74-turn-on-the--en-us-f3--noisy.wav"), ["--no-mqtt"]);
    const stt = after.events.find((e) => e.type === "stt-end");
    // "Hey Jarvis, turn on the" heard: nothing in it says what (a guess from it is never
    // acted on), and the guess only goes on from where it stopped (last-word).
    expect(stt, JSON.stringify(stt)).toMatchObject({
      freeText: expect.stringMatching(/turn on the$/),
      guidedText: expect.stringMatching(/turn on the light\.$/),
      guidedWhy: expect.stringMatching(/^(other-words|last-word)$/),
    });
    asked(after.events);
  });

  it("with the layers in float (the default) neither clip is carried out", async () => {
    for (const file of ["74-turn-on-the--en-gb-m3--clean.wav", "74-turn-on-the--en-us-f3--noisy.wav"]) {
      const run = await runToEnd(defaults, clip(file), ["--no-mqtt"]);
      const heard = JSON.stringify(run.events.find((e) => e.type === "stt-end"));
      expect(
        run.events.filter((e) => e.type === "intent-end"),
        `${file}: ${heard}`,
      ).toEqual([]);
    }
  });
});
