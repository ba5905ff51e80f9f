/**
 * The pipeline events of DESIGN.md section 2. This union is a public contract: the
 * `--events json` lines, the `edge-voice/<site>/event/<type>` MQTT topics, tests and
 * users' scripts are written against it. Extend it; never rename a field.
 *
 * Every event has `type`, `t` (ms since process start, monotonic) and, once a run has
 * started, `runId`. Events about a point in the input audio carry `audioMs`.
 */

import type { AudioEndEvent, AudioStartEvent } from "./audio-events.js";
import type { EventBase } from "./base.js";
import type { IntentEndEvent, IntentRejectedEvent, IntentStartEvent } from "./intent-events.js";
import type { SttEndEvent, SttStartEvent, VadEndEvent, VadStartEvent } from "./stt-events.js";
import type { TimerEvent } from "./timer-events.js";
import type { WakeWordCandidateEvent, WakeWordEndEvent } from "./wake-events.js";

// Each stage's events live in a file of their own; the union and the run's own events stay here,
// and every event type is re-exported from here, so importers name only events/types.js.
export type { AudioEndEvent, AudioStartEvent } from "./audio-events.js";
export type { IntentEndEvent, IntentRejectedEvent, IntentStartEvent, RejectReason } from "./intent-events.js";
export type { SttEndEvent, SttStartEvent, VadEndEvent, VadStartEvent } from "./stt-events.js";
export type {
  TimerCancelledEvent,
  TimerEvent,
  TimerFinishedEvent,
  TimerInfo,
  TimerStartedEvent,
  TimerUpdatedEvent,
} from "./timer-events.js";
export type { WakeWordCandidateEvent, WakeWordEndEvent } from "./wake-events.js";

export type RunOutcome =
  | "published" // the broker acknowledged every device command (QoS 1 PUBACK)
  | "queued" // the commands wait in the outbox (broker slow or away): an `error` event follows if one expires
  | "recognized" // an intent was recognized and no command output is configured (--no-mqtt)
  | "answered" // the board carried the intent out itself (a timer, the time, a device's state): no device command
  | "dropped" // the command could not be delivered before it expired
  | "rejected" // an intent was recognized but refused by policy, or not recognized
  | "no-speech" // nothing (or only silence/noise) followed the wake word
  | "timeout" // a stage ran past its time limit
  | "aborted" // shutdown or input end cut the run short
  | "lost-arbitration" // another board in the same rooms group heard the same wake word better and answers
  | "error"; // a stage failed; an `error` event precedes this

export interface RunStartEvent extends EventBase {
  type: "run-start";
  runId: string;
  site: string;
  /** Why the run started: a wake word, injected text (MQTT), a follow-up, or (on a base) a satellite's command. */
  trigger?: "wake-word" | "text" | "follow-up" | "satellite";
  /** A follow-up's run: the run whose reply it answers (or whose targets "it"/"too" refer to). */
  previousRunId?: string;
}

/**
 * Boards of one rooms group decided which answers this wake word (docs/rooms.md). The loser's
 * run then ends as `lost-arbitration`, with no earcon, reply or command.
 */
export interface ArbitrationEvent extends EventBase {
  type: "arbitration";
  runId: string;
  group: string;
  won: boolean;
  /** `best`/`outranked` among several claims, `alone`, `late` (our claim came after the window), `no-echo` (the broker never returned it), `offline` (no broker: acted alone at once). */
  reason: "best" | "outranked" | "alone" | "late" | "no-echo" | "offline";
  /** The site that answers, when known. */
  winner: string | null;
  /** The claims that counted: site, wake word score, speech level over noise (dB). */
  claims: Array<{ site: string; score: number; level: number }>;
  /** Sites whose claims came after the window. */
  late: string[];
  /** From the claim to the decision. */
  ms: number;
}

export interface MqttPublishEvent extends EventBase {
  type: "mqtt-publish";
  topic: string;
  qos: 0 | 1 | 2;
}

/**
 * Input refused before a run started: `set/text` over the rate limit, or more text waiting
 * than the site's queue holds. Reported at most about once a second per reason, with the
 * number of messages refused since the previous report, so a flood cannot flood the events.
 */
export interface InputRejectedEvent extends EventBase {
  type: "input-rejected";
  site: string;
  /** `satellite` (role base): a satellite's session refused; `site` is the satellite's. */
  source: "text" | "satellite";
  reason:
    | "rate-limited"
    | "queue-full"
    | "site-busy"
    | "too-long"
    | "stalled"
    | "audio-lost"
    | "invalid"
    /** Text on a satellite that loads no intent stage (satellite.fallback: none): send it to the base. */
    | "no-intent-stage";
  count: number;
}

export interface ErrorEvent extends EventBase {
  type: "error";
  code: string;
  message: string;
}

export interface RunEndEvent extends EventBase {
  type: "run-end";
  runId: string;
  outcome: RunOutcome;
  /** Wake to end. */
  ms: number;
  /**
   * Felt latency of a spoken command: from the last speech sample, as the microphone produced it
   * (audio clock mapped to wall time), to the broker's acknowledgement. Only when `published`.
   */
  feltMs?: number;
  /** Spoken runs: the most processing fell behind the microphone during the run. */
  lagMs?: number;
  /** role satellite: the base whose run this outcome is; its reply comes on hermes/tts/say (docs/rooms.md). */
  answeredBy?: string;
}

export type PipelineEvent =
  | AudioStartEvent
  | AudioEndEvent
  | RunStartEvent
  | WakeWordEndEvent
  | WakeWordCandidateEvent
  | VadStartEvent
  | VadEndEvent
  | SttStartEvent
  | SttEndEvent
  | IntentStartEvent
  | IntentEndEvent
  | IntentRejectedEvent
  | ArbitrationEvent
  | MqttPublishEvent
  | InputRejectedEvent
  | ErrorEvent
  | RunEndEvent
  | TimerEvent;

export type PipelineEventType = PipelineEvent["type"];

export type EventOfType<T extends PipelineEventType> = Extract<PipelineEvent, { type: T }>;

/** What a producer passes to the bus: everything but the timestamp, which the bus stamps. */
export type EventInput = PipelineEvent extends infer E
  ? E extends PipelineEvent
    ? Omit<E, "t">
    : never
  : never;
