import type { IClientPublishOptions, MqttClient } from "mqtt";
import type { Logger } from "../util/logger.js";
import { type Outbox, type OutboxInput, remainingSeconds } from "./outbox.js";
import type { OutboxEntry } from "./outbox-log.js";
import { publishTopicProblem } from "./topic-rules.js";

export type DeliveryOutcome = "acked" | "expired" | "dropped";

/** Why a message left the outbox undelivered (expiry has its own callback). */
export type DropReason = "outbox-full" | "refused";

export interface SenderOptions {
  outbox: Outbox;
  logger: Logger;
  /** Wall clock (epoch ms): expiry must hold across restarts. */
  now: () => number;
  /** Messages in flight at once; order is kept (one TCP stream, QoS 1). */
  window: number;
  onExpired: (entry: OutboxEntry) => void;
  /** Every message dropped undelivered: the caller reports it (an error event for commands). */
  onDropped: (entry: OutboxEntry, reason: DropReason, detail: string) => void;
}

/**
 * Moves messages from the outbox to the broker in order, keeping at most `window` in
 * flight, and settles each message's delivery promise on PUBACK, expiry or drop.
 * On disconnect every in-flight message goes back to the outbox (mqtt.js's own store is
 * thrown away on reconnect), so a reconnect resends them first, in order.
 */
export class OutboxSender {
  #client: MqttClient | null = null;
  #protocolVersion: 4 | 5 = 4;
  #generation = 0;
  #pumpScheduled = false;
  #droppedSinceReport = 0;
  #closed = false;
  readonly #waiters = new Map<number, (outcome: DeliveryOutcome) => void>();
  readonly #drainWaiters = new Set<() => void>();

  constructor(private readonly options: SenderOptions) {}

  /** Queues a message; the promise settles when the broker has it, or it expired or was dropped. */
  enqueue(input: OutboxInput): { seq: number; delivered: Promise<DeliveryOutcome> } {
    if (this.#closed) return { seq: -1, delivered: Promise.resolve("dropped") };
    const { entry, dropped } = this.options.outbox.add(input);
    const delivered = new Promise<DeliveryOutcome>((resolve) => this.#waiters.set(entry.seq, resolve));
    for (const old of dropped) this.#dropped(old, "outbox-full", "the MQTT outbox is full");
    if (dropped.length > 0 && this.#droppedSinceReport === 0)
      this.options.logger.warn(
        { total: this.options.outbox.droppedTotal },
        "MQTT outbox full: dropping the oldest queued messages until the broker is back (raise mqtt.outbox_max_messages / outbox_max_bytes)",
      );
    this.#droppedSinceReport += dropped.length;
    if (input.kind === "command") this.pump();
    else this.#pumpSoon();
    return { seq: entry.seq, delivered };
  }

  attach(client: MqttClient, protocolVersion: 4 | 5): void {
    this.#client = client;
    this.#protocolVersion = protocolVersion;
    this.#generation++;
    this.options.outbox.releaseAll();
    if (this.#droppedSinceReport > 0)
      this.options.logger.warn(
        { dropped: this.#droppedSinceReport, total: this.options.outbox.droppedTotal },
        `${this.#droppedSinceReport} queued MQTT messages were dropped while the broker was away (outbox full)`,
      );
    this.#droppedSinceReport = 0;
    this.pump();
  }

  detach(): void {
    const client = this.#client;
    this.#client = null;
    // mqtt.js keeps callbacks of unacknowledged packets across reconnects; they are ours to
    // resend now, so clear them (their callbacks fail into the generation guard).
    for (const id of Object.keys(client?.outgoing ?? {})) client?.removeOutgoingMessage(Number(id));
    this.#generation++;
    this.options.outbox.releaseAll();
  }

  /** After stop: nothing more is queued (what is queued stays on disk for the next start). */
  close(): void {
    this.detach();
    this.#closed = true;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Drops waiting messages whose time is up (called on a timer while the broker is away). */
  expire(): void {
    for (const entry of this.options.outbox.expire(this.options.now())) this.#expired(entry);
    this.#checkDrained();
  }

  /** Resolves once nothing is queued or in flight. */
  drained(): Promise<void> {
    if (this.options.outbox.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.add(resolve));
  }

  /**
   * Telemetry waits for the end of this turn of the event loop, so a device command queued
   * in the same turn (the pipeline emits intent-end, then publishes the command) is written
   * first. Mosquitto keeps Nagle's algorithm on by default: a PUBACK queued behind others
   * waits ~40 ms for the client's delayed ACK, and the command's PUBACK must not.
   */
  #pumpSoon(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    setImmediate(() => {
      this.#pumpScheduled = false;
      this.pump();
    });
  }

  pump(): void {
    const client = this.#client;
    const outbox = this.options.outbox;
    if (!client) return;
    const room = this.options.window - outbox.inflight;
    if (room <= 0) return;
    const now = this.options.now();
    const { send, expired } = outbox.take(now, room);
    for (const entry of expired) this.#expired(entry);
    for (const entry of send) this.#publish(client, entry, now);
    this.#checkDrained();
  }

  #publish(client: MqttClient, entry: OutboxEntry, now: number): void {
    const problem = publishTopicProblem(entry.topic);
    if (problem) {
      // Sent, it would cost the connection (Mosquitto disconnects) and come back after every reconnect.
      this.options.outbox.ack(entry.seq);
      this.#dropped(entry, "refused", problem);
      // Not from inside pump(): the next message goes out on the following turn.
      this.#pumpSoon();
      return;
    }
    const generation = this.#generation;
    const options: IClientPublishOptions = { qos: entry.qos, retain: entry.retain };
    const expiry = remainingSeconds(entry, now);
    if (this.#protocolVersion === 5 && expiry !== undefined)
      options.properties = { messageExpiryInterval: expiry };
    client.publish(entry.topic, entry.payload, options, (error) => {
      if (generation !== this.#generation) return; // connection replaced: the entry was released
      if (error && !isRefusal(error)) {
        // The connection went ("Connection closed", ...): the message goes out again after the reconnect.
        this.options.outbox.release(entry.seq);
        return;
      }
      if (error) {
        // The broker (MQTT 5 reason code, e.g. an ACL) or mqtt.js refused this message: retrying
        // would fail the same way forever.
        this.options.outbox.ack(entry.seq);
        this.#dropped(entry, "refused", `${error.message} (check the broker's ACL for edge-voice's user)`);
        this.pump();
        return;
      }
      this.options.outbox.ack(entry.seq);
      this.#settle(entry.seq, "acked");
      this.pump();
    });
  }

  #expired(entry: OutboxEntry): void {
    this.#settle(entry.seq, "expired");
    this.options.onExpired(entry);
  }

  #dropped(entry: OutboxEntry, reason: DropReason, detail: string): void {
    this.#settle(entry.seq, "dropped");
    this.options.onDropped(entry, reason, detail);
  }

  #settle(seq: number, outcome: DeliveryOutcome): void {
    const waiter = this.#waiters.get(seq);
    this.#waiters.delete(seq);
    waiter?.(outcome);
  }

  #checkDrained(): void {
    if (this.options.outbox.size > 0) return;
    for (const resolve of this.#drainWaiters) resolve();
    this.#drainWaiters.clear();
  }
}

/** A refusal of this one message (MQTT 5 PUBACK reason code >= 0x80, or an invalid message), not a lost connection. */
function isRefusal(error: Error & { code?: unknown }): boolean {
  return (typeof error.code === "number" && error.code >= 0x80) || /invalid/i.test(error.message);
}
