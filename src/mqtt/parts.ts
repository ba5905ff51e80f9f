import type { Config } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { DeviceRegistry } from "../intent/registry.js";
import type { PipelineControl } from "../pipeline/control.js";
import type { Logger } from "../util/logger.js";
import { MqttCommandPublisher } from "./command-publisher.js";
import { ControlIn } from "./control-in.js";
import { DeliveryReports } from "./delivery-reports.js";
import { DiscoveryLearner } from "./ha-learner.js";
import { wakeSensitivity } from "./hermes.js";
import { WarningBudget } from "./learn-report.js";
import { Outbox } from "./outbox.js";
import { FileOutboxLog, MemoryOutboxLog } from "./outbox-log.js";
import { RetainedState } from "./retained.js";
import { OutboxSender } from "./sender.js";
import { Telemetry } from "./telemetry.js";
import { textRateLimit } from "./text-limit.js";
import { MqttTimers, type TimerControl } from "./timers.js";
import { Topics } from "./topics.js";

/**
 * Messages in flight at once: enough to fill a loopback or LAN round trip, and the most a
 * kill -9 can make go out twice (sent, PUBACK not yet journaled): 64 resent up to 64.
 */
export const WINDOW = 16;

export interface MqttPartsOptions {
  config: Config;
  bus: EventBus;
  registry: DeviceRegistry;
  /** The outbox file lives here (mqtt-outbox.jsonl). */
  stateDir: string;
  logger: Logger;
  /** Wall clock in epoch ms (expiry must hold across restarts). */
  now: () => number;
  /** The board's timers (state, events, set/timer); absent with timers.enabled off. */
  timers?: TimerControl | null;
}

/** The MQTT side's collaborators, built before any connection: the outbox queues while offline. */
export interface MqttParts {
  topics: Topics;
  outbox: Outbox;
  sender: OutboxSender;
  retained: RetainedState;
  commands: MqttCommandPublisher;
  telemetry: Telemetry;
  learner: DiscoveryLearner | null;
  /** The timers' topics; null with no timers on the board. */
  timers: MqttTimers | null;
  /** The control topics' handler, once the pipeline they control exists. */
  controlIn(control: PipelineControl): ControlIn;
}

/** Builds the collaborators from the config (opens the outbox file; no network). */
export function createMqttParts(options: MqttPartsOptions): MqttParts {
  const { config, bus, registry, logger, now } = options;
  const mqtt = config.mqtt;
  const topics = new Topics(mqtt.topic_prefix, config.site, mqtt.discovery_prefix);
  const log = mqtt.outbox
    ? new FileOutboxLog(options.stateDir, (error) =>
        logger.error(
          { err: error },
          "cannot write the MQTT outbox to disk (disk full or read-only?); queued messages now live in memory only",
        ),
      )
    : new MemoryOutboxLog();
  const outbox = new Outbox(log, { maxMessages: mqtt.outbox_max_messages, maxBytes: mqtt.outbox_max_bytes });
  if (outbox.size > 0) {
    const maybeDelivered = Math.min(outbox.size, WINDOW);
    logger.info(
      { queued: outbox.size, maybeDelivered },
      `MQTT outbox: ${outbox.size} messages left from the last run go out now; up to ${maybeDelivered} of them may have reached the broker already (QoS 1 is at least once)`,
    );
  }
  const reports = new DeliveryReports(bus, logger, mqtt.command_expiry_seconds);
  const sender = new OutboxSender({
    outbox,
    logger,
    now,
    window: WINDOW,
    onExpired: (entry) => reports.expired(entry),
    onDropped: (entry, reason, detail) => reports.dropped(entry, reason, detail),
  });
  const retained = new RetainedState(logger);
  const commands = new MqttCommandPublisher({
    registry,
    sender,
    bus,
    logger,
    expirySeconds: mqtt.command_expiry_seconds,
    intentIdInPayload: mqtt.command_intent_id,
    now,
  });
  const telemetry = new Telemetry({
    bus,
    sender,
    retained,
    registry,
    topics,
    hermes: mqtt.hermes,
    expirySeconds: mqtt.command_expiry_seconds,
    now,
    wakeSensitivity: (wakeWord) => wakeSensitivity(config, wakeWord),
  });
  const learner = mqtt.learn_devices
    ? new DiscoveryLearner({
        registry,
        prefix: mqtt.discovery_prefix,
        ignoreTopics: new Set([topics.haAssistantConfig]),
        policy: {
          allow: mqtt.learn_allow,
          domains: mqtt.learn_domains,
          maxDevices: mqtt.learn_max_devices,
          reservedPrefixes: [`${mqtt.topic_prefix}/`, "hermes/", `${mqtt.discovery_prefix}/`],
        },
        logger,
      })
    : null;
  const controlWarnings = new WarningBudget(now);
  const controlIn = (control: PipelineControl) =>
    new ControlIn(
      topics,
      control,
      (muted) => retained.set(topics.state("mute"), muted ? "ON" : "OFF"),
      logger,
      (text) => telemetry.noteInjectedText(text),
      textRateLimit(config, bus),
      controlWarnings,
    );
  const expirySeconds = mqtt.command_expiry_seconds;
  const timers = options.timers
    ? new MqttTimers({
        bus,
        topics,
        retained,
        sender,
        timers: options.timers,
        expirySeconds,
        now,
        logger,
        warnings: controlWarnings,
      })
    : null;
  return { topics, outbox, sender, retained, commands, telemetry, learner, timers, controlIn };
}
