import type { EventBus } from "../events/bus.js";
import type { PipelineEvent, RunOutcome } from "../events/types.js";
import { runReply } from "../feedback/run-reply.js";
import type { DeviceRegistry } from "../intent/registry.js";
import {
  hotwordDetected,
  intentMessage,
  notRecognized,
  type RunContext,
  textCaptured,
  ttsSay,
} from "./hermes.js";
import type { OutboxInput } from "./outbox.js";
import type { RetainedState } from "./retained.js";
import type { OutboxSender } from "./sender.js";
import type { AssistantIntentPayload, Topics } from "./topics.js";

export interface TelemetryOptions {
  bus: EventBus;
  sender: OutboxSender;
  retained: RetainedState;
  registry: DeviceRegistry;
  topics: Topics;
  hermes: boolean;
  /** Real-time messages (Hermes, the HA intent event) expire like commands. */
  expirySeconds: number;
  now: () => number;
  /** The configured threshold or sensitivity of a wake-word model (Hermes `currentSensitivity`). */
  wakeSensitivity?: (wakeWord: string) => number;
}

/** A request waiting for its spoken "yes": the confirmed intent repeats what was asked, not "yes". */
interface AwaitingConfirmation {
  intent: string;
  targets: string[];
  text: string;
}

/**
 * The pipeline's events on MQTT: every event as JSON on `<prefix>/<site>/event/<type>`
 * (through the outbox, never expiring), the Hermes messages, the Home Assistant intent
 * event and sensor states. Emits `mqtt-publish` only for Hermes intent results (device
 * commands emit their own), never for telemetry, so publishing cannot feed itself.
 */
export class Telemetry {
  readonly #runs = new Map<string, RunContext>();
  readonly #injected: { text: string }[] = [];
  #awaiting: AwaitingConfirmation | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly options: TelemetryOptions) {}

  /**
   * Text injected over MQTT has no stt-end event: remember it for the run it starts (the next
   * run-start with trigger "text"), so Hermes `input` and the intent event carry it. Returns
   * how to forget it again, for text the pipeline refused (no run will claim it).
   */
  noteInjectedText(text: string): () => void {
    const note = { text };
    this.#injected.push(note);
    // As many as the pipeline lets wait (16), with room to spare.
    if (this.#injected.length > 32) this.#injected.shift();
    return () => {
      const at = this.#injected.indexOf(note);
      if (at >= 0) this.#injected.splice(at, 1);
    };
  }

  start(): void {
    this.#unsubscribe = this.options.bus.onAny((event) => this.#handle(event));
  }

  /** Events emitted before start() (timers that ended while the daemon was down), published now. */
  replay(events: readonly PipelineEvent[]): void {
    for (const event of events) this.#handle(event);
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  #handle(event: PipelineEvent): void {
    const { topics, retained } = this.options;
    this.#queue({ topic: topics.event(event.type), payload: JSON.stringify(event), kind: "event" });
    const run = event.runId ? this.#run(event.runId) : null;
    switch (event.type) {
      case "run-start":
        retained.set(topics.state("listening"), "ON");
        if (run) Object.assign(run, { trigger: event.trigger, site: event.site });
        if (run && event.trigger === "text") run.text = this.#injected.shift()?.text ?? "";
        if (event.trigger !== "follow-up") this.#awaiting = null;
        break;
      case "wake_word-end":
        if (run) run.wakeWord = event.wakeWord;
        this.#hermes(
          topics.hermesHotwordDetected(event.wakeWord),
          hotwordDetected(
            run?.site ?? topics.site,
            event,
            this.options.wakeSensitivity?.(event.wakeWord) ?? 1,
          ),
          false,
        );
        break;
      case "stt-end":
        if (run) Object.assign(run, { text: event.text, language: event.language || null });
        if (run)
          this.#hermes(topics.hermesTextCaptured, textCaptured(run.site ?? topics.site, event, run), false);
        retained.set(topics.state("transcript"), event.text);
        break;
      case "intent-end":
        if (run) run.intent = event;
        if (run) this.#intent(event, run);
        break;
      case "intent-rejected":
        if (run) run.rejected = event;
        if (run && event.reason === "not-recognized") this.#notRecognized(event.runId, run);
        if (run && event.reason === "needs-confirmation" && event.intent)
          // A guess asked back was not what Whisper wrote: the request is the guessed sentence.
          this.#awaiting = {
            intent: event.intent,
            targets: event.targets ?? [],
            text: event.guessed ?? run.text,
          };
        break;
      case "run-end":
        if (run) this.#reply(event.runId, event.outcome, run);
        retained.set(topics.state("listening"), "OFF");
        retained.set(topics.state("latency"), String(Math.round(event.ms)));
        this.#runs.delete(event.runId);
        break;
    }
  }

  #intent(event: Extract<PipelineEvent, { type: "intent-end" }>, run: RunContext): void {
    const { topics, registry } = this.options;
    const asked = this.#confirmed(event, run);
    const context = asked === null ? run : { ...run, text: asked };
    this.#hermes(
      topics.hermesIntent(event.intent),
      intentMessage(run.site ?? topics.site, event, context, registry),
      true,
    );
    const payload: AssistantIntentPayload = {
      event_type: "recognized",
      runId: event.runId,
      intent: event.intent,
      targets: event.targets,
      slots: event.slots,
      text: run.text,
    };
    this.#realtime(topics.intent, payload, "intent");
  }

  /** The original request when this intent is the one a follow-up "yes" confirmed, else null. */
  #confirmed(event: Extract<PipelineEvent, { type: "intent-end" }>, run: RunContext): string | null {
    const awaiting = this.#awaiting;
    this.#awaiting = null;
    if (!awaiting || run.trigger !== "follow-up" || awaiting.intent !== event.intent) return null;
    const same = awaiting.targets.join(",") === event.targets.join(",");
    return same ? awaiting.text : null;
  }

  /** The reply on hermes/tts/say, whether or not this board speaks it too (feedback.speech). */
  #reply(runId: string, outcome: RunOutcome, run: RunContext): void {
    const { topics, registry } = this.options;
    const text = runReply(outcome, run, (id) => registry.get(id));
    // Not announced with mqtt-publish: that would come after the run's run-end.
    if (text) this.#hermes(topics.hermesTtsSay, ttsSay(run.site ?? topics.site, runId, text, run), false);
  }

  #notRecognized(runId: string, run: RunContext): void {
    const { topics } = this.options;
    this.#hermes(topics.hermesIntentNotRecognized, notRecognized(run.site ?? topics.site, runId, run), true);
    const payload: AssistantIntentPayload = { event_type: "not_recognized", runId, text: run.text };
    this.#realtime(topics.intent, payload, "intent");
  }

  #hermes(topic: string, payload: object, announce: boolean): void {
    if (!this.options.hermes) return;
    this.#realtime(topic, payload, "hermes");
    if (announce) this.options.bus.emit({ type: "mqtt-publish", runId: runIdOf(payload), topic, qos: 1 });
  }

  #realtime(topic: string, payload: object, kind: "hermes" | "intent"): void {
    const expiresAt = this.options.now() + this.options.expirySeconds * 1000;
    this.#queue({ topic, payload: JSON.stringify(payload), kind, expiresAt });
  }

  #queue(message: Pick<OutboxInput, "topic" | "payload" | "kind"> & { expiresAt?: number }): void {
    this.options.sender.enqueue({ qos: 1, retain: false, expiresAt: null, ...message });
  }

  #run(runId: string): RunContext {
    let run = this.#runs.get(runId);
    if (!run) {
      run = { wakeWord: null, text: "", language: null };
      this.#runs.set(runId, run);
      // A run that never ends (aborted pipeline) must not leak: keep the newest few.
      if (this.#runs.size > 16) this.#runs.delete(this.#runs.keys().next().value as string);
    }
    return run;
  }
}

function runIdOf(payload: object): string | undefined {
  const id = (payload as { sessionId?: unknown }).sessionId;
  return typeof id === "string" ? id : undefined;
}
