import { describe, expect, it } from "vitest";
import { EdgeVoiceError } from "../../../src/errors.js";
import { intentEndEvent, startEvents, stepFailure } from "../../../src/pipeline/run-events.js";
import { DEFAULT_RUN_LIMITS, timeLimit } from "../../../src/pipeline/run-limits.js";

const wake = { wakeWord: "hey_jarvis", score: 0.8, endSample: 24000 };
const kitchenOn = {
  intent: "HassTurnOn",
  targets: ["kitchen_light"],
  slots: { name: "kitchen light" },
  source: "template" as const,
  confidence: 1,
};

describe("a run's start events", () => {
  it("says run-start, then wake_word-end at the wake word's end on the audio clock", () => {
    const run = { id: "r1", trigger: "wake-word" as const, wake };
    expect(startEvents(run, "kitchen", false)).toEqual([
      { type: "run-start", runId: "r1", site: "kitchen", trigger: "wake-word" },
      { type: "wake_word-end", runId: "r1", wakeWord: "hey_jarvis", score: 0.8, audioMs: 1500 },
    ]);
    expect(startEvents(run, "kitchen", true)[1]).toHaveProperty("arbitrated", true);
  });

  it("says only run-start for a run without a wake word, naming the run a follow-up answers", () => {
    const run = { id: "r2", trigger: "follow-up" as const, previousRunId: "r1", wake: null };
    expect(startEvents(run, "kitchen", false)).toEqual([
      { type: "run-start", runId: "r2", site: "kitchen", trigger: "follow-up", previousRunId: "r1" },
    ]);
  });
});

describe("intent-end", () => {
  it("carries the intent, and a skill's reply only when there is one", () => {
    const plain = intentEndEvent("r1", kitchenOn, 12);
    expect(plain).toEqual({ type: "intent-end", runId: "r1", ...kitchenOn, ms: 12 });
    expect(plain).not.toHaveProperty("speech");
    expect(intentEndEvent("r1", kitchenOn, 12, "")).not.toHaveProperty("speech");
    expect(intentEndEvent("r1", kitchenOn, 12, "Done")).toHaveProperty("speech", "Done");
  });
});

describe("a failed step", () => {
  it("is a timeout when the run's signal aborted with a step's time limit, its code and message", () => {
    const controller = new AbortController();
    const limit = timeLimit("stt", DEFAULT_RUN_LIMITS).error();
    controller.abort(limit);
    // The stage's own error (its echo of the abort) is not what the run reports.
    expect(stepFailure(controller.signal, new Error("aborted"), "stt-failed")).toEqual({
      code: "stt-timeout",
      message: limit.message,
      timedOut: true,
    });
  });

  it("is an error otherwise: the error's own code, else the step's", () => {
    const live = new AbortController().signal;
    const coded = new EdgeVoiceError("llm-unavailable", "no answer from the LLM");
    expect(stepFailure(live, coded, "intent-failed")).toEqual({
      code: "llm-unavailable",
      message: "no answer from the LLM",
      timedOut: false,
    });
    expect(stepFailure(live, new Error("boom"), "intent-failed")).toEqual({
      code: "intent-failed",
      message: "boom",
      timedOut: false,
    });
    // A stage's own timeout (the LLM's) with the run's time still running is the stage failing.
    const llmTimeout = new EdgeVoiceError("llm-timeout", "the LLM took too long");
    expect(stepFailure(live, llmTimeout, "intent-failed")).toMatchObject({
      code: "llm-timeout",
      timedOut: false,
    });
    // Aborted for another reason (shutdown): not a timeout.
    const shutdown = new AbortController();
    shutdown.abort(new Error("run aborted"));
    expect(stepFailure(shutdown.signal, new Error("x"), "stt-failed")).toMatchObject({
      code: "stt-failed",
      timedOut: false,
    });
  });
});
