import type { Config } from "../config/schema.js";
import type { IntentEndEvent, IntentRejectedEvent, SttEndEvent, WakeWordEndEvent } from "../events/types.js";
import type { DeviceRegistry } from "../intent/registry.js";
import { normalizeText } from "../intent/text/normalize.js";
import type {
  HermesHotwordDetected,
  HermesIntent,
  HermesIntentNotRecognized,
  HermesSlot,
  HermesTextCaptured,
  HermesTtsSay,
} from "./topics.js";

/** What a run said so far, for the Hermes messages that repeat it. */
export interface RunContext {
  wakeWord: string | null;
  text: string;
  language: string | null;
  trigger?: "wake-word" | "text" | "follow-up" | "satellite";
  /** The run's site (run-start): a base answers a satellite with the satellite's siteId. */
  site?: string;
  /** The run's intent-end or intent-rejected, for the reply said at its end. */
  intent?: IntentEndEvent;
  rejected?: IntentRejectedEvent;
}

/**
 * Hermes messages as Rhasspy 2.5 sends them (rhasspy-hermes dataclasses), built from pipeline
 * events. Pure. `sensitivity` is the configured threshold (openWakeWord) or sensitivity
 * (Porcupine) of the model that fired, as Rhasspy reports its configured value, not the score.
 */
export function hotwordDetected(
  site: string,
  event: WakeWordEndEvent,
  sensitivity: number,
): HermesHotwordDetected {
  return {
    siteId: site,
    modelId: event.wakeWord,
    modelVersion: "",
    modelType: "universal",
    currentSensitivity: sensitivity,
    sessionId: event.runId,
    sendAudioCaptured: null,
    lang: null,
  };
}

export function textCaptured(site: string, event: SttEndEvent, run: RunContext): HermesTextCaptured {
  return {
    siteId: site,
    text: event.text,
    // Whisper's mean token probability; 1 ("not measured") only when the STT stage gave none.
    likelihood: event.confidence ?? 1,
    // As Rhasspy's ASR services: the time the transcription took.
    seconds: round((event.sttMs ?? event.ms) / 1000),
    sessionId: event.runId,
    wakewordId: run.wakeWord,
    asrTokens: [],
    lang: event.language || null,
  };
}

export function intentMessage(
  site: string,
  event: IntentEndEvent,
  run: RunContext,
  registry: DeviceRegistry,
): HermesIntent {
  return {
    siteId: site,
    // Rhasspy: `input` is the text the NLU matched (normalized), `rawInput` what was said.
    input: normalizeText(run.text),
    intent: { intentName: event.intent, confidenceScore: round(event.confidence ?? 1) },
    slots: [...slotsOf(event.slots), ...targetSlots(event.targets, registry)],
    id: event.runId,
    sessionId: event.runId,
    customData: null,
    asrTokens: [],
    asrConfidence: null,
    customEntities: null,
    rawInput: run.text,
    wakewordId: run.wakeWord,
    lang: run.language,
  };
}

export function notRecognized(site: string, runId: string, run: RunContext): HermesIntentNotRecognized {
  return { siteId: site, input: run.text, id: runId, sessionId: runId, customData: null };
}

/**
 * The run's reply for whatever speaks on this site (Rhasspy's TtsSay): the run id is both the
 * request id and the session, as in the other messages of the run.
 */
export function ttsSay(site: string, runId: string, text: string, run: RunContext): HermesTtsSay {
  return { text, siteId: site, lang: run.language, id: runId, sessionId: runId };
}

/** Home Assistant slots (`brightness`, `area`, `name`, ...) as Hermes slots; numbers keep their kind. */
function slotsOf(slots: Record<string, unknown>): HermesSlot[] {
  return Object.entries(slots).flatMap(([name, value]): HermesSlot[] => {
    if (value === null || value === undefined) return [];
    const text =
      typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
    // A number may arrive as text ("50" from a template's capture): Rhasspy types it all the same.
    const number = typeof value === "number" ? value : NUMERIC.test(text) ? Number(text) : null;
    return [
      {
        entity: name,
        slotName: name,
        rawValue: text,
        value: number !== null ? { kind: "Number", value: number } : { kind: "Custom", value: text },
        confidence: 1,
        range: null,
      },
    ];
  });
}

/** The resolved registry entities, so a Hermes skill knows exactly which device was meant. */
function targetSlots(targets: string[], registry: DeviceRegistry): HermesSlot[] {
  return targets.map((id) => ({
    entity: "edge_voice_entity",
    slotName: "target",
    rawValue: registry.get(id)?.name ?? id,
    value: { kind: "Custom", value: id },
    confidence: 1,
    range: null,
  }));
}

/** The configured threshold (openWakeWord) or sensitivity (Porcupine) of the model that fired. */
export function wakeSensitivity(config: Config, wakeWord: string): number {
  const { wake } = config;
  if (wake.engine === "porcupine") {
    const keyword = wake.porcupine.keywords.find((k) => k.keyword === wakeWord) ?? wake.porcupine.keywords[0];
    return keyword?.sensitivity ?? 1;
  }
  return (wake.models.find((m) => m.id === wakeWord) ?? wake.models[0])?.threshold ?? 1;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
