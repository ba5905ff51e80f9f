import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToEnd } from "../support/daemon-process.js";
import { writeHomeConfig } from "../support/home-config.js";
import { removeTempDirs, tempDir } from "../support/mqtt-harness.js";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * "Hey jarvis turn on the kitchen light" with no pause (or a short one) after the wake
 * word, through the whole daemon with the real models and the default pre-roll. Before the
 * command audio held the whole wake phrase, whisper-tiny heard "kitchen light." (e2e fixture,
 * pre-roll 0.5 s) or "Our restaurant location light." (espeak-ng saying it in one breath).
 */
const CLIPS: Array<[string, string, string]> = [
  ["test/fixtures/wav/e2e/hey-jarvis-kitchen-on-nopause.wav", "HassTurnOn", "kitchen_light"],
  // espeak-ng en-gb-x-rp+f3 in one breath (scripts/make-hearing-fixtures.ts).
  [
    "test/fixtures/wav/hearing/11-bedroom-light-off-nopause--en-gb-x-rp-f3--clean.wav",
    "HassTurnOff",
    "bedroom_light",
  ],
];

describe("a command said right after the wake word (real models)", () => {
  let config: string;

  beforeAll(() => {
    config = writeHomeConfig(tempDir("wake-phrase"));
  });

  afterAll(() => removeTempDirs());

  it.each(CLIPS)("%s: %s %s", async (clip, intent, target) => {
    const daemon = await runToEnd(config, path.join(ROOT, clip), ["--no-mqtt"]);
    const stt = daemon.events.find((e) => e.type === "stt-end");
    const done = daemon.events.find((e) => e.type === "intent-end");
    expect(done, JSON.stringify(stt)).toMatchObject({ intent, targets: [target] });
  });
});
