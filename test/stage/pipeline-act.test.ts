import { describe, expect, it } from "vitest";
import type { IntentDecision, RecognizedIntent } from "../../src/intent/types.js";
import type { PipelineRun } from "../../src/pipeline/pipeline-run.js";
import { kitchenOn } from "../support/fake-stages.js";
import { ends, FakeSkills, runSetup, S, types } from "../support/pipeline-setup.js";

const currentTime: RecognizedIntent = {
  intent: "HassGetCurrentTime",
  targets: [],
  slots: {},
  source: "template",
  confidence: 1,
};
const decisions: Record<string, IntentDecision> = {
  "turn on the kitchen light": { kind: "execute", intent: kitchenOn, ms: 1 },
  "what time is it": { kind: "execute", intent: currentTime, ms: 1 },
  "the pasta timer": { kind: "execute", intent: { ...currentTime, intent: "HassTimerStatus" }, ms: 1 },
};

describe("the act step", () => {
  it("hands an intent a local skill handles to it: its reply on intent-end, answered, nothing published", async () => {
    const skills = new FakeSkills(["HassGetCurrentTime"], { speech: "It is ten past three." });
    const { events, commands, feed } = runSetup({ skills, decisions, text: "what time is it" });
    await feed(0, 6);
    expect(types(events).slice(-3)).toEqual(["intent-start", "intent-end", "run-end"]);
    expect(events.at(-2)).toMatchObject({ intent: "HassGetCurrentTime", speech: "It is ten past three." });
    expect(ends(events)).toEqual([["run-1", "answered"]]);
    expect(commands.published).toEqual([]);
    expect(skills.calls[0]?.context).toMatchObject({ runId: "run-1", site: "kitchen", area: "kitchen" });
    expect(skills.calls[0]?.context.signal).toBeInstanceOf(AbortSignal);
  });

  it("publishes what no skill handles, and says nothing on intent-end", async () => {
    const skills = new FakeSkills(["HassGetCurrentTime"], { speech: "It is ten past three." });
    const { events, commands, feed } = runSetup({ skills, decisions });
    await feed(0, 6);
    expect(skills.calls).toEqual([]);
    expect(commands.published).toEqual([kitchenOn]);
    expect(events.find((e) => e.type === "intent-end")).not.toHaveProperty("speech");
    expect(ends(events)).toEqual([["run-1", "published"]]);
  });

  it("a skill's question opens a follow-up window once the board has finished speaking", async () => {
    let playing = false;
    const skills = new FakeSkills(["HassGetCurrentTime"], { speech: "Which timer?", expectsReply: true });
    const { bus, events, transcriber, intent, feed } = runSetup({
      skills,
      decisions,
      text: "what time is it",
      isGated: () => playing,
      // The command; the board's own reply (heard by its microphone); the person's answer.
      speech: [
        [1.2 * S, 2.5 * S],
        [3.6 * S, 5.5 * S],
        [6.4 * S, 7.2 * S],
      ],
    });
    // As feedback does: the reply is asked for (and the microphone gated) at the run's end.
    bus.onAny((e) => {
      if (e.type === "run-end" && e.runId === "run-1") playing = true;
    });
    await feed(0, 3.5);
    expect(ends(events)).toEqual([["run-1", "answered"]]);
    transcriber.text = "the pasta timer";
    await feed(3.5, 6);
    expect(events.filter((e) => e.type === "run-start")).toHaveLength(1);
    playing = false;
    await feed(6, 10);
    expect(events.find((e) => e.runId === "run-2")).toMatchObject({
      type: "run-start",
      trigger: "follow-up",
      previousRunId: "run-1",
    });
    // The window began after playback: what it heard is the answer, not the reply.
    const heard = events.find((e) => e.type === "stt-vad-start" && e.runId === "run-2");
    expect((heard as { audioMs: number }).audioMs).toBeGreaterThan(6000);
    expect(intent.texts).toEqual(["what time is it", "the pasta timer"]);
  });

  it("a confirmation's follow-up names the run it confirms", async () => {
    const unlock = { ...kitchenOn, intent: "HassTurnOff", targets: ["front_door"] };
    const { events, transcriber, commands, feed } = runSetup({
      decisions: {
        "unlock the front door": { kind: "reject", reason: "needs-confirmation", intent: unlock, ms: 1 },
        yes: { kind: "execute", intent: unlock, ms: 1 },
      },
      text: "unlock the front door",
      speech: [
        [1.2 * S, 2.5 * S],
        [4 * S, 4.5 * S],
      ],
    });
    await feed(0, 3.5);
    transcriber.text = "yes";
    await feed(3.5, 8);
    expect(events.find((e) => e.runId === "run-2")).toMatchObject({
      trigger: "follow-up",
      previousRunId: "run-1",
    });
    expect(commands.published).toEqual([unlock]);
  });

  it("awaits beforeAct: skip ends the run as lost-arbitration without acting", async () => {
    const asked: { run: PipelineRun; intent: RecognizedIntent }[] = [];
    const { events, commands, feed } = runSetup({
      beforeAct: async (run, intent) => {
        asked.push({ run, intent });
        return "skip";
      },
    });
    await feed(0, 6);
    expect(ends(events)).toEqual([["run-1", "lost-arbitration"]]);
    expect(types(events)).not.toContain("intent-end");
    expect(commands.published).toEqual([]);
    expect(asked[0]?.intent).toEqual(kitchenOn);
    expect(asked[0]?.run).toMatchObject({ id: "run-1", trigger: "wake-word", wake: { score: 0.99 } });
  });

  it("acts once beforeAct says act", async () => {
    let release: (verdict: "act") => void = () => {};
    const { pipeline, events, commands } = runSetup({
      wakeAt: [],
      beforeAct: () =>
        new Promise((resolve) => {
          release = resolve;
        }),
    });
    const done = pipeline.handleText("turn on the kitchen light");
    await new Promise((resolve) => setImmediate(resolve));
    expect(commands.published).toEqual([]);
    release("act");
    await done;
    expect(commands.published).toEqual([kitchenOn]);
    expect(ends(events)).toEqual([["run-1", "published"]]);
  });

  it("hands the next run's intent stage the intent the previous run carried out", async () => {
    const { pipeline, intent } = runSetup({ wakeAt: [], decisions });
    await pipeline.handleText("turn on the kitchen light");
    await pipeline.handleText("sing a song");
    await pipeline.handleText("turn on the kitchen light");
    expect(intent.contexts[0]?.previous).toBeUndefined();
    // A rejected run in between leaves it as it was.
    expect(intent.contexts[1]?.previous).toMatchObject({ runId: "run-1", intent: kitchenOn });
    expect(intent.contexts[2]?.previous).toMatchObject({ runId: "run-1", intent: kitchenOn });
  });
});
