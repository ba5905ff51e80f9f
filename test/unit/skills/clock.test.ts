import { describe, expect, it } from "vitest";
import { createIntentHandler } from "../../../src/intent/create.js";
import { spellText } from "../../../src/intent/sentence-space/spell.js";
import type { RecognizedIntent } from "../../../src/intent/types.js";
import { ClockSkill } from "../../../src/skills/clock.js";
import { SkillSet } from "../../../src/skills/skill-set.js";
import { silentLogger } from "../../../src/util/logger.js";
import { homeConfig, homeRegistry } from "../intent/home.js";

const config = homeConfig();
const handler = await createIntentHandler(config, homeRegistry(config), silentLogger());
// Wednesday 2 December 2026, 15:45:10 UTC.
const clock = new ClockSkill({ now: () => new Date(Date.UTC(2026, 11, 2, 15, 45, 10)), timeZone: "UTC" });

async function recognize(text: string): Promise<RecognizedIntent> {
  const decision = await handler.handle(text, {
    runId: text,
    site: text,
    origin: "voice",
    nowSeconds: 0,
    wallSeconds: 0,
  });
  if (decision.kind !== "execute") throw new Error(`${text}: ${decision.reason}`);
  return decision.intent;
}

describe("time and date, answered on the board", () => {
  it.each([
    ["what time is it", "HassGetCurrentTime", "it's 3:45 PM"],
    ["What's the time?", "HassGetCurrentTime", "it's 3:45 PM"],
    ["tell me the time please", "HassGetCurrentTime", "it's 3:45 PM"],
    ["what's the date", "HassGetCurrentDate", "it's Wednesday, December 2"],
    ["what day is it today", "HassGetCurrentDate", "it's Wednesday, December 2"],
    ["what is today's date", "HassGetCurrentDate", "it's Wednesday, December 2"],
  ])("%s", async (text, intent, speech) => {
    const recognized = await recognize(text);
    expect(recognized.intent).toBe(intent);
    expect(recognized.targets).toEqual([]);
    expect(clock.handles(recognized)).toBe(true);
    expect(await clock.perform(recognized)).toEqual({ speech });
  });

  it("says the time in the board's time zone", async () => {
    const tokyo = new ClockSkill({
      now: () => new Date(Date.UTC(2026, 11, 2, 15, 5)),
      timeZone: "Asia/Tokyo",
    });
    expect((await tokyo.perform(await recognize("what time is it"))).speech).toBe("it's 12:05 AM");
    expect((await tokyo.perform(await recognize("what day is it"))).speech).toBe("it's Thursday, December 3");
  });

  it("is in the sentence space that guides speech recognition", () => {
    const space = handler.transcriptGuide();
    expect(space).not.toBeNull();
    for (const text of [
      "what time is it",
      "whats the date",
      "what day is it",
      "what is the temperature in the living room",
    ]) {
      const words = spellText(text);
      const at = space && words !== null ? space.graph.walk(space.graph.start, words) : null;
      expect(at !== null && space?.graph.isComplete(at), text).toBe(true);
    }
  });
});

describe("SkillSet", () => {
  it("hands an intent to the first skill that handles it", async () => {
    const first = {
      handles: (i: RecognizedIntent) => i.intent === "HassGetCurrentTime",
      perform: async () => ({ speech: "first" }),
    };
    const set = new SkillSet([first, clock]);
    const time = await recognize("what time is it");
    const date = await recognize("what's the date");
    expect(set.handles(time) && set.handles(date)).toBe(true);
    expect((await set.perform(time, { runId: "r", site: "s", area: null })).speech).toBe("first");
    expect((await set.perform(date, { runId: "r", site: "s", area: null })).speech).toBe(
      "it's Wednesday, December 2",
    );
    const lights = await recognize("turn on the kitchen light");
    expect(set.handles(lights)).toBe(false);
    await expect(set.perform(lights, { runId: "r", site: "s", area: null })).rejects.toThrow(/no skill/);
  });

  it("asks the handling skill whether an intent would do anything; a device command would", async () => {
    const asked: string[] = [];
    const quiet = {
      handles: (i: RecognizedIntent) => i.intent === "HassGetCurrentTime",
      perform: async () => ({ speech: null }),
      wouldAct: (_: RecognizedIntent, site: string) => {
        asked.push(site);
        return false;
      },
    };
    const set = new SkillSet([quiet, clock]);
    expect(set.wouldAct(await recognize("what time is it"), "hall")).toBe(false);
    expect(asked).toEqual(["hall"]);
    // The clock says nothing of it: it answers, so it acts.
    expect(set.wouldAct(await recognize("what's the date"), "hall")).toBe(true);
    expect(set.wouldAct(await recognize("turn on the kitchen light"), "hall")).toBe(true);
  });
});
