import type { MqttClient } from "mqtt";
import type { Device, DeviceRegistry } from "../intent/registry.js";
import { MAX_STATE_PAYLOAD_BYTES, readStatePayload } from "../skills/state-payload.js";
import type { DeviceStateStore } from "../skills/state-store.js";
import type { Logger } from "../util/logger.js";
import { printable } from "../util/printable.js";
import { publishTopicProblem } from "./topic-rules.js";

export interface StateListenerOptions {
  registry: DeviceRegistry;
  store: DeviceStateStore;
  logger: Logger;
  /** Epoch milliseconds, stamped on each state. */
  now?: () => number;
}

interface Reader {
  id: string;
  template: string | null;
}

/**
 * Keeps the device state store filled from the registry's state topics (configured
 * `state_topic`s and those learned from discovery): says which topics to subscribe to, follows
 * the registry as devices come and go, and reads each message. A message too large or
 * unreadable is dropped and counted, with one warning per device (a sensor that publishes
 * garbage every second must not fill the journal); it never throws.
 */
export class StateListener {
  #byTopic = new Map<string, Reader[]>();
  readonly #warned = new Set<string>();
  readonly #listeners = new Set<(added: string[], removed: string[]) => void>();
  readonly #unsubscribe: () => void;
  #rejected = 0;

  constructor(private readonly options: StateListenerOptions) {
    this.#byTopic = this.#index();
    this.#unsubscribe = options.registry.onChange(() => this.#reindex());
  }

  /** The state topics to subscribe to now. */
  get topics(): string[] {
    return [...this.#byTopic.keys()];
  }

  /** State messages dropped since start (too large, unreadable, an unsupported template). */
  get rejected(): number {
    return this.#rejected;
  }

  /** Called with the topics to subscribe to and to leave when the registry changed them. */
  onTopicsChange(listener: (added: string[], removed: string[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * A (re)connected client: subscribes to every state topic now (the broker then sends the
   * retained states) and follows registry changes until detach(). Returns detach.
   */
  attach(client: MqttClient): () => void {
    const refused = (error: Error | undefined) => {
      if (error) this.options.logger.warn({ reason: error.message }, "the broker refused state topics");
    };
    if (this.topics.length > 0)
      client.subscribe(this.topics, { qos: 1 }, (error) => refused(error ?? undefined));
    return this.onTopicsChange((added, removed) => {
      if (!client.connected) return;
      if (added.length > 0) client.subscribe(added, { qos: 1 }, (error) => refused(error ?? undefined));
      if (removed.length > 0) client.unsubscribe(removed);
    });
  }

  /** True when `topic` is a state topic (the message was then taken or dropped here). */
  handle(topic: string, payload: Buffer): boolean {
    const readers = this.#byTopic.get(topic);
    if (!readers) return false;
    const { store, now = Date.now } = this.options;
    for (const reader of readers) {
      // Measured before decoding: a megabyte of state is never turned into a string.
      const reading =
        payload.length > MAX_STATE_PAYLOAD_BYTES
          ? { ok: false as const, reason: `payload over ${MAX_STATE_PAYLOAD_BYTES} bytes` }
          : readStatePayload(payload.toString("utf8"), reader.template);
      if (reading.ok) {
        if (!store.set(reader.id, reading.value, now())) this.#reject(reader.id, topic, "state store full");
      } else {
        this.#reject(reader.id, topic, reading.reason);
      }
    }
    return true;
  }

  dispose(): void {
    this.#unsubscribe();
    this.#listeners.clear();
  }

  #reject(id: string, topic: string, reason: string): void {
    this.#rejected++;
    const fields = { id, topic: printable(topic), reason, rejected: this.#rejected };
    if (this.#warned.has(id)) {
      this.options.logger.debug(fields, "state message dropped");
      return;
    }
    this.#warned.add(id);
    this.options.logger.warn(
      fields,
      "state message dropped (further ones for this device are logged at debug)",
    );
  }

  #index(): Map<string, Reader[]> {
    const byTopic = new Map<string, Reader[]>();
    for (const device of this.options.registry.all()) {
      const topic = stateTopic(device);
      if (topic === null) continue;
      const readers = byTopic.get(topic) ?? [];
      readers.push({ id: device.id, template: device.state_template ?? null });
      byTopic.set(topic, readers);
    }
    return byTopic;
  }

  #reindex(): void {
    const before = this.#byTopic;
    const after = this.#index();
    this.#byTopic = after;
    // A device gone, or reading another topic or template now: its old state no longer holds.
    const kept = new Set<string>();
    for (const [topic, readers] of after)
      for (const reader of readers)
        if (before.get(topic)?.some((r) => r.id === reader.id && r.template === reader.template))
          kept.add(reader.id);
    for (const readers of before.values())
      for (const reader of readers) if (!kept.has(reader.id)) this.options.store.delete(reader.id);
    const added = [...after.keys()].filter((topic) => !before.has(topic));
    const removed = [...before.keys()].filter((topic) => !after.has(topic));
    if (added.length === 0 && removed.length === 0) return;
    for (const listener of this.#listeners) listener(added, removed);
  }
}

/** The device's state topic when it is one that can be subscribed to exactly (no wildcards). */
function stateTopic(device: Device): string | null {
  const topic = device.state_topic ?? null;
  return topic !== null && publishTopicProblem(topic) === null ? topic : null;
}
