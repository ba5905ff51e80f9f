/**
 * The pipeline events of DESIGN.md section 2. This union is a public contract: the
 * `--events json` lines, the `edge-voice/<site>/event/<type>` MQTT topics, tests and
 * users' scripts are written against it. Extend it; never rename a field.
 *
 * Every event has `type`, `t` (ms since process start, monotonic) and, once a run has
 * started, `runId`. Events about a point in the input audio carry `audioMs`.
 */

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

export type RejectReason =
  | "not-recognized"
  | "needs-confirmation"
  | "not-allowed"
  | "confirmation-expired"
  | "cancelled"
  /** A sensitive action requested or confirmed by text (MQTT set/text): only a spoken request may (intent.allow_sensitive_from_text). */
  | "voice-only";

interface EventBase {
  /** Milliseconds since the process started (monotonic clock). */
  t: number;
  runId?: string;
}

export interface AudioStartEvent extends EventBase {
  type: "audio-start";
  /** `microphone`, `file`, or `stdin`. */
  source: "microphone" | "file" | "stdin";
  /** Human-readable name: the WAV path, the ALSA device, or `-`. */
  name: string;
  /** Format of the input before conversion to 16 kHz mono s16. */
  inputFormat?: { sampleRate: number; channels: number; bitsPerSample: number; encoding: "pcm" | "float" };
}

export interface AudioEndEvent extends EventBase {
  type: "audio-end";
  /** Total input consumed, in ms of 16 kHz audio. */
  audioMs: number;
  frames: number;
}

export interface RunStartEvent extends EventBase {
  type: "run-start";
  runId: string;
  site: string;
  /** Why the run started: a wake word, injected text (MQTT), a follow-up, or (on a base) a satellite's command. */
  trigger?: "wake-word" | "text" | "follow-up" | "satellite";
  /** A follow-up's run: the run whose reply it answers (or whose targets "it"/"too" refer to). */
  previousRunId?: string;
}

export interface WakeWordEndEvent extends EventBase {
  type: "wake_word-end";
  runId: string;
  wakeWord: string;
  score: number;
  audioMs: number;
}

/**
 * A wake-word candidate (wake.verifier): a score between the model's candidate threshold and
 * its threshold, and what the verifier made of it. `verified` ones are followed by
 * `run-start` and `wake_word-end`; the others wake nothing. No `runId`.
 */
export interface WakeWordCandidateEvent extends EventBase {
  type: "wake_word-candidate";
  wakeWord: string;
  score: number;
  verified: boolean;
  /** `verified`, `rejected` (Whisper heard something else), `no-speech`, `busy` (not verified: the board was busy), `failed`. */
  outcome: "verified" | "rejected" | "no-speech" | "busy" | "failed";
  /** Verification time (0 when it did not run). */
  ms: number;
  /** The wake phrase's per-token log-probability minus that of what Whisper heard, when scored. */
  margin?: number;
  /** What Whisper heard, when scored. */
  heard?: string;
  audioMs: number;
}

export interface VadStartEvent extends EventBase {
  type: "stt-vad-start";
  runId: string;
  audioMs: number;
}

export interface VadEndEvent extends EventBase {
  type: "stt-vad-end";
  runId: string;
  audioMs: number;
}

export interface SttStartEvent extends EventBase {
  type: "stt-start";
  runId: string;
  /** Length of the command audio handed to STT. */
  audioMs: number;
}

export interface SttEndEvent extends EventBase {
  type: "stt-end";
  runId: string;
  /** The text that goes on to the intent stage (the free or the grammar-guided one). */
  text: string;
  language: string;
  /** Decode time as the person felt it: from the endpoint to the text being ready. */
  ms: number;
  /** Time spent transcribing (encoder + decoder), a speculative pass included: Hermes textCaptured `seconds`. */
  sttMs?: number;
  /** Whisper's mean token probability (exp of the average log-probability), 0-1: Hermes `likelihood`. */
  confidence?: number;
  /** Which text was chosen, `free` or `grammar` (always `free` with stt.guided off). */
  source?: "free" | "grammar";
  /** Whisper's free decoding, whichever was chosen. */
  freeText?: string;
  /** Average log-probability per token of `text`, and of `freeText`. */
  score?: number;
  freeScore?: number;
  /** The grammar sentence's lead over the next-best different sentence (absent when there was none). */
  margin?: number;
  /** The grammar's best sentence when the guided pass ran (chosen or not), its score, and why. */
  guidedText?: string;
  guidedScore?: number;
  /** `accepted`, or why not: `understood` (the free text is), `low-score`, `low-margin`, `below-free`, `contradicts`, `other-words`, `no-hypothesis`, `failed` (the free text goes on). */
  guidedWhy?: string;
  /** Time of the guided pass (included in `ms`). */
  guidedMs?: number;
}

export interface IntentStartEvent extends EventBase {
  type: "intent-start";
  runId: string;
}

export interface IntentEndEvent extends EventBase {
  type: "intent-end";
  runId: string;
  intent: string;
  targets: string[];
  slots: Record<string, unknown>;
  source: "template" | "llm";
  ms: number;
  confidence?: number;
  /** The reply for the person (spoken with feedback.speech, published on hermes/tts/say); absent when there is nothing to say. */
  speech?: string;
}

export interface IntentRejectedEvent extends EventBase {
  type: "intent-rejected";
  runId: string;
  reason: RejectReason;
  intent?: string;
  targets?: string[];
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
  /** `satellite` (role base): a satellite's session refused; `site` is the satellite's, `runId` its run. */
  source: "text" | "satellite";
  reason: "rate-limited" | "queue-full" | "site-busy" | "too-long" | "stalled" | "audio-lost" | "invalid";
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

/** A timer as events and MQTT show it (the daemon runs timers: src/skills/timers/). */
export interface TimerInfo {
  id: string;
  /** "pasta" for "pasta timer"; null when none was given. */
  name: string | null;
  /** The duration it was set for, in seconds (adjustments included). */
  seconds: number;
  /** When it ends (ISO 8601, UTC); null while paused. */
  endsAt: string | null;
  site: string;
  area: string | null;
  paused: boolean;
  /** Seconds left when the event was emitted (whole seconds, rounded up). */
  remainingSeconds: number;
}

/**
 * `timer-started`, `timer-updated` (time added or taken away, paused, unpaused),
 * `timer-cancelled`, and `timer-finished` (it ended: the board rings). `runId` is the run that
 * asked for it, absent for what happens on its own (a timer ending, restored at start).
 */
interface TimerEventBase extends EventBase {
  timer: TimerInfo;
}

export interface TimerStartedEvent extends TimerEventBase {
  type: "timer-started";
}

export interface TimerUpdatedEvent extends TimerEventBase {
  type: "timer-updated";
}

export interface TimerCancelledEvent extends TimerEventBase {
  type: "timer-cancelled";
}

export interface TimerFinishedEvent extends TimerEventBase {
  type: "timer-finished";
  /** Seconds after its end that it was noticed: minutes when it ended while the daemon was down. */
  lateSeconds: number;
}

export type TimerEvent = TimerStartedEvent | TimerUpdatedEvent | TimerCancelledEvent | TimerFinishedEvent;

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
