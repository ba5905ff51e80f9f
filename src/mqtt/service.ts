import { readFileSync } from "node:fs";
import path from "node:path";
import type { IPublishPacket, MqttClient } from "mqtt";
import { APP_ROOT } from "../config/paths.js";
import type { Config } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { DeviceRegistry } from "../intent/registry.js";
import type { PipelineControl } from "../pipeline/control.js";
import type { CommandPublisher } from "../pipeline/publisher.js";
import type { DeviceStateStore } from "../skills/state-store.js";
import { componentLogger, type Logger } from "../util/logger.js";
import { clientSettings } from "./client-options.js";
import { MqttConnection, type MqttState } from "./connection.js";
import type { ControlIn } from "./control-in.js";
import type { EmbeddedBroker } from "./embedded-broker.js";
import { assistantDiscovery } from "./ha-assistant.js";
import { createMqttParts, type MqttParts } from "./parts.js";
import { StateListener } from "./state-listener.js";
import { LeadingThrottle } from "./throttle.js";
import type { TimerControl } from "./timers.js";
import type { Topics } from "./topics.js";
import { reportUndelivered } from "./undelivered.js";

export type { MqttState } from "./connection.js";

export interface MqttServiceOptions {
  config: Config;
  bus: EventBus;
  registry: DeviceRegistry;
  /** The outbox file lives here (mqtt-outbox.jsonl). */
  stateDir: string;
  logger: Logger;
  /** Every change of the broker connection (systemd STATUS "broker unreachable", ...). */
  onStateChange?: (state: MqttState) => void;
  /** Wall clock in epoch ms (expiry must hold across restarts); tests may pass their own. */
  now?: () => number;
  /** The board's timers (state, events, set/timer); absent with timers.enabled off. */
  timers?: TimerControl | null;
  /** Filled from the devices' state topics, for answers ("is the front door locked"); none: not subscribed. */
  states?: DeviceStateStore;
}

/** What start() needs that exists only after the service was built: the pipeline it controls. */
export interface MqttStartContext {
  control: PipelineControl;
}

/** Home Assistant restarts rarely; more `online` messages than this are noise or an attack. */
const HA_ONLINE_INTERVAL_MS = 5000;

/**
 * edge-voice's MQTT side: the broker connection (or an embedded broker), the outbox,
 * pipeline events and Hermes messages out, device commands, control topics in, and Home
 * Assistant discovery both ways. `MqttService.create` builds the collaborators (the outbox
 * queues from then on, so `commands` can go to the pipeline before any connection);
 * `start({ control })` connects; `stop()` ends. `MqttService.start(options)` does both.
 */
export class MqttService {
  readonly #listeners = new Set<(state: MqttState) => void>();
  /** Home Assistant's `online` answered with our retained topics at most once per interval. */
  readonly #haOnline = new LeadingThrottle(HA_ONLINE_INTERVAL_MS);
  #broker: EmbeddedBroker | null = null;
  #connection: MqttConnection | null = null;
  #control: ControlIn | null = null;
  #expiryTimer: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | null = null;
  #states: StateListener | null = null;
  #detachStates: (() => void) | null = null;

  /** Builds and connects: for callers that have the pipeline already. */
  static async start(options: MqttServiceOptions & MqttStartContext): Promise<MqttService> {
    const service = MqttService.create(options);
    try {
      await service.start(options);
      return service;
    } catch (error) {
      await service.stop();
      throw error;
    }
  }

  static create(options: MqttServiceOptions): MqttService {
    // The daemon may hand over a logger already bound to the component: do not bind it twice.
    const logger = options.logger.bindings().component
      ? options.logger
      : componentLogger(options.logger, "mqtt");
    const parts = createMqttParts({ ...options, logger, now: options.now ?? Date.now });
    return new MqttService(options, logger, parts);
  }

  private constructor(
    private readonly options: MqttServiceOptions,
    private readonly logger: Logger,
    private readonly parts: MqttParts,
  ) {}

  /** The pipeline's command output: queues in the outbox whether or not the broker is there. */
  get commands(): CommandPublisher {
    return this.parts.commands;
  }

  get topics(): Topics {
    return this.parts.topics;
  }

  /**
   * Starts the embedded broker (mqtt.url null), then the client; resolves after the first
   * connection attempt (a broker that is down is retried in the background). Throws for a
   * broker port in use; a failed start is released by stop().
   */
  async start(context: MqttStartContext): Promise<void> {
    const mqtt = this.options.config.mqtt;
    // Imported only when used: aedes and its dependencies are ~10 MB resident a board with
    // its own broker never needs.
    if (mqtt.url === null) {
      const { EmbeddedBroker } = await import("./embedded-broker.js");
      this.#broker = await EmbeddedBroker.start(mqtt.embedded_host, mqtt.embedded_port, this.logger);
    }
    const { topics, sender, retained, telemetry } = this.parts;
    this.#control = this.parts.controlIn(context.control);
    const { states, registry, now } = this.options;
    if (states) this.#states = new StateListener({ registry, store: states, logger: this.logger, now });
    this.#initialRetained(context.control);
    const missed = this.parts.timers?.start() ?? [];
    // aedes speaks 3.1.1 only: no point offering it MQTT 5.
    const version = this.#broker ? 4 : mqtt.protocol_version;
    const url = this.#broker?.url ?? (mqtt.url as string);
    this.#connection = new MqttConnection({
      settings: clientSettings(this.options.config, url, topics.status, version),
      reconnect: { minSeconds: mqtt.reconnect_min_seconds, maxSeconds: mqtt.reconnect_max_seconds },
      logger: this.logger,
      onState: (state) => this.#stateChanged(state),
      onConnect: (client) => this.#connected(client, context.control),
      onClose: () => {
        sender.detach();
        retained.detach();
        this.#detachStates?.();
      },
      onMessage: (topic, payload, packet) => this.#message(topic, payload, packet),
    });
    telemetry.start();
    telemetry.replay(missed);
    this.#connection.start();
    this.#expiryTimer = setInterval(() => sender.expire(), 250);
    this.#expiryTimer.unref();
    // Long enough for a broker on the LAN; an address that never answers must not hold up the daemon.
    await this.#firstAttempt(Math.min(mqtt.connect_timeout_seconds, 3) * 1000);
  }

  get state(): MqttState {
    return (
      this.#connection?.state ?? {
        state: "stopped",
        message: "not started",
        protocolVersion: this.options.config.mqtt.protocol_version,
      }
    );
  }

  /** Messages waiting for the broker, and how many were dropped because the outbox was full. */
  get outbox(): { queued: number; bytes: number; dropped: number } {
    const { outbox } = this.parts;
    return { queued: outbox.size, bytes: outbox.bytes, dropped: outbox.droppedTotal };
  }

  onStateChange(listener: (state: MqttState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The retained stats topic: the latest snapshot replaces the previous one (and survives reconnects). */
  publishStats(snapshot: object): void {
    this.parts.retained.set(this.topics.stats, JSON.stringify(snapshot));
  }

  /** Resolves when everything queued has reached the broker, or after `timeoutMs`. */
  async flush(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    const { sender, retained } = this.parts;
    await Promise.race([Promise.all([sender.drained(), retained.idle()]), timeout]);
    clearTimeout(timer);
  }

  /**
   * Publishes `offline`, disconnects, closes the outbox (what is unsent stays on disk).
   * Idempotent, and safe after a failed or partial start.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const { topics, telemetry, learner, sender, outbox } = this.parts;
    clearInterval(this.#expiryTimer);
    this.#haOnline.dispose();
    telemetry.stop();
    this.parts.timers?.stop();
    learner?.dispose();
    this.#detachStates?.();
    this.#states?.dispose();
    await this.#connection?.stop(async (client) => {
      const offline = client.publishAsync(topics.status, "offline", { qos: 1, retain: true });
      await Promise.race([offline, new Promise((resolve) => setTimeout(resolve, 2000))]);
    });
    sender.close();
    const { config, stateDir } = this.options;
    reportUndelivered(outbox, { onDisk: config.mqtt.outbox, stateDir }, this.logger);
    outbox.close();
    await this.#broker?.close();
  }

  #initialRetained(control: PipelineControl): void {
    const { config } = this.options;
    const { retained, topics } = this.parts;
    retained.set(topics.status, "online");
    if (config.mqtt.discovery)
      retained.set(
        topics.haAssistantConfig,
        JSON.stringify(assistantDiscovery(topics, version(), this.parts.timers !== null)),
      );
    retained.set(topics.state("listening"), "OFF");
    retained.set(topics.state("mute"), control.isMuted() ? "ON" : "OFF");
  }

  #connected(client: MqttClient, control: PipelineControl): void {
    const mqtt = this.options.config.mqtt;
    const { retained, sender, learner, timers } = this.parts;
    const topics = [...(this.#control?.subscriptions ?? []), ...(timers?.subscriptions ?? [])];
    if (mqtt.discovery) topics.push(this.topics.haStatus);
    if (learner) topics.push(...this.topics.haLearn);
    client.subscribe(topics, { qos: 1 }, (error, granted) => {
      // On a refusal mqtt.js passes the SUBACK's reason codes (in topic order) on the error.
      const codes =
        (error as { packet?: { granted?: number[] } } | null)?.packet?.granted ??
        (granted ?? []).map((g) => g.qos);
      const refused = topics.filter((_topic, i) => (codes[i] ?? 0) >= 0x80);
      if (error || refused.length > 0)
        this.logger.warn(
          { refused, reason: error?.message },
          "the broker refused some subscriptions (ACL?): control topics or device learning may not work",
        );
    });
    this.#detachStates?.();
    this.#detachStates = this.#states?.attach(client) ?? null;
    // Mute may have changed by other means (SIGHUP, the pipeline) while away.
    retained.set(this.topics.state("mute"), control.isMuted() ? "ON" : "OFF");
    retained.attach(client);
    sender.attach(client, this.#connection?.version ?? 4);
  }

  #message(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (this.#control?.handle(topic, payload, packet)) return;
    if (this.parts.timers?.handle(topic, payload, packet)) return;
    if (this.#states?.handle(topic, payload)) return;
    if (topic === this.topics.haStatus) {
      if (payload.toString().trim() !== "online") return;
      this.#haOnline.request(() => {
        const client = this.#connection?.client;
        if (client) this.parts.retained.attach(client);
      });
      return;
    }
    this.parts.learner?.handle(topic, payload);
  }

  #stateChanged(state: MqttState): void {
    this.options.onStateChange?.(state);
    for (const listener of this.#listeners) listener(state);
  }

  /** Resolves after the first connection attempt succeeded or failed (never throws for the network). */
  async #firstAttempt(timeoutMs: number): Promise<void> {
    if (this.state.state !== "connecting") return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const off = this.onStateChange(done);
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(path.join(APP_ROOT, "package.json"), "utf8")) as { version: string })
      .version;
  } catch {
    return "unknown";
  }
}
