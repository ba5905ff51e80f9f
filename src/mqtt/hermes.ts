/** Hermes messages (field names of the Snips/Rhasspy reference) built from pipeline events. Pure. */

import type { IntentEndEvent, SttEndEvent, WakeWordEndEvent } from "../events/types.js";
import type { DeviceRegistry } from "../intent/registry.js";
import type {
  HermesHotwordDetected,
  HermesIntent,
  HermesIntentNotRecognized,
  HermesSlot,
  HermesTextCaptured,
} from "./topics.js";

/** What a run said so far, for the Hermes messages that repeat it. */
export interface RunContext {
  wakeWord: string | null;
  text: string;
  language: string | null;
}

/** hermes/hotword/<wakewordId>/detected, from the wake word's end. */
export function hotwordDetected(site: string, event: WakeWordEndEvent): HermesHotwordDetected {
  return {
    siteId: site,
    modelId: event.wakeWord,
    modelVersion: "",
    modelType: "universal",
    currentSensitivity: round(event.score),
    sessionId: event.runId,
    sendAudioCaptured: null,
    lang: null,
  };
}

export function textCaptured(site: string, event: SttEndEvent, run: RunContext): HermesTextCaptured {
  return {
    siteId: site,
    text: event.text,
    // Whisper's decoder gives no calibrated utterance confidence here: 1 says "not measured".
    likelihood: 1,
    seconds: round(event.ms / 1000),
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
    input: run.text,
    intent: { intentName: event.intent, confidenceScore: round(event.confidence ?? 1) },
    slots: [...slotsOf(event.slots), ...targetSlots(event.targets, registry)],
    id: event.runId,
    sessionId: event.runId,
    customData: null,
    asrTokens: [],
    asrConfidence: null,
    rawInput: run.text,
    wakewordId: run.wakeWord,
    lang: run.language,
  };
}

export function notRecognized(site: string, runId: string, run: RunContext): HermesIntentNotRecognized {
  return { siteId: site, input: run.text, id: runId, sessionId: runId, customData: null };
}

/** Home Assistant slots (`brightness`, `area`, `name`, ...) as Hermes slots; numbers keep their kind. */
function slotsOf(slots: Record<string, unknown>): HermesSlot[] {
  return Object.entries(slots).flatMap(([name, value]): HermesSlot[] => {
    if (value === null || value === undefined) return [];
    const isNumber = typeof value === "number";
    const text = typeof value === "string" || isNumber ? String(value) : JSON.stringify(value);
    return [
      {
        entity: name,
        slotName: name,
        rawValue: text,
        value: isNumber ? { kind: "Number", value } : { kind: "Custom", value: text },
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

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
