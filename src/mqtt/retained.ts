import type { MqttClient } from "mqtt";
import type { Logger } from "../util/logger.js";

/**
 * Latest-value retained topics (availability, Home Assistant discovery and sensor states):
 * only the newest value matters, so they skip the outbox; each is published when it changes
 * while connected and all are published again on every connect.
 */
export class RetainedState {
  readonly #values = new Map<string, string>();
  #client: MqttClient | null = null;
  #inflight = 0;
  readonly #idle = new Set<() => void>();

  constructor(private readonly logger: Logger) {}

  get inflight(): number {
    return this.#inflight;
  }

  set(topic: string, payload: string): void {
    if (this.#values.get(topic) === payload) return;
    this.#values.set(topic, payload);
    if (this.#client) this.#publish(this.#client, topic, payload);
  }

  /** Publishes every value (on connect, and when Home Assistant comes back online). */
  attach(client: MqttClient): void {
    this.#client = client;
    for (const [topic, payload] of this.#values) this.#publish(client, topic, payload);
  }

  detach(): void {
    this.#client = null;
    this.#inflight = 0;
    this.#notifyIdle();
  }

  idle(): Promise<void> {
    if (this.#inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.add(resolve));
  }

  #publish(client: MqttClient, topic: string, payload: string): void {
    this.#inflight++;
    client.publish(topic, payload, { qos: 1, retain: true }, (error) => {
      if (error) this.logger.debug({ err: error, topic }, "retained publish failed; sent again on reconnect");
      if (this.#client !== client) return;
      this.#inflight = Math.max(0, this.#inflight - 1);
      this.#notifyIdle();
    });
  }

  #notifyIdle(): void {
    if (this.#inflight > 0) return;
    for (const resolve of this.#idle) resolve();
    this.#idle.clear();
  }
}
