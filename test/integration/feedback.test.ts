import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EventBus } from "../../src/events/bus.js";
import type { EventInput, RunOutcome } from "../../src/events/types.js";
import { Feedback } from "../../src/feedback/feedback.js";
import { SoundPlayer } from "../../src/feedback/player.js";
import { testBus } from "../support/bus.js";
import { FakePrograms } from "../support/fake-programs.js";

let fakes: FakePrograms;
let feedback: Feedback | null = null;

beforeEach(() => {
  fakes = new FakePrograms();
});

afterEach(async () => {
  await feedback?.dispose();
  feedback = null;
  fakes.dispose();
});

const DEVICES: Record<string, { name: string; domain: string }> = {
  kitchen_light: { name: "kitchen light", domain: "light" },
  front_door: { name: "front door", domain: "lock" },
};

function setup(earcons: boolean, speech: boolean) {
  const bus = testBus();
  const player = new SoundPlayer({
    player: "aplay",
    outputDevice: null,
    programs: { aplay: fakes.path("aplay"), espeak: fakes.path("espeak-ng") },
    env: fakes.env,
    tailMs: 0,
  });
  feedback = new Feedback({
    config: { earcons, speech, voice: "en-gb", player: "aplay", output_device: null, gate_seconds: 0 },
    lookup: (id) => DEVICES[id],
    player,
  }).attach(bus);
  return { bus, player };
}

/** What was heard: "wav" for an earcon (a RIFF file on the player's stdin) or the spoken text. */
function heard(): string[] {
  return fakes
    .calls()
    .filter((c) => c.program === "aplay")
    .map((c) =>
      c.stdin.subarray(0, 4).toString() === "RIFF" ? `earcon:${c.stdin.length}` : c.stdin.toString(),
    );
}

function run(bus: EventBus, runId: string, middle: EventInput[], outcome: RunOutcome) {
  bus.emit({ type: "run-start", runId, site: "kitchen" });
  bus.emit({ type: "wake_word-end", runId, wakeWord: "hey_jarvis", score: 0.9, audioMs: 1000 });
  for (const event of middle) bus.emit(event);
  bus.emit({ type: "run-end", runId, outcome, ms: 2000 });
}

const turnOn: EventInput = {
  type: "intent-end",
  runId: "r1",
  intent: "HassTurnOn",
  targets: ["kitchen_light"],
  slots: {},
  source: "template",
  ms: 20,
};

describe("Feedback.fromConfig", () => {
  it("is null when earcons and speech are off, the default", () => {
    const base = { voice: "en-us", player: "auto" as const, output_device: null, gate_seconds: 0.4 };
    expect(Feedback.fromConfig({ ...base, earcons: false, speech: false }, () => undefined)).toBeNull();
    // Disposed by afterEach: its player has started a relay shell and made a directory.
    feedback = Feedback.fromConfig({ ...base, earcons: true, speech: false }, () => undefined);
    expect(feedback).toBeInstanceOf(Feedback);
  });
});

describe("Feedback", () => {
  it("chimes on wake, rings on done and says what it did", async () => {
    const { bus, player } = setup(true, true);
    run(bus, "r1", [turnOn], "published");
    await player.idle();
    const sounds = heard();
    expect(sounds).toHaveLength(3);
    expect(sounds[0]).toMatch(/^earcon:/);
    expect(sounds[1]).toMatch(/^earcon:/);
    expect(sounds[0]).not.toBe(sounds[1]); // wake chime and done bell differ
    expect(sounds[2]).toBe("SPEECH:kitchen light on");
    expect(
      fakes
        .calls()
        .find((c) => c.program === "espeak-ng")
        ?.args.slice(0, 2),
    ).toEqual(["-v", "en-gb"]);
  });

  it("confirms a recognized command without MQTT (--no-mqtt) like a published one", async () => {
    const { bus, player } = setup(false, true);
    run(bus, "r1", [turnOn], "recognized");
    await player.idle();
    expect(heard()).toEqual(["SPEECH:kitchen light on"]);
  });

  it("speaks a skill's answer (intent-end.speech) when the run ends answered", async () => {
    const { bus, player } = setup(false, true);
    const answer: EventInput = {
      type: "intent-end",
      runId: "r1",
      intent: "HassGetState",
      targets: ["front_door"],
      slots: { state: "locked" },
      source: "template",
      ms: 3,
      speech: "the front door is locked",
    };
    run(bus, "r1", [answer], "answered");
    await player.idle();
    expect(heard()).toEqual(["SPEECH:the front door is locked"]);
  });

  it("says so when a command expired undelivered", async () => {
    const { bus, player } = setup(true, true);
    run(bus, "r1", [turnOn], "dropped");
    await player.idle();
    const sounds = heard();
    expect(sounds).toHaveLength(3);
    expect(sounds[2]).toBe("SPEECH:sorry, I couldn't send that");
  });

  it("apologizes when not understood", async () => {
    const { bus, player } = setup(false, true);
    run(bus, "r2", [{ type: "intent-rejected", runId: "r2", reason: "not-recognized" }], "rejected");
    await player.idle();
    expect(heard()).toEqual(["SPEECH:sorry, I didn't get that"]);
  });

  it("asks for a yes, then chimes to show it is listening", async () => {
    const { bus, player } = setup(true, true);
    run(
      bus,
      "r3",
      [
        {
          type: "intent-rejected",
          runId: "r3",
          reason: "needs-confirmation",
          intent: "HassTurnOff",
          targets: ["front_door"],
        },
      ],
      "rejected",
    );
    await player.idle();
    const sounds = heard();
    expect(sounds[1]).toBe("SPEECH:say yes to unlock the front door");
    expect(sounds[2]).toBe(sounds[0]); // the wake chime again
  });

  it("stays quiet after a false wake (no speech) apart from the wake chime", async () => {
    const { bus, player } = setup(true, true);
    run(bus, "r4", [], "no-speech");
    await player.idle();
    expect(heard()).toHaveLength(1);
  });

  it("a board that lost the rooms arbitration says nothing after the wake chime", async () => {
    const { bus, player } = setup(true, true);
    const decision: EventInput = {
      type: "arbitration",
      runId: "r8",
      group: "home",
      won: false,
      reason: "outranked",
      winner: "hallway",
      claims: [],
      late: [],
      ms: 200,
    };
    run(bus, "r8", [decision], "lost-arbitration");
    await player.idle();
    expect(heard()).toHaveLength(1);
  });

  it("plays the error tone and says so when a run fails", async () => {
    const { bus, player } = setup(true, true);
    run(bus, "r5", [{ type: "error", runId: "r5", code: "stt-failed", message: "x" }], "error");
    await player.idle();
    const sounds = heard();
    expect(sounds).toHaveLength(3);
    expect(sounds[2]).toBe("SPEECH:sorry, something went wrong");
  });

  it("on a base, a satellite's run makes no sound: the satellite plays and speaks for itself", async () => {
    const { bus, player } = setup(true, true);
    bus.emit({ type: "run-start", runId: "s1", site: "kitchen", trigger: "satellite" });
    bus.emit({ type: "wake_word-end", runId: "s1", wakeWord: "hey_jarvis", score: 0.9, audioMs: 0 });
    bus.emit({ ...turnOn, runId: "s1" });
    bus.emit({ type: "run-end", runId: "s1", outcome: "published", ms: 900 });
    await player.idle();
    expect(heard()).toEqual([]);
    // The base's own runs are heard as before.
    run(bus, "r1", [turnOn], "published");
    await player.idle();
    expect(heard()).toHaveLength(3);
  });

  it("on a base, a satellite's answer to its question (a follow-up of a satellite's run) makes no sound", async () => {
    const { bus, player } = setup(true, true);
    bus.emit({ type: "run-start", runId: "s2", site: "kitchen", trigger: "satellite" });
    bus.emit({ type: "run-end", runId: "s2", outcome: "rejected", ms: 900 });
    bus.emit({ type: "run-start", runId: "s3", site: "kitchen", trigger: "follow-up", previousRunId: "s2" });
    bus.emit({ ...turnOn, runId: "s3" });
    bus.emit({ type: "run-end", runId: "s3", outcome: "published", ms: 900 });
    await player.idle();
    expect(heard()).toEqual([]);
  });

  it("on a satellite, a run the base answered chimes but leaves the words to hermes/tts/say", async () => {
    const { bus, player } = setup(true, true);
    bus.emit({ type: "run-start", runId: "r6", site: "kitchen" });
    bus.emit({ type: "wake_word-end", runId: "r6", wakeWord: "hey_jarvis", score: 0.9, audioMs: 1000 });
    bus.emit({ type: "run-end", runId: "r6", outcome: "error", ms: 2000, answeredBy: "pi5" });
    await player.idle();
    const sounds = heard();
    expect(sounds).toHaveLength(2);
    expect(sounds.every((s) => s.startsWith("earcon:"))).toBe(true);
  });

  it("does nothing when both are off, and reports the gate while playing", async () => {
    const quiet = setup(false, false);
    expect(feedback?.enabled).toBe(false);
    run(quiet.bus, "r6", [turnOn], "published");
    await quiet.player.idle();
    expect(heard()).toEqual([]);
    await feedback?.dispose();
    const loud = setup(true, false);
    loud.bus.emit({ type: "wake_word-end", runId: "r7", wakeWord: "hey_jarvis", score: 0.9, audioMs: 1 });
    expect(feedback?.isPlaying()).toBe(true);
    await loud.player.idle();
    expect(feedback?.isPlaying()).toBe(false);
  });

  describe("in a rooms group (wake_word-end.arbitrated)", () => {
    const claimed = (runId: string): EventInput => ({
      type: "wake_word-end",
      runId,
      wakeWord: "hey_jarvis",
      score: 0.9,
      audioMs: 1000,
      arbitrated: true,
    });
    const decision = (runId: string, won: boolean): EventInput => ({
      type: "arbitration",
      runId,
      group: "home",
      won,
      reason: won ? "best" : "outranked",
      winner: won ? "kitchen" : "hallway",
      claims: [],
      late: [],
      ms: 200,
    });

    it("the winner chimes at the decision; a loser is never heard", async () => {
      const { bus, player } = setup(true, true);
      bus.emit({ type: "run-start", runId: "w", site: "kitchen" });
      bus.emit(claimed("w"));
      await player.idle();
      expect(heard()).toEqual([]);
      bus.emit(decision("w", true));
      await player.idle();
      expect(heard()).toHaveLength(1);

      bus.emit({ type: "run-start", runId: "l", site: "kitchen" });
      bus.emit(claimed("l"));
      bus.emit(decision("l", false));
      bus.emit({ type: "run-end", runId: "l", outcome: "lost-arbitration", ms: 300 });
      await player.idle();
      expect(heard()).toHaveLength(1);
    });

    it("a run that ended before the decision is heard only if it won", async () => {
      const { bus, player } = setup(true, true);
      for (const [runId, won] of [
        ["lost", false],
        ["won", true],
      ] as const) {
        bus.emit({ type: "run-start", runId, site: "kitchen" });
        bus.emit(claimed(runId));
        bus.emit({ type: "intent-rejected", runId, reason: "not-recognized" });
        bus.emit({ type: "run-end", runId, outcome: "rejected", ms: 900 });
        await player.idle();
        expect(heard()).toEqual([]);
        bus.emit(decision(runId, won));
      }
      await player.idle();
      // The winner's error earcon and its apology; nothing from the loser, and no wake chime after the end.
      expect(heard()).toHaveLength(2);
      expect(heard()[1]).toMatch(/^SPEECH:/);
    });
  });
});
