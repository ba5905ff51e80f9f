import type { PipelineEvent } from "../events/types.js";

/** The per-run latencies edge-voice measures, in seconds. */
export type Stage =
  | "wake_to_speech_end" // wake word -> end of speech (how long the person spoke, in audio time)
  | "stt" // endpoint -> text ready (the stt-end event's decode time)
  | "intent" // text -> intent decided
  | "publish" // intent decided -> command handed to the broker
  | "speech_end_to_action" // end of speech -> command published: what the person waits for
  | "wake_to_action"; // wake word -> command published

export const STAGES: readonly Stage[] = [
  "wake_to_speech_end",
  "stt",
  "intent",
  "publish",
  "speech_end_to_action",
  "wake_to_action",
];

interface OpenRun {
  wakeT?: number;
  wakeAudioMs?: number;
  speechEndT?: number;
  intentEndT?: number;
  published: boolean;
}

export interface Observation {
  stage: Stage;
  seconds: number;
}

/**
 * Turns the pipeline's events into stage latencies. Pure: it reads only the events' own
 * timestamps (`t`, `audioMs`, `ms`), so a test feeds events and checks the numbers. Only the
 * first publish after the intent counts as "the action" (a run may also publish Hermes and
 * event topics). Runs are forgotten at run-end, so memory stays flat.
 */
export class RunTimings {
  readonly #runs = new Map<string, OpenRun>();

  /** The latencies this event completes (often none). */
  observe(event: PipelineEvent): Observation[] {
    const runId = event.runId;
    if (!runId) return [];
    if (event.type === "run-start") {
      this.#runs.set(runId, { published: false });
      return [];
    }
    const run = this.#runs.get(runId);
    if (!run) return [];
    switch (event.type) {
      case "wake_word-end":
        run.wakeT = event.t;
        run.wakeAudioMs = event.audioMs;
        return [];
      case "stt-vad-end":
        run.speechEndT = event.t;
        return run.wakeAudioMs === undefined
          ? []
          : [seconds("wake_to_speech_end", event.audioMs - run.wakeAudioMs)];
      case "stt-end":
        return [seconds("stt", event.ms)];
      case "intent-end":
        run.intentEndT = event.t;
        return [seconds("intent", event.ms)];
      case "mqtt-publish":
        return this.#published(run, event.t);
      case "run-end":
        this.#runs.delete(runId);
        return [];
      default:
        return [];
    }
  }

  /** Runs started and not yet ended (for tests and leak checks). */
  get open(): number {
    return this.#runs.size;
  }

  #published(run: OpenRun, t: number): Observation[] {
    if (run.published || run.intentEndT === undefined) return [];
    run.published = true;
    const out = [seconds("publish", t - run.intentEndT)];
    if (run.speechEndT !== undefined) out.push(seconds("speech_end_to_action", t - run.speechEndT));
    if (run.wakeT !== undefined) out.push(seconds("wake_to_action", t - run.wakeT));
    return out;
  }
}

function seconds(stage: Stage, ms: number): Observation {
  return { stage, seconds: Math.max(0, ms) / 1000 };
}
