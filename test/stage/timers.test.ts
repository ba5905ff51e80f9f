import { describe, expect, it } from "vitest";
import { TimerRinger } from "../../src/feedback/timer-ringer.js";
import type { IntentDecision, RecognizedIntent } from "../../src/intent/types.js";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import { TimerService } from "../../src/skills/timers/service.js";
import { TimerSkill } from "../../src/skills/timers/skill.js";
import { ringWords } from "../../src/skills/timers/speech.js";
import { silentLogger } from "../../src/util/logger.js";
import { templateIntent as intent } from "../support/fake-stages.js";
import { ManualTimers } from "../support/manual-timers.js";
import { ends, runSetup, S } from "../support/pipeline-setup.js";

const execute = (i: RecognizedIntent): IntentDecision => ({ kind: "execute", intent: i, ms: 1 });

/**
 * The pipeline of fakes with the real timer skill, service and ringer on one manual clock: a
 * timer set by text rings, and "stop" said in the pause between two rings (no wake word)
 * stops it.
 */
function setup() {
  const clock = new ManualTimers();
  let pipeline: Pipeline | null = null;
  let skill: TimerSkill | null = null;
  const played: string[] = [];
  const base = runSetup({
    // The skill goes in as the pipeline's LocalSkills, as the daemon wires it (made below: it needs the bus).
    skills: {
      handles: (i) => skill?.handles(i) ?? false,
      perform: (i, context) => (skill as TimerSkill).perform(i, context),
    },
    wakeAt: [],
    text: "stop",
    speech: [[1.2 * S, 2.0 * S]],
    timer: clock.timer,
    decisions: {
      "set a pasta timer for 1 minute": execute(intent("HassStartTimer", { minutes: 1, name: "pasta" })),
      stop: execute(intent("HassNevermind")),
    },
  });
  const service = new TimerService({
    bus: base.bus,
    store: null,
    logger: silentLogger(),
    clock: clock.clock,
    wallClock: () => Date.UTC(2026, 11, 2) + clock.clock(),
    timer: clock.timer,
  });
  const ringer = new TimerRinger({
    player: { playWav: async () => {}, speak: async (text) => void played.push(text) },
    voice: "en-us",
    limitMs: 60_000,
    pauseMs: 4000,
    words: ringWords,
    listen: (seconds) => pipeline?.openFollowUp(seconds),
    busy: () => pipeline?.busy ?? false,
    clock: clock.clock,
    sleep: clock.sleep,
  }).attach(base.bus);
  skill = new TimerSkill(service, ringer);
  pipeline = base.pipeline;
  return { ...base, clock, service, ringer, played };
}

describe("timers in the pipeline (fakes, real timer skill)", () => {
  it("a timer set by text is answered, rings, and a spoken stop without the wake word ends the ringing", async () => {
    const t = setup();
    const { events, pipeline } = t;
    t.service.start();
    await pipeline.handleText("set a pasta timer for 1 minute");
    expect(events.find((e) => e.type === "intent-end")).toMatchObject({
      intent: "HassStartTimer",
      speech: "pasta timer set for 1 minute",
    });
    expect(ends(events)).toEqual([["run-1", "answered"]]);
    expect(events.some((e) => e.type === "timer-started")).toBe(true);
    t.clock.advance(60_000);
    await t.clock.waiting(4000);
    expect(t.played).toEqual(["your pasta timer is done"]);
    expect(t.ringer.isRinging("kitchen")).toBe(true);
    // The pause: the board listens without the wake word; "stop" (fake VAD: speech 1.2-2.0 s).
    await t.feed(0, 4);
    const followUp = events.find((e) => e.type === "run-start" && e.trigger === "follow-up");
    expect(followUp).toBeDefined();
    expect(events.filter((e) => e.type === "intent-end").at(-1)).toMatchObject({
      intent: "HassNevermind",
      speech: "okay",
    });
    expect(ends(events).at(-1)).toEqual([followUp?.runId, "answered"]);
    expect(t.ringer.isRinging("kitchen")).toBe(false);
    t.clock.advance(60_000);
    expect(t.played).toEqual(["your pasta timer is done"]);
    expect(t.commands.published).toEqual([]);
  });
});
