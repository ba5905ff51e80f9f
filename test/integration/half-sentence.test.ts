import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToEnd } from "../support/daemon-process.js";
import { writeHomeConfig } from "../support/home-config.js";
import { removeTempDirs, tempDir } from "../support/mqtt-harness.js";

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

  beforeAll(() => {
    checked = writeHomeConfig(tempDir("half-sentence"));
    unchecked = writeHomeConfig(tempDir("half-sentence-off"), {
      stt: { guided_min_last_word_lead: 0 },
    });
  });

  afterAll(() => removeTempDirs());

  it.each([
    ["74-turn-on-the--en-gb-m3--clean.wav", "Whisper's own last word"],
    ["74-turn-on-the--en-us-f3--noisy.wav", "the grammar's last word"],
  ])("%s (%s)", async (file) => {
    const before = await runToEnd(unchecked, clip(file), ["--no-mqtt"]);
    const after = await runToEnd(checked, clip(file), ["--no-mqtt"]);
    const heard = JSON.stringify(after.events.find((e) => e.type === "stt-end"));
    // The check is what changed: without it the lights went on.
    expect(
      before.events.filter((e) => e.type === "intent-end"),
      heard,
    ).toMatchObject([{ intent: "HassTurnOn", slots: { domain: "light" } }]);
    expect(
      after.events.filter((e) => e.type === "intent-end"),
      heard,
    ).toEqual([]);
    expect(
      after.events.find((e) => e.type === "stt-end"),
      heard,
    ).toMatchObject({
      guidedWhy: "last-word",
      text: expect.stringMatching(/turn on the$/),
    });
    expect(
      after.events.find((e) => e.type === "intent-rejected"),
      heard,
    ).toMatchObject({
      reason: "needs-confirmation",
      intent: "HassTurnOn",
      guessed: expect.stringMatching(/^turn on the lights?\.$/),
    });
  });
});
