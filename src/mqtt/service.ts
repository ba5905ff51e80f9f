import { readFileSync } from "node:fs";
import path from "node:path";
import type { IPublishPacket, MqttClient } from "mqtt";
import { APP_ROOT } from "../config/paths.js";
import type { Config } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { DeviceRegistry } from "../intent/registry.js";
import type { PipelineControl } from "../pipeline/control.js";
import type { CommandPublisher } from "../pipeline/publisher.js";
import { componentLogger, type Logger } from "../util/logger.js";
import { clientSettings } from "./client-options.js";
import { MqttCommandPublisher } from "./command-publisher.js";
import { MqttConnection, type MqttState } from "./connection.js";
import { ControlIn } from "./control-in.js";
import type { EmbeddedBroker } from "./embedded-broker.js";
import { assistantDiscovery } from "./ha-assistant.js";
import { DiscoveryLearner } from "./ha-learner.js";
import { wakeSensitivity } from "./hermes.js";
import { Outbox } from "./outbox.js";
import { FileOutboxLog, MemoryOutboxLog, type OutboxEntry } from "./outbox-log.js";
import { RetainedState } from "./retained.js";
import { type DropReason, OutboxSender } from "./sender.js";
import { Telemetry } from "./telemetry.js";
import { textRateLimit } from "./text-limit.js";
import { LeadingThrottle } from "./throttle.js";
import { MqttTimers, type TimerControl } from "./timers.js";
import { Topics } from "./topics.js";

export type { MqttState } from "./connection.js";

export interface MqttServiceOptions {
  config: Config;
  bus: EventBus;
  registry: DeviceRegistry;
  control: PipelineControl;
  /** The outbox file lives here (mqtt-outbox.jsonl). */
  stateDir: string;
  logger: Logger;
  /** Every change of the broker connection (systemd STATUS "broker unreachable", ...). */
  onStateChange?: (state: MqttState) => void;
  /** Wall clock in epoch ms (expiry must hold across restarts); tests may pass their own. */
  now?: () => number;
  /** The board's timers (state, events, set/timer); absent with timers.enabled off. */
  timers?: TimerControl | null;
}

/**
 * Messages in flight at once: enough to fill a loopback or LAN round trip, and the most a
 * kill -9 can make go out twice (sent, PUBACK not yet journaled): 64 resent up to 64.
 */
const WINDOW = 16;
/** Home Assistant restarts rarely; more `online` messages than this are noise or an attack. */
const HA_ONLINE_INTERVAL_MS = 5000;

/**
 * edge-voice's MQTT side: the broker connection (or an embedded broker), the outbox,
 * pipeline events and Hermes messages out, device commands, control topics in, and Home
 * Assistant discovery both ways. Start with `MqttService.start`, end with `stop()`.
 */
export class MqttService {
  readonly commands: CommandPublisher;
  readonly topics: Topics;
  readonly #connection: MqttConnection;
  readonly #sender: OutboxSender;
  readonly #outbox: Outbox;
  readonly #retained: RetainedState;
  readonly #telemetry: Telemetry;
  readonly #control: ControlIn;
  readonly #learner: DiscoveryLearner | null;
  readonly #timers: MqttTimers | null;
  readonly #listeners = new Set<(state: MqttState) => void>();
  readonly #expiryTimer: NodeJS.Timeout;
  /** Home Assistant's `online` answered with our retained topics at most once per interval. */
  readonly #haOnline = new LeadingThrottle(HA_ONLINE_INTERVAL_MS);
  #stopping: Promise<void> | null = null;

  static async start(options: MqttServiceOptions): Promise<MqttService> {
    // The daemon may hand over a logger already bound to the component: do not bind it twice.
    const logger = options.logger.bindings().component
      ? options.logger
      : componentLogger(options.logger, "mqtt");
    const mqtt = options.config.mqtt;
    // Imported only when used: aedes and its dependencies are ~10 MB resident a board with
    // its own broker never needs.
    const broker =
      mqtt.url === null
        ? await (await import("./embedded-broker.js")).EmbeddedBroker.start(
            mqtt.embedded_host,
            mqtt.embedded_port,
            logger,
          )
        : null;
    try {
      const service = new MqttService(options, logger, broker);
      // Long enough for a broker on the LAN; an address that never answers must not hold up the daemon.
      await service.#firstAttempt(Math.min(mqtt.connect_timeout_seconds, 3) * 1000);
      return service;
    } catch (error) {
      await broker?.close();
      throw error;
    }
  }

  private constructor(
    private readonly options: MqttServiceOptions,
    private readonly logger: Logger,
    private readonly broker: EmbeddedBroker | null,
  ) {
    const { config, bus, registry } = options;
    const mqtt = config.mqtt;
    const now = options.now ?? Date.now;
    this.topics = new Topics(mqtt.topic_prefix, config.site, mqtt.discovery_prefix);
    // aedes speaks 3.1.1 only: no point offering it MQTT 5.
    const version = broker ? 4 : mqtt.protocol_version;
    const settings = clientSettings(config, broker?.url ?? (mqtt.url as string), this.topics.status, version);
    const log = mqtt.outbox
      ? new FileOutboxLog(options.stateDir, (error) =>
          logger.error(
            { err: error },
            "cannot write the MQTT outbox to disk (disk full or read-only?); queued messages now live in memory only",
          ),
        )
      : new MemoryOutboxLog();
    this.#outbox = new Outbox(log, {
      maxMessages: mqtt.outbox_max_messages,
      maxBytes: mqtt.outbox_max_bytes,
    });
    if (this.#outbox.size > 0) {
      const maybeDelivered = Math.min(this.#outbox.size, WINDOW);
      logger.info(
        { queued: this.#outbox.size, maybeDelivered },
        `MQTT outbox: ${this.#outbox.size} messages left from the last run go out now; up to ${maybeDelivered} of them may have reached the broker already (QoS 1 is at least once)`,
      );
    }
    this.#sender = new OutboxSender({
      outbox: this.#outbox,
      logger,
      now,
      window: WINDOW,
      onExpired: (entry) => this.#expired(entry),
      onDropped: (entry, reason, detail) => this.#dropped(entry, reason, detail),
    });
    this.#retained = new RetainedState(logger);
    this.commands = new MqttCommandPublisher({
      registry,
      sender: this.#sender,
      bus,
      logger,
      expirySeconds: mqtt.command_expiry_seconds,
      intentIdInPayload: mqtt.command_intent_id,
      now,
    });
    this.#telemetry = new Telemetry({
      bus,
      sender: this.#sender,
      retained: this.#retained,
      registry,
      topics: this.topics,
      hermes: mqtt.hermes,
      expirySeconds: mqtt.command_expiry_seconds,
      now,
      wakeSensitivity: (wakeWord) => wakeSensitivity(config, wakeWord),
    });
    this.#control = new ControlIn(
      this.topics,
      options.control,
      (muted) => this.#publishMute(muted),
      logger,
      (text) => this.#telemetry.noteInjectedText(text),
      textRateLimit(options.config, options.bus),
    );
    this.#learner = mqtt.learn_devices
      ? new DiscoveryLearner({
          registry,
          prefix: mqtt.discovery_prefix,
          ignoreTopics: new Set([this.topics.haAssistantConfig]),
          policy: {
            allow: mqtt.learn_allow,
            domains: mqtt.learn_domains,
            maxDevices: mqtt.learn_max_devices,
            reservedPrefixes: [`${mqtt.topic_prefix}/`, "hermes/", `${mqtt.discovery_prefix}/`],
          },
          logger,
        })
      : null;
    const { topics, retained, sender } = {
      topics: this.topics,
      retained: this.#retained,
      sender: this.#sender,
    };
    const expirySeconds = mqtt.command_expiry_seconds;
    this.#timers = options.timers
      ? new MqttTimers({ bus, topics, retained, sender, timers: options.timers, expirySeconds, now, logger })
      : null;
    this.#initialRetained();
    this.#timers?.start();
    this.#connection = new MqttConnection({
      settings,
      reconnect: { minSeconds: mqtt.reconnect_min_seconds, maxSeconds: mqtt.reconnect_max_seconds },
      logger,
      onState: (state) => this.#stateChanged(state),
      onConnect: (client) => this.#connected(client),
      onClose: () => {
        this.#sender.detach();
        this.#retained.detach();
      },
      onMessage: (topic, payload, packet) => this.#message(topic, payload, packet),
    });
    this.#telemetry.start();
    this.#connection.start();
    this.#expiryTimer = setInterval(() => this.#sender.expire(), 250);
    this.#expiryTimer.unref();
  }

  get state(): MqttState {
    return this.#connection.state;
  }

  /** Messages waiting for the broker, and how many were dropped because the outbox was full. */
  get outbox(): { queued: number; bytes: number; dropped: number } {
    return { queued: this.#outbox.size, bytes: this.#outbox.bytes, dropped: this.#outbox.droppedTotal };
  }

  onStateChange(listener: (state: MqttState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when everything queued has reached the broker, or after `timeoutMs`. */
  /** The retained stats topic: the latest snapshot replaces the previous one (and survives reconnects). */
  publishStats(snapshot: object): void {
    this.#retained.set(this.topics.stats, JSON.stringify(snapshot));
  }

  async flush(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all([this.#sender.drained(), this.#retained.idle()]), timeout]);
    clearTimeout(timer);
  }

  /** Publishes `offline`, disconnects, closes the outbox (what is unsent stays on disk). Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    clearInterval(this.#expiryTimer);
    this.#haOnline.dispose();
    this.#telemetry.stop();
    this.#timers?.stop();
    this.#learner?.dispose();
    await this.#connection.stop(async (client) => {
      const offline = client.publishAsync(this.topics.status, "offline", { qos: 1, retain: true });
      await Promise.race([offline, new Promise((resolve) => setTimeout(resolve, 2000))]);
    });
    this.#sender.close();
    this.#outbox.close();
    await this.broker?.close();
  }

  #initialRetained(): void {
    const { config } = this.options;
    this.#retained.set(this.topics.status, "online");
    if (config.mqtt.discovery)
      this.#retained.set(
        this.topics.haAssistantConfig,
        JSON.stringify(assistantDiscovery(this.topics, version(), this.#timers !== null)),
      );
    this.#retained.set(this.topics.state("listening"), "OFF");
    this.#retained.set(this.topics.state("mute"), this.options.control.isMuted() ? "ON" : "OFF");
  }

  #connected(client: MqttClient): void {
    const mqtt = this.options.config.mqtt;
    const topics = [...this.#control.subscriptions, ...(this.#timers?.subscriptions ?? [])];
    if (mqtt.discovery) topics.push(this.topics.haStatus);
    if (this.#learner) topics.push(...this.topics.haLearn);
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
    // Mute may have changed by other means (SIGHUP, the pipeline) while away.
    this.#publishMute(this.options.control.isMuted());
    this.#retained.attach(client);
    this.#sender.attach(client, this.#connection.version);
  }

  #message(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (this.#control.handle(topic, payload, packet) || this.#timers?.handle(topic, payload, packet)) return;
    if (topic === this.topics.haStatus) {
      if (payload.toString().trim() !== "online") return;
      this.#haOnline.request(() => {
        const client = this.#connection.client;
        if (client) this.#retained.attach(client);
      });
      return;
    }
    this.#learner?.handle(topic, payload);
  }

  #publishMute(muted: boolean): void {
    this.#retained.set(this.topics.state("mute"), muted ? "ON" : "OFF");
  }

  #expired(entry: OutboxEntry): void {
    if (entry.kind !== "command") {
      this.logger.debug(
        { topic: entry.topic },
        "a real-time message expired before the broker could take it",
      );
      return;
    }
    const message = `command to ${entry.topic} not delivered within ${this.options.config.mqtt.command_expiry_seconds} s (broker unreachable); dropped`;
    this.logger.warn({ topic: entry.topic, runId: entry.runId }, message);
    this.options.bus.emit({ type: "error", runId: entry.runId, code: "command-expired", message });
  }

  /**
   * A message that left the outbox undelivered. Commands and the real-time messages a run
   * produced get an `error` event (counted in edge_voice_errors_total by code); event telemetry
   * only a log line, so a refused event topic cannot feed itself through error events.
   */
  #dropped(entry: OutboxEntry, reason: DropReason, detail: string): void {
    if (entry.kind === "event") {
      if (reason === "refused")
        this.logger.warn(
          { topic: preview(entry.topic), reason: detail },
          "an event message was refused; dropped",
        );
      return;
    }
    const what = entry.kind === "command" ? "command" : `${entry.kind} message`;
    const message = `${what} to ${preview(entry.topic)} dropped undelivered: ${detail}`;
    const code = reason === "refused" ? "publish-refused" : "command-dropped";
    this.logger.warn({ topic: preview(entry.topic), runId: entry.runId, code }, message);
    this.options.bus.emit({ type: "error", runId: entry.runId, code, message });
  }

  #stateChanged(state: MqttState): void {
    this.options.onStateChange?.(state);
    for (const listener of this.#listeners) listener(state);
  }

  /** Resolves after the first connection attempt succeeded or failed (never throws for the network). */
  async #firstAttempt(timeoutMs: number): Promise<void> {
    if (this.#connection.state.state !== "connecting") return;
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

/** A topic fit for a log line: escaped, and cut short (a refused one may be 64 KB of anything). */
function preview(topic: string): string {
  const text = JSON.stringify(topic.length > 120 ? `${topic.slice(0, 120)}...` : topic);
  return text.slice(1, -1);
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(path.join(APP_ROOT, "package.json"), "utf8")) as { version: string })
      .version;
  } catch {
    return "unknown";
  }
}
