import { describe, expect, it } from "vitest";
import type { PipelineEvent } from "../../../../src/events/types.js";
import { TimerService } from "../../../../src/skills/timers/service.js";
import { type Ringing, TimerSkill } from "../../../../src/skills/timers/skill.js";
import { durationWords, overdueSpeech } from "../../../../src/skills/timers/speech.js";
import { silentLogger } from "../../../../src/util/logger.js";
import { testBus } from "../../../support/bus.js";
import { templateIntent as intent } from "../../../support/fake-stages.js";
import { ManualTimers } from "../../../support/manual-timers.js";

function harness(ringing: Ringing | null = null) {
  const timers = new ManualTimers();
  const bus = testBus();
  const events: PipelineEvent[] = [];
  bus.onAny((e) => events.push(e));
  const service = new TimerService({
    bus,
    store: null,
    logger: silentLogger(),
    clock: timers.clock,
    wallClock: () => Date.UTC(2026, 0, 1) + timers.clock(),
    timer: timers.timer,
  });
  service.start();
  const skill = new TimerSkill(service, ringing);
  let run = 0;
  const say = async (name: string, slots: Record<string, unknown> = {}, site = "kitchen") => {
    const said = intent(name, slots);
    expect(skill.handles(said)).toBe(true);
    const answer = await skill.perform(said, { runId: `r${++run}`, site, area: "kitchen" });
    return answer.speech;
  };
  return { timers, service, skill, say, events };
}

describe("TimerSkill", () => {
  it("handles the timer intents only", () => {
    const { skill } = harness();
    expect(skill.handles(intent("HassTurnOn"))).toBe(false);
    // "stop" / "never mind" is the pipeline's own unless a timer rings.
    expect(skill.handles(intent("HassNevermind"))).toBe(false);
    expect(skill.handles(intent("HassUnpauseTimer"))).toBe(true);
  });

  it("sets, asks about, adjusts, pauses and cancels timers, answering in words", async () => {
    const h = harness();
    expect(await h.say("HassTimerStatus")).toBe("no timers are running");
    expect(await h.say("HassStartTimer", { minutes: 10, name: "pasta" })).toBe(
      "pasta timer set for 10 minutes",
    );
    expect(h.events.at(-1)).toMatchObject({ type: "timer-started", runId: "r2", timer: { area: "kitchen" } });
    h.timers.advance(5 * 60_000 + 48_000);
    expect(await h.say("HassTimerStatus")).toBe("your pasta timer has 4 minutes 12 seconds left");
    expect(await h.say("HassStartTimer", { hours: 1, minutes: 30 })).toBe("timer set for 1 hour 30 minutes");
    expect(await h.say("HassTimerStatus")).toBe(
      "your pasta timer has 4 minutes 12 seconds left and your 1 hour 30 minute timer has 1 hour 30 minutes left",
    );
    // Two timers: "add five minutes" does not say which.
    expect(await h.say("HassIncreaseTimer", { minutes: 5 })).toBe(
      "which one: the pasta timer or the 1 hour 30 minute timer?",
    );
    expect(await h.say("HassIncreaseTimer", { minutes: 5, name: "pasta" })).toBe(
      "added 5 minutes: your pasta timer has 9 minutes 12 seconds left",
    );
    expect(await h.say("HassDecreaseTimer", { minutes: 1, name: "pasta" })).toBe(
      "took off 1 minute: your pasta timer has 8 minutes 12 seconds left",
    );
    expect(await h.say("HassPauseTimer", { name: "pasta" })).toBe("pasta timer paused");
    h.timers.advance(60_000);
    expect(await h.say("HassTimerStatus", { name: "pasta" })).toBe(
      "your pasta timer is paused with 8 minutes 12 seconds left",
    );
    expect(await h.say("HassUnpauseTimer", { name: "pasta" })).toBe("pasta timer resumed");
    expect(await h.say("HassCancelTimer", { minutes: 20 })).toBe("there is no 20 minute timer");
    expect(await h.say("HassCancelTimer", { hours: 1, minutes: 30 })).toBe(
      "1 hour 30 minute timer cancelled",
    );
    expect(await h.say("HassCancelTimer", { name: "egg" })).toBe("there is no egg timer");
    expect(await h.say("HassCancelTimer")).toBe("pasta timer cancelled");
    expect(await h.say("HassCancelTimer")).toBe("no timers are running");
    expect(h.events.map((e) => e.type)).toEqual([
      "timer-started",
      "timer-started",
      "timer-updated",
      "timer-updated",
      "timer-updated",
      "timer-updated",
      "timer-cancelled",
      "timer-cancelled",
    ]);
  });

  it("cancels the last one or all, and keeps each site's timers apart", async () => {
    const h = harness();
    await h.say("HassStartTimer", { minutes: 5 });
    h.timers.advance(1000);
    await h.say("HassStartTimer", { minutes: 7, name: "egg" });
    await h.say("HassStartTimer", { minutes: 3 }, "hall");
    expect(await h.say("HassCancelTimer")).toBe("which one: the 5 minute timer or the egg timer?");
    expect(await h.say("HassCancelTimer", { which: "last" })).toBe("egg timer cancelled");
    await h.say("HassStartTimer", { minutes: 9 });
    expect(await h.say("HassCancelTimer", { which: "all" })).toBe("2 timers cancelled");
    expect(await h.say("HassTimerStatus", {}, "hall")).toBe("your 3 minute timer has 3 minutes left");
  });

  it("stops a ringing timer on a plain cancel, before touching the running ones", async () => {
    const stopped: string[] = [];
    const ringing: Ringing = {
      isRinging: () => true,
      stop: (site) => {
        stopped.push(site);
        return true;
      },
    };
    const h = harness(ringing);
    await h.say("HassStartTimer", { minutes: 5 });
    expect(await h.say("HassCancelTimer")).toBe("okay");
    // "stop" alone (HassNevermind) while it rings is the skill's too.
    expect(await h.say("HassNevermind")).toBe("okay");
    expect(stopped).toEqual(["kitchen", "kitchen"]);
    expect(h.service.list("kitchen")).toHaveLength(1);
    expect(await h.say("HassCancelTimer", { minutes: 5 })).toBe("5 minute timer cancelled");
  });

  it("says so when a timer cannot be set or made longer than a day", async () => {
    const h = harness();
    expect(await h.say("HassStartTimer", { hours: 25 })).toBe("sorry, I can't set another timer");
    await h.say("HassStartTimer", { hours: 23 });
    expect(await h.say("HassIncreaseTimer", { hours: 2 })).toBe("sorry, a timer can't be that long");
  });
});

describe("timer words", () => {
  it.each([
    [45, "45 seconds"],
    [60, "1 minute"],
    [252, "4 minutes 12 seconds"],
    [5400, "1 hour 30 minutes"],
    [3661, "1 hour 1 minute"],
    [0, "0 seconds"],
  ])("%i s -> %s", (seconds, words) => {
    expect(durationWords(seconds)).toBe(words);
  });

  it("says whether a request would change a timer now (a guess is asked back only then)", async () => {
    let rings = false;
    const h = harness({ isRinging: (site) => rings && site === "kitchen", stop: () => true });
    const would = (name: string, slots?: Record<string, unknown>, site = "kitchen") =>
      h.skill.wouldAct(intent(name, slots), site);
    expect(would("HassStartTimer", { minutes: 5 })).toBe(true);
    for (const name of ["HassCancelTimer", "HassPauseTimer", "HassTimerStatus", "HassIncreaseTimer"])
      expect(would(name), name).toBe(false);
    expect(would("HassNevermind")).toBe(false);
    await h.say("HassStartTimer", { minutes: 10, name: "pasta" });
    expect(would("HassPauseTimer")).toBe(true);
    expect(would("HassCancelTimer", { name: "pasta" })).toBe(true);
    expect(would("HassCancelTimer", { name: "tea" })).toBe(false);
    expect(would("HassCancelTimer", { minutes: 10 })).toBe(true);
    expect(would("HassCancelTimer", { minutes: 3 })).toBe(false);
    // "add 3 minutes": the duration is the change, not which timer.
    expect(would("HassIncreaseTimer", { minutes: 3 })).toBe(true);
    expect(would("HassPauseTimer", {}, "hall")).toBe(false);
    rings = true;
    expect(would("HassNevermind")).toBe(true);
    expect(would("HassNevermind", {}, "hall")).toBe(false);
    expect(would("HassTurnOn")).toBe(false);
  });

  it("announces a timer that ended while the daemon was down", () => {
    expect(overdueSpeech({ name: null, seconds: 600 }, 185)).toBe("your 10 minute timer ended 3 minutes ago");
    expect(overdueSpeech({ name: "pasta", seconds: 600 }, 40)).toBe("your pasta timer ended 40 seconds ago");
  });
});
