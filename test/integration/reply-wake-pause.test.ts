import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWav16kMono } from "../../src/audio/wav.js";
import { encodeWav } from "../../src/audio/wav-writer.js";
import { runToEnd } from "../support/daemon-process.js";
import { writeHomeConfig } from "../support/home-config.js";
import { removeTempDirs, tempDir } from "../support/mqtt-harness.js";

const HEARING = path.resolve(__dirname, "..", "fixtures/wav/hearing");

/**
 * Two committed hearing clips one second apart (espeak-ng en-gb+m3): "hey jarvis, turn on the
 * kitchen light", then, in the follow-up window it opens, "hey jarvis ... switch on the living
 * room lamp" with its pause after the wake phrase. The reply's speech began with the phrase, so
 * the pause after it ended the reply: only "Hey Jarvis." was heard (the hearing bench lost every
 * command said right after a question asked back this way). Now the reply is what follows.
 */
describe("a reply opened by the wake word and a pause is heard whole (real models)", () => {
  let config: string;
  let input: string;

  beforeAll(async () => {
    const dir = tempDir("reply-wake-pause");
    config = writeHomeConfig(dir, { conversation: { follow_up_seconds: 5 } });
    const first = await readWav16kMono(
      path.join(HEARING, "00-turn-on-the-kitchen-light--en-gb-m3--clean.wav"),
    );
    const second = await readWav16kMono(
      path.join(HEARING, "02-switch-on-the-living-room-lamp--en-gb-m3--clean.wav"),
    );
    const pair = new Int16Array(first.samples.length + 16_000 + second.samples.length);
    pair.set(first.samples, 0);
    pair.set(second.samples, first.samples.length + 16_000);
    input = path.join(dir, "pair.wav");
    writeFileSync(input, encodeWav(pair));
  });

  afterAll(() => removeTempDirs());

  it("the lamp goes on in the follow-up, its audio holding the phrase and the command", async () => {
    const run = await runToEnd(config, input, ["--no-mqtt"]);
    const followUp = run.events.find((e) => e.type === "run-start" && e.trigger === "follow-up");
    expect(followUp).toBeDefined();
    const runId = (followUp as { runId: string }).runId;
    const ofReply = run.events.filter((e) => "runId" in e && e.runId === runId);
    const heard = JSON.stringify(ofReply.find((e) => e.type === "stt-end"));
    // The phrase (~0.9 s), its pause and the command: not the phrase alone (1.3 s before).
    expect(
      ofReply.find((e) => e.type === "stt-start"),
      heard,
    ).toMatchObject({
      audioMs: expect.toSatisfy((ms: number) => ms > 3000),
    });
    expect(ofReply.filter((e) => e.type === "stt-vad-start")).toHaveLength(1);
    expect(
      run.events.filter((e) => e.type === "intent-end"),
      heard,
    ).toMatchObject([
      { intent: "HassTurnOn", targets: ["kitchen_light"] },
      { intent: "HassTurnOn", targets: ["living_room_lamp"] },
    ]);
  });
});
