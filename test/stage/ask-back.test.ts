import { describe, expect, it } from "vitest";
import type { PipelineEvent } from "../../src/events/types.js";
import { runReply } from "../../src/feedback/run-reply.js";
import { createIntentHandler } from "../../src/intent/create.js";
import type { LocalSkills } from "../../src/pipeline/skills.js";
import { TimerService } from "../../src/skills/timers/service.js";
import { TimerSkill } from "../../src/skills/timers/skill.js";
import { silentLogger } from "../../src/util/logger.js";
import { testBus } from "../support/bus.js";
import { ManualTimers } from "../support/manual-timers.js";
import { ends, runSetup, S } from "../support/pipeline-setup.js";
import { homeConfig, homeRegistry } from "../unit/intent/home.js";

/**
 * A guess speech to text would not act on, asked back: the real intent stage over the sample
 * home, fakes for the audio stages. The person said something Whisper wrote as nonsense; the
 * guided pass guessed a sentence of the home but was not sure enough to act on it.
 */
const config = homeConfig();
const registry = homeRegistry(config);
const intent = await createIntentHandler(config, registry, silentLogger());

function asked(free: string, guess: string, followUp?: number, skills?: LocalSkills) {
  const setup = runSetup({
    intent,
    text: free,
    ...(followUp ? { commandFollowUpSeconds: followUp } : {}),
    ...(skills ? { skills } : {}),
    speech: [
      [1.2 * S, 2.5 * S],
      [4 * S, 4.5 * S],
    ],
  });
  setup.transcriber.askBack = guess;
  /** Feeds up to `to` seconds; the person says `next` once the run before has ended. */
  const say = async (from: number, to: number, next?: string) => {
    await setup.feed(from, to);
    if (next !== undefined) {
      setup.transcriber.text = next;
      setup.transcriber.askBack = undefined;
    }
  };
  return { ...setup, say };
}

const rejections = (events: PipelineEvent[]) => events.filter((e) => e.type === "intent-rejected");
const lookup = (id: string) => {
  const device = registry.get(id);
  return device ? { name: device.name, domain: device.domain } : undefined;
};
/** What the board says for a rejection (feedback/run-reply.ts). */
const spoken = (question: PipelineEvent | undefined) =>
  runReply("rejected", { rejected: question as Extract<PipelineEvent, { type: "intent-rejected" }> }, lookup);

describe("asking back a guess (stt.guided_ask_min_score)", () => {
  it("'did you mean ...?', and a spoken yes carries the guess out", async () => {
    const c = asked("I hope you enjoyed this video.", "Can you switch off the kitchen light?");
    await c.say(0, 3.5, "yes");
    const [question] = rejections(c.events);
    expect(question).toMatchObject({
      runId: "run-1",
      reason: "needs-confirmation",
      intent: "HassTurnOff",
      targets: ["kitchen_light"],
      guessed: "Can you switch off the kitchen light?",
    });
    expect(c.commands.published).toEqual([]);
    expect(spoken(question)).toBe("did you mean can you switch off the kitchen light? say yes");
    await c.say(3.5, 7);
    expect(c.commands.published).toMatchObject([{ intent: "HassTurnOff", targets: ["kitchen_light"] }]);
    expect(ends(c.events).slice(0, 2)).toEqual([
      ["run-1", "rejected"],
      ["run-2", "published"],
    ]);
  });

  it("the question carries what a yes would do, slots included", async () => {
    const c = asked("Hey Jarvis, kitchen light, 40", "Set the kitchen light to 40%.");
    await c.say(0, 3.5, "no");
    await c.say(3.5, 7);
    expect(rejections(c.events)[0]).toMatchObject({
      reason: "needs-confirmation",
      intent: "HassLightSet",
      targets: ["kitchen_light"],
      slots: { brightness: 40 },
    });
  });

  it("a no cancels it: nothing is done", async () => {
    const c = asked("I'm so tired.", "Turn off the kitchen light.");
    await c.say(0, 3.5, "no");
    await c.say(3.5, 7);
    expect(rejections(c.events).map((e) => e.reason)).toEqual(["needs-confirmation", "cancelled"]);
    expect(c.commands.published).toEqual([]);
  });

  it("the request said again instead of a yes goes on as a request", async () => {
    const c = asked("I'm not a friend of yours.", "Turn off the kitchen light.");
    await c.say(0, 3.5, "no, turn off the hallway light");
    await c.say(3.5, 7);
    expect(rejections(c.events).map((e) => e.reason)).toEqual(["needs-confirmation"]);
    expect(c.commands.published).toMatchObject([{ intent: "HassTurnOff", targets: ["hallway_light"] }]);
    expect(ends(c.events).slice(0, 2)).toEqual([
      ["run-1", "rejected"],
      ["run-2", "published"],
    ]);
  });

  it("an answer naming only what was meant: 'no, the hall light'", async () => {
    const c = asked("I'm not a friend of yours.", "Turn off the kitchen light.");
    await c.say(0, 3.5, "no, the hall light");
    await c.say(3.5, 7);
    expect(rejections(c.events).map((e) => e.reason)).toEqual(["needs-confirmation"]);
    expect(c.commands.published).toMatchObject([{ intent: "HassTurnOff", targets: ["hallway_light"] }]);
  });

  it.each([
    {
      what: "a name heard in part that fits two devices: the request about the other",
      free: "Turn on room light.",
      guess: "Turn on the bedroom light.",
      offers: { otherNames: ["living room light"] },
      alternative: "turn on the living room light",
      published: { intent: "HassTurnOn", targets: ["living_room_ceiling", "living_room_lamp"] },
    },
    {
      what: "a doubted 'off': the request the other way",
      free: "",
      guess: "Turn off the kitchen light.",
      offers: { otherRequests: ["Hey Jarvis, turn on the kitchen light."] },
      alternative: "turn on the kitchen light",
      published: { intent: "HassTurnOn", targets: ["kitchen_light"] },
    },
  ])(
    "$what is offered, and saying it carries it out",
    async ({ free, guess, offers, alternative, published }) => {
      const c = asked(free, guess);
      Object.assign(c.transcriber, offers);
      await c.say(0, 3.5, alternative);
      Object.assign(c.transcriber, { otherNames: undefined, otherRequests: undefined });
      await c.say(3.5, 7);
      const [question] = rejections(c.events);
      expect(question).toMatchObject({
        reason: "needs-confirmation",
        guessed: guess,
        alternatives: [alternative],
      });
      const said = guess.replace(/\.$/, "").toLowerCase();
      expect(spoken(question)).toBe(`did you mean ${said}? say yes, or say ${alternative}`);
      expect(c.commands.published).toMatchObject([published]);
    },
  );

  it("no text to act on, only a sentence to ask about (an 'off' written by a hair): asked", async () => {
    const c = asked("", "Turn off the kitchen light.");
    await c.say(0, 3.5, "yes");
    await c.say(3.5, 7);
    expect(rejections(c.events)[0]).toMatchObject({
      reason: "needs-confirmation",
      intent: "HassTurnOff",
      guessed: "Turn off the kitchen light.",
    });
    expect(c.commands.published).toMatchObject([{ intent: "HassTurnOff", targets: ["kitchen_light"] }]);
  });

  it("'it' in the answer is what was asked about: 'no, turn it on'", async () => {
    const c = asked("I'm so tired.", "Turn off the kitchen light.");
    await c.say(0, 3.5, "No, turn it on.");
    await c.say(3.5, 7);
    expect(c.commands.published).toMatchObject([{ intent: "HassTurnOn", targets: ["kitchen_light"] }]);
  });

  it("an answer asking for what needs a yes asks for that yes", async () => {
    const c = asked("I'm not a friend of yours.", "Lock the front door.");
    await c.say(0, 3.5, "unlock the front door");
    await c.say(3.5, 7);
    expect(rejections(c.events)).toMatchObject([
      { runId: "run-1", reason: "needs-confirmation", intent: "HassTurnOn", guessed: "Lock the front door." },
      { runId: "run-2", reason: "needs-confirmation", intent: "HassTurnOff", targets: ["front_door"] },
    ]);
    expect(rejections(c.events)[1]).not.toHaveProperty("guessed");
    expect(c.commands.published).toEqual([]);
  });

  it("a sensitive action's question is not a guess: anything but a yes cancels it, as before", async () => {
    const c = asked("unlock the front door", "Turn off the kitchen light.");
    await c.say(0, 3.5, "turn off the hallway light");
    await c.say(3.5, 7);
    expect(rejections(c.events).map((e) => e.reason)).toEqual(["needs-confirmation", "cancelled"]);
    expect(c.commands.published).toEqual([]);
  });

  it("a guess that guards the home is never asked: 'sorry', and no window for a yes", async () => {
    const c = asked("I'm not a friend of yours.", "Unlock the front door.");
    await c.say(0, 3.5, "yes");
    await c.say(3.5, 7);
    expect(rejections(c.events)).toMatchObject([{ runId: "run-1", reason: "not-recognized" }]);
    expect(rejections(c.events)[0]).not.toHaveProperty("guessed");
    expect(c.commands.published).toEqual([]);
    expect(ends(c.events)).toEqual([["run-1", "rejected"]]);
  });

  it("what was heard freely and understood goes on; the guess is not asked", async () => {
    const c = asked("turn on the hallway light", "Turn off the kitchen light.");
    await c.say(0, 3.5);
    expect(rejections(c.events)).toEqual([]);
    expect(c.commands.published).toMatchObject([{ intent: "HassTurnOn", targets: ["hallway_light"] }]);
  });

  it("not in a follow-up window: someone there may not be speaking to the board", async () => {
    const c = asked("turn on the hallway light", "Turn off the kitchen light.", 5);
    await c.say(0, 3.5, "Thanks.");
    c.transcriber.askBack = "Turn off the kitchen light.";
    await c.say(3.5, 7);
    expect(c.commands.published).toMatchObject([{ intent: "HassTurnOn", targets: ["hallway_light"] }]);
    expect(rejections(c.events)).toMatchObject([{ runId: "run-2", reason: "not-recognized" }]);
    expect(rejections(c.events)[0]).not.toHaveProperty("guessed");
  });

  it("a guess about a timer is asked only while there is a timer to act on", async () => {
    const clock = new ManualTimers();
    const timers = new TimerService({
      bus: testBus(),
      store: null,
      logger: silentLogger(),
      clock: clock.clock,
      timer: clock.timer,
    });
    timers.start();
    const skill = new TimerSkill(timers);
    // "Did you mean pause the timer?" with none running: a yes would change nothing.
    const idle = asked("Hey Jarvis, call the driver.", "Pause the timer.", undefined, skill);
    await idle.say(0, 7);
    expect(rejections(idle.events)).toMatchObject([{ runId: "run-1", reason: "not-recognized" }]);
    expect(rejections(idle.events)[0]).not.toHaveProperty("guessed");
    expect(ends(idle.events)).toEqual([["run-1", "rejected"]]);

    timers.startTimer({ seconds: 600, site: "kitchen" });
    const running = asked("Hey Jarvis, call the driver.", "Pause the timer.", undefined, skill);
    await running.say(0, 3.5, "yes");
    await running.say(3.5, 7);
    expect(rejections(running.events)).toMatchObject([
      { runId: "run-1", reason: "needs-confirmation", intent: "HassPauseTimer", guessed: "Pause the timer." },
    ]);
    expect(ends(running.events).slice(0, 2)).toEqual([
      ["run-1", "rejected"],
      ["run-2", "answered"],
    ]);
    expect(timers.select({ site: "kitchen" })).toMatchObject({ kind: "found", timers: [{ paused: true }] });
    // A new timer is always something to do.
    expect(
      skill.wouldAct(
        { intent: "HassStartTimer", targets: [], slots: { minutes: 5 }, source: "template", confidence: 1 },
        "hall",
      ),
    ).toBe(true);
    timers.stop();
  });

  it("a guess the templates do not read is not asked", async () => {
    const c = asked("I'm so tired.", "Turn off the garden gnome.");
    await c.say(0, 3.5);
    expect(rejections(c.events)).toMatchObject([{ reason: "not-recognized" }]);
  });
});
