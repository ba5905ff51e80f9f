import type { PipelineEvent, PipelineEventType } from "../events/types.js";
import type { TimerEventPayload } from "./timers.js";

/**
 * Every topic edge-voice publishes or listens on, with its payload type: the one
 * reference for integrators (docs/mqtt.md mirrors it). `<prefix>` is mqtt.topic_prefix
 * (default `edge-voice`), `<site>` the config's site, `<discovery>` mqtt.discovery_prefix.
 */
export interface TopicPayloads {
  /** Retained; `offline` is also the last will. */
  "<prefix>/<site>/status": "online" | "offline";
  /** Every pipeline event as JSON (QoS 1, through the outbox, never expires). */
  "<prefix>/<site>/event/<type>": PipelineEvent;
  /** A recognized (or not recognized) intent, for the Home Assistant event entity (QoS 1, expires). */
  "<prefix>/<site>/intent": AssistantIntentPayload;
  /** Retained latest values for the Home Assistant sensors. */
  "<prefix>/<site>/state/transcript": string;
  "<prefix>/<site>/state/latency": string;
  "<prefix>/<site>/state/listening": "ON" | "OFF";
  "<prefix>/<site>/state/mute": "ON" | "OFF";
  /** Retained: the end of the next running timer (ISO 8601), or `None` when none runs. */
  "<prefix>/<site>/state/next_timer": string;
  /** Retained: the running and paused timers, soonest first: `[{id, name, seconds, endsAt, paused, area}]`. */
  "<prefix>/<site>/timers": Array<Record<string, unknown>>;
  /** A timer started, finished or cancelled, for the Home Assistant event entity (QoS 1, expires). */
  "<prefix>/<site>/timer/event": TimerEventPayload;
  /** In: `stop` (the ringing), `cancel <id>`, `cancel_all`, or `{"action": "cancel", "id": "t3"}`. */
  "<prefix>/<site>/set/timer": string;
  /** Retained, every metrics.stats_interval_seconds: run counts, latencies, RSS, CPU (observability/metrics.ts StatsSnapshot). */
  "<prefix>/<site>/stats": Record<string, unknown>;
  /** In: `on`/`off` (also ON/OFF, true/false, 1/0). */
  "<prefix>/<site>/set/mute": string;
  /** In: text to handle as if spoken, plain UTF-8 or `{"text": "..."}`; retained messages are ignored. */
  "<prefix>/<site>/set/text": string;
  "hermes/hotword/<wakewordId>/detected": HermesHotwordDetected;
  "hermes/asr/textCaptured": HermesTextCaptured;
  "hermes/intent/<intentName>": HermesIntent;
  "hermes/nlu/intentNotRecognized": HermesIntentNotRecognized;
  /** Every run's reply (an answer, a confirmation, a refusal), at its end, for a speaker elsewhere. */
  "hermes/tts/say": HermesTtsSay;
  /** In: `{"siteId": "<site>"}`; other sites are ignored. */
  "hermes/hotword/toggleOn": HermesSiteMessage;
  "hermes/hotword/toggleOff": HermesSiteMessage;
  /** Retained device-based discovery of the assistant itself. */
  "<discovery>/device/edge_voice_<site>/config": Record<string, unknown>;
  /** In: `online` makes edge-voice announce itself again. */
  "<discovery>/status": "online" | "offline";
  /** In (retained): other devices' discovery, learned into the device registry. */
  "<discovery>/<component>/[<node_id>/]<object_id>/config": Record<string, unknown>;
  /** In and out, with rooms.group: a board's claim to answer a wake word (QoS 0, on its own client; rooms/claims.ts, docs/rooms.md). */
  "<prefix>/rooms/<group>/claim": import("../rooms/claims.js").Claim;
  /** Out: device commands go to each registry entity's own command topics (QoS 1, not retained, expire). */
  "<command_topic>": string;
}

export interface AssistantIntentPayload {
  event_type: "recognized" | "not_recognized";
  runId: string;
  intent?: string;
  targets?: string[];
  slots?: Record<string, unknown>;
  text?: string;
}

/** Fields as in the Hermes reference (Snips / Rhasspy 2.5). */
export interface HermesSiteMessage {
  siteId: string;
}

export interface HermesHotwordDetected extends HermesSiteMessage {
  modelId: string;
  modelVersion: string;
  modelType: "universal" | "personal";
  currentSensitivity: number;
  sessionId: string;
  sendAudioCaptured: null;
  lang: null;
}

export interface HermesTextCaptured extends HermesSiteMessage {
  text: string;
  likelihood: number;
  seconds: number;
  sessionId: string;
  wakewordId: string | null;
  asrTokens: [];
  lang: string | null;
}

export interface HermesSlot {
  entity: string;
  slotName: string;
  rawValue: string;
  value: { kind: "Number" | "Custom"; value: number | string };
  confidence: number;
  range: null;
}

export interface HermesIntent extends HermesSiteMessage {
  input: string;
  intent: { intentName: string; confidenceScore: number };
  slots: HermesSlot[];
  id: string;
  sessionId: string;
  customData: null;
  asrTokens: [];
  asrConfidence: number | null;
  customEntities: null;
  rawInput: string;
  wakewordId: string | null;
  lang: string | null;
}

export interface HermesIntentNotRecognized extends HermesSiteMessage {
  input: string;
  id: string;
  sessionId: string;
  customData: null;
}

export interface HermesTtsSay extends HermesSiteMessage {
  text: string;
  lang: string | null;
  id: string;
  sessionId: string;
}

/** Concrete topic names for one configuration. */
export class Topics {
  readonly base: string;

  constructor(
    prefix: string,
    readonly site: string,
    readonly discoveryPrefix: string,
  ) {
    this.base = `${prefix}/${site}`;
  }

  get status(): string {
    return `${this.base}/status`;
  }
  event(type: PipelineEventType): string {
    return `${this.base}/event/${type}`;
  }
  get intent(): string {
    return `${this.base}/intent`;
  }
  state(name: "transcript" | "latency" | "listening" | "mute" | "next_timer"): string {
    return `${this.base}/state/${name}`;
  }
  get stats(): string {
    return `${this.base}/stats`;
  }
  get setMute(): string {
    return `${this.base}/set/mute`;
  }
  get setText(): string {
    return `${this.base}/set/text`;
  }
  /** Timers (src/mqtt/timers.ts): the retained list, their event entity's topic, the control. */
  get timers(): string {
    return `${this.base}/timers`;
  }
  get timerEvent(): string {
    return `${this.base}/timer/event`;
  }
  get setTimer(): string {
    return `${this.base}/set/timer`;
  }
  hermesHotwordDetected(wakewordId: string): string {
    return `hermes/hotword/${topicLevel(wakewordId)}/detected`;
  }
  readonly hermesTextCaptured = "hermes/asr/textCaptured";
  hermesIntent(intentName: string): string {
    return `hermes/intent/${topicLevel(intentName)}`;
  }
  readonly hermesIntentNotRecognized = "hermes/nlu/intentNotRecognized";
  readonly hermesTtsSay = "hermes/tts/say";
  readonly hermesToggleOn = "hermes/hotword/toggleOn";
  readonly hermesToggleOff = "hermes/hotword/toggleOff";
  get haStatus(): string {
    return `${this.discoveryPrefix}/status`;
  }
  get haAssistantConfig(): string {
    return `${this.discoveryPrefix}/device/edge_voice_${this.site.replace(/-/g, "_")}/config`;
  }
  /** Old-style (`<component>/<object_id>`, `<component>/<node_id>/<object_id>`) and device-based discovery. */
  get haLearn(): string[] {
    return [`${this.discoveryPrefix}/+/+/config`, `${this.discoveryPrefix}/+/+/+/config`];
  }
}

/** One topic level: wildcards and separators from names (a model id, an intent) cannot leak into the topic. */
function topicLevel(name: string): string {
  return name.replace(/[/+#\s]/g, "_") || "_";
}
