import { EdgeVoiceError } from "../errors.js";

/** Time limits of a run's steps (stt.timeout_seconds, intent.timeout_seconds). */
export interface RunLimits {
  /** Speech to text, from the command's end to its text. */
  sttSeconds: number;
  /** From the text to the command's handoff: recognition (the LLM included), arbitration, a local skill. */
  intentSeconds: number;
}

/** The config's defaults, for pipelines built without a config (tests, benches). */
export const DEFAULT_RUN_LIMITS: RunLimits = { sttSeconds: 30, intentSeconds: 13 };

/** The LLM's own limit plus this, when intent.timeout_seconds is null: room for templates, policy and a skill. */
const LLM_MARGIN_SECONDS = 5;

/** A config's limits: intent.timeout_seconds, or (null) llm.timeout_seconds + 5 s. */
export function runLimits(config: {
  stt: { timeout_seconds: number };
  intent: { timeout_seconds: number | null };
  llm: { timeout_seconds: number };
}): RunLimits {
  const intentSeconds = config.intent.timeout_seconds ?? config.llm.timeout_seconds + LLM_MARGIN_SECONDS;
  return { sttSeconds: config.stt.timeout_seconds, intentSeconds };
}

const STEPS = {
  stt: { key: "stt.timeout_seconds", what: "speech to text", code: "stt-timeout" },
  intent: { key: "intent.timeout_seconds", what: "understanding the command", code: "intent-timeout" },
} as const;

/** A step's limit in ms and the error that ends a run past it (`stt-timeout`, `intent-timeout`). */
export function timeLimit(step: keyof typeof STEPS, limits: RunLimits) {
  const { key, what, code } = STEPS[step];
  const seconds = step === "stt" ? limits.sttSeconds : limits.intentSeconds;
  return {
    ms: seconds * 1000,
    error: () =>
      new EdgeVoiceError(
        code,
        `${what} passed its time limit (${key}: ${seconds} s); the run ends as timeout`,
        {
          hint: `raise ${key}, or use a smaller model (is another process using the CPU?)`,
        },
      ),
  };
}
