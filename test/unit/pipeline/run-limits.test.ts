import { describe, expect, it } from "vitest";
import { validate } from "../../../src/config/load.js";
import { DEFAULT_RUN_LIMITS, runLimits } from "../../../src/pipeline/run-limits.js";

describe("a run's time limits from the config", () => {
  it("defaults to 30 s for speech to text and the LLM's limit plus 5 s for the intent step", () => {
    expect(runLimits(validate({}))).toEqual({ sttSeconds: 30, intentSeconds: 13 });
    expect(runLimits(validate({}))).toEqual(DEFAULT_RUN_LIMITS);
    expect(runLimits(validate({ llm: { timeout_seconds: 20 } }))).toEqual({
      sttSeconds: 30,
      intentSeconds: 25,
    });
  });

  it("takes the limits set", () => {
    const config = validate({ stt: { timeout_seconds: 12 }, intent: { timeout_seconds: 40 } });
    expect(runLimits(config)).toEqual({ sttSeconds: 12, intentSeconds: 40 });
  });

  it("refuses an intent limit that would cut the LLM's own limit short, naming both", () => {
    const raw = { llm: { model: "qwen", timeout_seconds: 20 }, intent: { timeout_seconds: 10 } };
    expect(() => validate(raw)).toThrow(/intent\.timeout_seconds.*must be above llm\.timeout_seconds \(20\)/);
    // Without an LLM there is no limit of its own to cover.
    expect(runLimits(validate({ ...raw, llm: { timeout_seconds: 20 } })).intentSeconds).toBe(10);
  });
});
