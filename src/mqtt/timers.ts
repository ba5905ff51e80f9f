import type { IPublishPacket } from "mqtt";
import type { EventBus } from "../events/bus.js";
import type { TimerEvent, TimerFinishedEvent, TimerInfo } from "../events/types.js";
import type { Logger } from "../util/logger.js";
import type { WarningBudget } from "./learn-report.js";
import type { RetainedState } from "./retained.js";
import type { OutboxSender } from "./sender.js";
import type { Topics } from "./topics.js";

/** What MQTT needs of the board's timers (the daemon adapts src/skills/timers/ to it). */
export interface TimerControl {
  /** This site's timers, the one ending soonest first. */
  list(): TimerInfo[];
  /** Cancels one timer; false when there is no such id. */
  cancel(id: string): boolean;
  /** Cancels them all; how many there were. */
  cancelAll(): number;
  /** Stops the ringing; false when nothing rang. */
  stopRinging(): boolean;
  /**
   * The `timer-finished` events emitted before MQTT started (timers that ended while the
   * daemon was down, finished at its start), each handed out once.
   */
  takeMissed(): TimerFinishedEvent[];
}

/** What Home Assistant's timer event entity gets (`<prefix>/<site>/timer/event`). */
export interface TimerEventPayload {
  event_type: "started" | "finished" | "cancelled";
  id: string;
  name: string | null;
  seconds: number;
  late_seconds?: number;
}

export interface MqttTimersOptions {
  bus: EventBus;
  topics: Topics;
  retained: RetainedState;
  timers: TimerControl;
  /** Timer events go through the outbox and expire like commands (a "finished" an hour late means nothing). */
  sender: Pick<OutboxSender, "enqueue">;
  expirySeconds: number;
  /** Epoch ms. */
  now: () => number;
  logger: Logger;
  /** Shared with the other control topics: a flood of bad messages logs a few lines, not one each. */
  warnings?: WarningBudget;
}

const MAX_PAYLOAD = 256;

/**
 * The timers over MQTT: the retained list (`<prefix>/<site>/timers`, JSON), the retained end of
 * the next running timer for Home Assistant's timestamp sensor (`state/next_timer`, ISO 8601 or
 * `None`), an event per started, finished or cancelled timer for its event entity, and the
 * control `set/timer`: `stop` (the ringing), `cancel` with an id, or `cancel_all`, as plain
 * text or `{"action": "cancel", "id": "t3"}`. Anything else is logged and ignored.
 */
export class MqttTimers {
  readonly #options: MqttTimersOptions;
  #unsubscribe: (() => void) | null = null;

  constructor(options: MqttTimersOptions) {
    this.#options = options;
  }

  /**
   * Publishes the state and follows the timers' events. Returns the `timer-finished` events
   * missed before (timers restored as ended), already sent to the event entity, so the caller
   * can publish them as the rest of the events (telemetry).
   */
  start(): TimerFinishedEvent[] {
    this.#publishState();
    this.#unsubscribe = this.#options.bus.onAny((event) => {
      if (event.type.startsWith("timer-")) this.#changed(event as TimerEvent);
    });
    const missed = this.#options.timers.takeMissed();
    for (const event of missed) this.#eventEntity(event);
    return missed;
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  get subscriptions(): string[] {
    return [this.#options.topics.setTimer];
  }

  /** Returns false when the topic is not the timer control. */
  handle(topic: string, payload: Buffer, packet: IPublishPacket): boolean {
    if (topic !== this.#options.topics.setTimer) return false;
    if (packet.retain) {
      this.#ignore("retained (publish it without the retain flag)");
      return true;
    }
    const command = parseCommand(payload.toString("utf8"));
    if (typeof command === "string") {
      this.#ignore(command);
      return true;
    }
    const { timers, logger } = this.#options;
    if (command.action === "stop") {
      logger.info({ rang: timers.stopRinging() }, "timers: stop over MQTT");
    } else if (command.action === "cancel_all") {
      logger.info({ cancelled: timers.cancelAll() }, "timers: all cancelled over MQTT");
    } else if (!timers.cancel(command.id)) {
      this.#ignore(`no timer ${JSON.stringify(command.id)}`);
    }
    return true;
  }

  #changed(event: TimerEvent): void {
    this.#publishState();
    this.#eventEntity(event);
  }

  #eventEntity(event: TimerEvent): void {
    const types = {
      "timer-started": "started",
      "timer-finished": "finished",
      "timer-cancelled": "cancelled",
    } as const;
    const eventType = event.type === "timer-updated" ? null : types[event.type];
    if (!eventType) return;
    const payload: TimerEventPayload = {
      event_type: eventType,
      id: event.timer.id,
      name: event.timer.name,
      seconds: event.timer.seconds,
      ...(event.type === "timer-finished" ? { late_seconds: event.lateSeconds } : {}),
    };
    const { sender, topics, now, expirySeconds } = this.#options;
    sender.enqueue({
      topic: topics.timerEvent,
      payload: JSON.stringify(payload),
      // The outbox's kind for real-time assistant messages (as the intent event entity's).
      kind: "intent",
      qos: 1,
      retain: false,
      expiresAt: now() + expirySeconds * 1000,
    });
  }

  #publishState(): void {
    const { retained, topics, timers } = this.#options;
    const list = timers.list();
    retained.set(
      topics.timers,
      JSON.stringify(
        list.map(({ id, name, seconds, endsAt, paused, area }) => ({
          id,
          name,
          seconds,
          endsAt,
          paused,
          area,
        })),
      ),
    );
    const next = list.find((t) => !t.paused && t.endsAt);
    retained.set(topics.state("next_timer"), next?.endsAt ?? "None");
  }

  #ignore(reason: string): void {
    const { logger, topics, warnings } = this.#options;
    const fields = { topic: topics.setTimer, code: "control-invalid" };
    const message = `ignored a timer control message: ${reason}`;
    if (warnings) warnings.warn(logger, fields, message);
    else logger.warn(fields, message);
  }
}

type Command = { action: "stop" } | { action: "cancel_all" } | { action: "cancel"; id: string };

/** `stop`, `cancel_all`, `cancel t3`, or the same as JSON; a string says what is wrong. */
export function parseCommand(raw: string): Command | string {
  const expected = 'expected stop, cancel_all, cancel <id>, or {"action": "cancel", "id": "<id>"}';
  if (raw.length > MAX_PAYLOAD) return `longer than ${MAX_PAYLOAD} bytes; ${expected}`;
  let action: unknown;
  let id: unknown;
  const text = raw.trim();
  if (text.startsWith("{")) {
    try {
      ({ action, id } = JSON.parse(text) as { action?: unknown; id?: unknown });
    } catch {
      return `not JSON; ${expected}`;
    }
  } else {
    [action, id] = text.split(/\s+/);
  }
  if (action === "stop" || action === "cancel_all") return { action };
  if (action === "cancel" && typeof id === "string" && /^[A-Za-z0-9_-]{1,32}$/.test(id))
    return { action, id };
  return expected;
}
