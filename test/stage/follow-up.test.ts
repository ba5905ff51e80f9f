import { describe, expect, it } from "vitest";
import { boardSkills } from "../../src/daemon/skills.js";
import type { PipelineEvent } from "../../src/events/types.js";
import { createIntentHandler } from "../../src/intent/create.js";
import { LEAD_SECONDS } from "../../src/pipeline/pre-roll.js";
import { DeviceStateStore } from "../../src/skills/state-store.js";
import { silentLogger } from "../../src/util/logger.js";
import { ends, runSetup, S } from "../support/pipeline-setup.js";
import { homeConfig, homeRegistry } from "../unit/intent/home.js";

/**
 * Issue 15's follow-ups with fakes for the audio stages and the real intent stage and skills
 * over the sample home: one wake word, then more commands in follow-up windows, read in the
 * light of the run before.
 */
const config = homeConfig();
const registry = homeRegistry(config);
const intent = await createIntentHandler(config, registry, silentLogger());

function conversation(options: { followUp?: number; speech: [number, number][]; wakeAt?: number[] }) {
  const states = new DeviceStateStore();
  const setup = runSetup({
    intent,
    skills: boardSkills(config, registry, states),
    text: "turn on the kitchen light",
    speech: options.speech.map(([from, to]) => [from * S, to * S]),
    ...(options.followUp ? { commandFollowUpSeconds: options.followUp } : {}),
    ...(options.wakeAt ? { wakeAt: options.wakeAt.map((at) => at * S) } : {}),
  });
  /** Feeds up to `to` seconds; the person says `next` once the run before has ended. */
  const say = async (from: number, to: number, next?: string) => {
    await setup.feed(from, to);
    if (next) setup.transcriber.text = next;
  };
  return { ...setup, states, say };
}

const starts = (events: PipelineEvent[]) =>
  events.flatMap((e) => (e.type === "run-start" ? [[e.runId, e.trigger, e.previousRunId]] : []));
const intents = (events: PipelineEvent[]) =>
  events.flatMap((e) => (e.type === "intent-end" ? [[e.intent, e.targets.join(",")]] : []));

describe("follow-ups without the wake word (conversation.follow_up_seconds)", () => {
  it("'and the hallway light too' after a command repeats it on the new target", async () => {
    const c = conversation({
      followUp: 5,
      speech: [
        [1.2, 2.5],
        [4, 5],
      ],
    });
    await c.say(0, 3.5, "and the hallway light too");
    await c.say(3.5, 7);
    // Each command carried out opens the next window: run-3 listens after run-2.
    expect(starts(c.events)).toEqual([
      ["run-1", "wake-word", undefined],
      ["run-2", "follow-up", "run-1"],
      ["run-3", "follow-up", "run-2"],
    ]);
    expect(intents(c.events)).toEqual([
      ["HassTurnOn", "kitchen_light"],
      ["HassTurnOn", "hallway_light"],
    ]);
    expect(ends(c.events).slice(0, 2)).toEqual([
      ["run-1", "published"],
      ["run-2", "published"],
    ]);
  });

  it("a follow-up's audio starts shortly before its speech, not when its window opened", async () => {
    const c = conversation({
      followUp: 5,
      speech: [
        [1.2, 2.5],
        [4.5, 5.5],
      ],
    });
    await c.say(0, 3.5, "and the hallway light too");
    await c.say(3.5, 7.5);
    const [, followUp] = c.transcriber.calls;
    // From LEAD_SECONDS before the speech to where it stopped (within one VAD window): not the
    // second of quiet since the window opened.
    const expected = (5.5 - 4.5 + LEAD_SECONDS) * S;
    expect(Math.abs((followUp?.samples ?? 0) - expected)).toBeLessThan(512);
    expect(intents(c.events)[1]).toEqual(["HassTurnOn", "hallway_light"]);
  });

  it("a reply that opens with the wake word is heard as a wake run's: Whisper told the phrase, the text stripped of it", async () => {
    const c = conversation({
      followUp: 5,
      speech: [
        [1.2, 2.5],
        [4, 5.5],
      ],
      wakeAt: [1, 4.7],
    });
    await c.say(0, 3.5, "Hey Jarvis, turn off the kitchen light.");
    await c.say(3.5, 7);
    const [, reply] = c.transcriber.calls;
    expect(reply?.prompt).toMatch(/^Hey Jarvis,/);
    expect(starts(c.events)[1]).toEqual(["run-2", "follow-up", "run-1"]);
    expect(intents(c.events)).toEqual([
      ["HassTurnOn", "kitchen_light"],
      ["HassTurnOff", "kitchen_light"],
    ]);
  });

  it("a reply that opens with the wake word and a pause is heard whole, not ended after the phrase", async () => {
    // "hey jarvis" 4-4.8 s, a pause longer than the trailing silence (0.7 s), the command 5.7-7 s;
    // the wake word fires at 4.9 s, during the pause.
    const c = conversation({
      followUp: 5,
      speech: [
        [1.2, 2.5],
        [4, 4.8],
        [5.7, 7],
      ],
      wakeAt: [1, 4.9],
    });
    await c.say(0, 3.5, "Hey Jarvis, turn off the kitchen light.");
    await c.say(3.5, 9);
    const [, reply] = c.transcriber.calls.filter((call) => !call.aborted);
    expect(reply?.prompt).toMatch(/^Hey Jarvis,/);
    // From shortly before the phrase to the command's end: the phrase and the command.
    const expected = (7 - 4 + LEAD_SECONDS) * S;
    expect(Math.abs((reply?.samples ?? 0) - expected)).toBeLessThan(512);
    const vadStarts = c.events.filter((e) => e.type === "stt-vad-start" && e.runId === "run-2");
    expect(vadStarts).toHaveLength(1);
    expect(intents(c.events)).toEqual([
      ["HassTurnOn", "kitchen_light"],
      ["HassTurnOff", "kitchen_light"],
    ]);
  });

  it("a reply's wake word heard before its speech still starts the audio shortly before the speech", async () => {
    const c = conversation({
      followUp: 5,
      speech: [
        [1.2, 2.5],
        [4.5, 5.5],
      ],
      wakeAt: [1, 4.5],
    });
    await c.say(0, 3.5, "Hey Jarvis, turn off the kitchen light.");
    await c.say(3.5, 7.5);
    const [, reply] = c.transcriber.calls;
    expect(reply?.prompt).toMatch(/^Hey Jarvis,/);
    const expected = (5.5 - 4.5 + LEAD_SECONDS) * S;
    expect(Math.abs((reply?.samples ?? 0) - expected)).toBeLessThan(512);
  });

  it("the wake word said late in a reply is words of it, not its opening", async () => {
    const c = conversation({
      followUp: 5,
      speech: [
        [1.2, 2.5],
        [4, 7.5],
      ],
      wakeAt: [1, 7],
    });
    await c.say(0, 3.5, "and the hallway light too");
    await c.say(3.5, 9.5);
    const [, reply] = c.transcriber.calls;
    expect(reply?.prompt ?? "").not.toMatch(/Hey Jarvis/);
    expect(intents(c.events)[1]).toEqual(["HassTurnOn", "hallway_light"]);
  });

  it("'turn it off' points at the previous target", async () => {
    const c = conversation({
      followUp: 5,
      speech: [
        [1.2, 2.5],
        [4, 5],
      ],
    });
    await c.say(0, 3.5, "turn it off");
    await c.say(3.5, 7);
    expect(intents(c.events)).toEqual([
      ["HassTurnOn", "kitchen_light"],
      ["HassTurnOff", "kitchen_light"],
    ]);
  });

  it("is off by default: after a command, speech without the wake word starts nothing", async () => {
    const c = conversation({
      speech: [
        [1.2, 2.5],
        [4, 5],
      ],
    });
    await c.say(0, 3.5, "and the hallway light too");
    await c.say(3.5, 7);
    expect(starts(c.events)).toEqual([["run-1", "wake-word", undefined]]);
  });

  it("a window nobody speaks in closes as no-speech; later speech needs the wake word", async () => {
    const c = conversation({
      followUp: 2,
      speech: [
        [1.2, 2.5],
        [8, 9],
      ],
    });
    await c.say(0, 3.5, "and the hallway light too");
    await c.say(3.5, 11);
    expect(ends(c.events)).toEqual([
      ["run-1", "published"],
      ["run-2", "no-speech"],
    ]);
    expect(intents(c.events)).toHaveLength(1);
  });

  it("a state answer, 'unlock it', then the yes: the lock still needs its confirmation", async () => {
    const c = conversation({
      followUp: 4,
      speech: [
        [1.2, 2.5],
        [4, 5],
        [7, 7.5],
      ],
    });
    c.states.set("front_door", "LOCKED", 0);
    c.transcriber.text = "is the front door locked";
    await c.say(0, 3.5, "unlock it");
    expect(c.events.find((e) => e.type === "intent-end")).toMatchObject({
      speech: "the front door is locked",
    });
    await c.say(3.5, 6.5, "yes");
    expect(c.events.filter((e) => e.type === "intent-rejected")).toMatchObject([
      { runId: "run-2", reason: "needs-confirmation", intent: "HassTurnOff", targets: ["front_door"] },
    ]);
    expect(c.commands.published).toEqual([]);
    await c.say(6.5, 10);
    expect(starts(c.events).slice(0, 3)).toEqual([
      ["run-1", "wake-word", undefined],
      ["run-2", "follow-up", "run-1"],
      ["run-3", "follow-up", "run-2"],
    ]);
    expect(c.commands.published).toMatchObject([{ intent: "HassTurnOff", targets: ["front_door"] }]);
    expect(ends(c.events).slice(0, 3)).toEqual([
      ["run-1", "answered"],
      ["run-2", "rejected"],
      ["run-3", "published"],
    ]);
  });
});
