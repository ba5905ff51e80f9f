import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToEnd } from "../support/daemon-process.js";
import { sampleHome, writeHomeConfig } from "../support/home-config.js";
import { removeTempDirs, tempDir } from "../support/mqtt-harness.js";
import { type ClipPart, spokenClip } from "../support/spoken.js";

/**
 * Issue 15: a follow-up said without the wake word, through the whole daemon with the real
 * models: "hey jarvis, turn on the kitchen light", three seconds of silence, then "turn it
 * off" (espeak-ng, made on the spot) with conversation.follow_up_seconds on.
 */
/** "hey jarvis, turn on the kitchen light", three seconds of quiet, then `reply` and two seconds more. */
const afterKitchenOn = (reply: ClipPart[]) =>
  spokenClip([
    { silence: 0.5 },
    { say: "hey jarvis", speed: 125 },
    { silence: 0.4 },
    { say: "turn on the kitchen light" },
    { silence: 3 },
    ...reply,
    { silence: 2 },
  ]);

describe("a follow-up without the wake word (real models)", () => {
  let dir: string;
  let config: string;
  let clip: string;

  beforeAll(() => {
    dir = tempDir("follow-up");
    config = writeHomeConfig(dir);
    clip = path.join(dir, "follow-up.wav");
    writeFileSync(clip, afterKitchenOn([{ say: "turn it off" }]));
  });

  afterAll(() => removeTempDirs());

  /** The home of examples/home.yaml with a hallway light. */
  const hallwayHome = () => {
    const hallway = {
      id: "hallway_light",
      name: "hallway light",
      area: "hallway",
      domain: "light",
      command_topic: "home/hallway_light/set",
      schema: "json",
    };
    return writeHomeConfig(dir, { devices: [...sampleHome().devices, hallway] }, "hallway.yaml");
  };

  const run = async (followUpSeconds: number) => {
    const set = ["--set", `conversation.follow_up_seconds=${followUpSeconds}`];
    const daemon = await runToEnd(config, clip, ["--no-mqtt", ...set]);
    return daemon.events;
  };

  it("turn it off, heard in the window, acts on the kitchen light", async () => {
    const events = await run(6);
    const starts = events.filter((e) => e.type === "run-start");
    expect(starts[0]).toMatchObject({ trigger: "wake-word" });
    expect(starts[1]).toMatchObject({ trigger: "follow-up", previousRunId: starts[0]?.runId });
    const intents = events.filter((e) => e.type === "intent-end");
    const heard = events.filter((e) => e.type === "stt-end").map((e) => (e.type === "stt-end" ? e.text : ""));
    expect(intents, heard.join(" | ")).toMatchObject([
      { intent: "HassTurnOn", targets: ["kitchen_light"] },
      { intent: "HassTurnOff", targets: ["kitchen_light"], runId: starts[1]?.runId },
    ]);
  });

  it("'and the hallway light too', heard through the follow-up shapes of the sentence space", async () => {
    const too = path.join(dir, "too.wav");
    writeFileSync(
      too,
      afterKitchenOn([
        // This voice Whisper alone writes "And the whole way light too." (stt-end freeText), which
        // nothing understands: only the follow-up shapes of the sentence space make it right.
        { say: "and the hallway light too", voice: "en-gb", speed: 150 },
      ]),
    );
    const set = ["--set", "conversation.follow_up_seconds=6"];
    const { events } = await runToEnd(hallwayHome(), too, ["--no-mqtt", ...set]);
    const starts = events.filter((e) => e.type === "run-start");
    expect(starts[1]).toMatchObject({ trigger: "follow-up", previousRunId: starts[0]?.runId });
    const heard = events.flatMap((e) => (e.type === "stt-end" ? [e] : []));
    const intents = events.filter((e) => e.type === "intent-end");
    expect(intents, JSON.stringify(heard)).toMatchObject([
      { intent: "HassTurnOn", targets: ["kitchen_light"] },
      { intent: "HassTurnOn", targets: ["hallway_light"], runId: starts[1]?.runId },
    ]);
    expect(heard[1]).toMatchObject({ source: "grammar" });
  });

  it("a reply that opens with the wake word anyway is heard as after one", async () => {
    const again = path.join(dir, "again.wav");
    writeFileSync(
      again,
      afterKitchenOn([
        // In one breath, as people run a command on from the wake word. Heard in the window
        // without the wake phrase in Whisper's prompt, it came out as other words.
        { say: "hey jarvis bedroom light off" },
      ]),
    );
    const set = ["--set", "conversation.follow_up_seconds=6"];
    const { events } = await runToEnd(config, again, ["--no-mqtt", ...set]);
    const starts = events.filter((e) => e.type === "run-start");
    expect(starts[1]).toMatchObject({ trigger: "follow-up", previousRunId: starts[0]?.runId });
    const heard = events.flatMap((e) => (e.type === "stt-end" ? [e.text] : []));
    const intents = events.filter((e) => e.type === "intent-end");
    expect(intents, heard.join(" | ")).toMatchObject([
      { intent: "HassTurnOn", targets: ["kitchen_light"] },
      { intent: "HassTurnOff", targets: ["bedroom_light"], runId: starts[1]?.runId },
    ]);
  });

  it("without the setting the same audio is one command", async () => {
    const events = await run(0);
    expect(events.filter((e) => e.type === "run-start")).toHaveLength(1);
    expect(events.filter((e) => e.type === "intent-end")).toMatchObject([{ intent: "HassTurnOn" }]);
  });
});
