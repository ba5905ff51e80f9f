import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validate } from "../../../src/config/load.js";
import { BoardTimers } from "../../../src/daemon/timers.js";
import type { RecognizedIntent } from "../../../src/intent/types.js";
import { silentLogger } from "../../../src/util/logger.js";
import { testBus } from "../../support/bus.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function config(timers: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-board-timers-"));
  dirs.push(dir);
  return validate({ state_dir: dir, site: "kitchen", timers });
}

function boardTimers() {
  return new BoardTimers({
    bus: testBus(),
    logger: silentLogger(),
    env: {},
    hooks: { feedbackPlayer: () => null, pipeline: () => null },
  });
}

const startTimer: RecognizedIntent = {
  intent: "HassStartTimer",
  targets: [],
  slots: { minutes: 10, name: "pasta" },
  source: "template",
  confidence: 1,
};
const context = { runId: "r1", site: "kitchen", area: null };

describe("the timers as a daemon service", () => {
  it("is live on its sections, so a SIGHUP never restarts (and loses) the timers", () => {
    const timers = boardTimers();
    expect(timers).toMatchObject({ name: "timers", live: true });
    expect(timers.sections).toEqual(["timers", "feedback", "state_dir"]);
  });

  it("with timers.enabled off has no skill and no MQTT control", async () => {
    const timers = boardTimers();
    await timers.start({ config: config({ enabled: false }) });
    expect(timers.skill).toBeNull();
    expect(timers.control("kitchen")).toBeNull();
    await timers.stop();
  });

  it("keeps its timers and its skill across a reload with new ring settings", async () => {
    const timers = boardTimers();
    const first = config();
    await timers.start({ config: first });
    const skill = timers.skill;
    expect(await skill?.perform(startTimer, context)).toMatchObject({
      speech: "pasta timer set for 10 minutes",
    });
    await timers.reload({ config: { ...first, timers: { ...first.timers, ring_limit_seconds: 30 } } });
    expect(timers.skill).toBe(skill);
    expect(
      timers
        .control("kitchen")
        ?.list()
        .map((t) => t.name),
    ).toEqual(["pasta"]);
    // Another site's control sees none of them.
    expect(timers.control("hall")?.list()).toEqual([]);
    await timers.stop();
    expect(timers.skill).toBeNull();
  });
});
