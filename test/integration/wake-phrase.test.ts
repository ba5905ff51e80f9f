import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { startDaemon } from "../support/daemon-process.js";
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
    const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8"));
    const dir = tempDir("wake-phrase");
    config = path.join(dir, "config.yaml");
    writeFileSync(config, stringify({ ...home, state_dir: dir }));
  });

  afterAll(() => removeTempDirs());

  it.each(CLIPS)("%s: %s %s", async (clip, intent, target) => {
    const args = [
      "run",
      "--config",
      config,
      "--input",
      path.join(ROOT, clip),
      "--events",
      "json",
      "--no-mqtt",
    ];
    const daemon = startDaemon(args);
    expect(await daemon.exited, daemon.stderr()).toBe(0);
    const stt = daemon.events.find((e) => e.type === "stt-end");
    const done = daemon.events.find((e) => e.type === "intent-end");
    expect(done, JSON.stringify(stt)).toMatchObject({ intent, targets: [target] });
  });
});
