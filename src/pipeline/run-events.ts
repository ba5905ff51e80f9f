import { samplesToMs } from "../audio/format.js";
import { describeError, isEdgeVoiceError } from "../errors.js";
import type { EventInput, RunStartEvent } from "../events/types.js";
import type { RecognizedIntent } from "../intent/types.js";
import type { WakeDetection } from "../wake/detector.js";

// What a run says of itself, computed from its state alone: the run (pipeline-run.ts) emits
// these and ends itself; nothing here reads a clock, the bus or the run's signal handlers.

/** The part of a run its start events are made of. */
export interface RunStart {
  id: string;
  trigger: RunStartEvent["trigger"];
  previousRunId?: string;
  wake: WakeDetection | null;
}

/**
 * `run-start`, and `wake_word-end` for a wake word's run. `arbitrated`: the wake word is
 * claimed in a rooms group (said on wake_word-end, whose earcon then waits for the decision).
 */
export function startEvents(run: RunStart, site: string, arbitrated: boolean): EventInput[] {
  const { id: runId, trigger, previousRunId, wake } = run;
  const start: EventInput = {
    type: "run-start",
    runId,
    site,
    trigger,
    ...(previousRunId ? { previousRunId } : {}),
  };
  if (!wake) return [start];
  const { wakeWord, score, endSample } = wake;
  const audioMs = samplesToMs(endSample);
  return [
    start,
    { type: "wake_word-end", runId, wakeWord, score, audioMs, ...(arbitrated ? { arbitrated } : {}) },
  ];
}

/** `intent-end` for an intent carried out; `speech`: a local skill's reply, when it has one. */
export function intentEndEvent(
  runId: string,
  intent: RecognizedIntent,
  ms: number,
  speech?: string | null,
): EventInput {
  const { intent: name, targets, slots, source, confidence } = intent;
  return {
    type: "intent-end",
    runId,
    intent: name,
    targets,
    slots,
    source,
    ms,
    confidence,
    ...(speech ? { speech } : {}),
  };
}

/**
 * A failed step, classified: the run's signal aborted with a `*-timeout` error (a step's time
 * limit) ends it as `timeout`, anything else as `error`. The code is the error's own (an
 * EdgeVoiceError's), else `fallbackCode`; the reason is the abort's when the signal fired
 * first (the stage's own error is then only its echo).
 */
export function stepFailure(signal: AbortSignal, error: unknown, fallbackCode: string) {
  const reason = signal.aborted ? signal.reason : error;
  const timedOut = signal.aborted && isEdgeVoiceError(reason) && reason.code.endsWith("-timeout");
  const code = isEdgeVoiceError(reason) ? reason.code : fallbackCode;
  return { code, message: describeError(reason), timedOut };
}
