import { stateDir } from "../config/paths.js";
import type { EventBus } from "../events/bus.js";
import type { DeviceRegistry } from "../intent/registry.js";
import type { RecognizedIntent } from "../intent/types.js";
import { MqttService } from "../mqtt/service.js";
import type { PipelineControl } from "../pipeline/control.js";
import type { CommandPublisher, CommandResult } from "../pipeline/publisher.js";
import type { DeviceStateStore } from "../skills/state-store.js";
import type { SystemdNotifier } from "../system/sd-notify.js";
import { componentLogger, type Logger } from "../util/logger.js";
import type { MetricsService } from "./attachments.js";
import type { Service, ServiceContext } from "./service.js";
import type { BoardTimers } from "./timers.js";

export interface MqttOutputOptions {
  bus: EventBus;
  registry: DeviceRegistry;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  notifier: SystemdNotifier;
  /** The pipeline the control topics drive (its service starts before this one). */
  control: () => PipelineControl;
  metrics: MetricsService;
  /** The devices' last states, filled from their state topics for the state skill. */
  states?: DeviceStateStore;
  /** The board's timers (their service starts before this one); their topics follow the site. */
  timers?: Pick<BoardTimers, "control">;
}

/**
 * The daemon's MQTT service, and the pipeline's command output. The pipeline is given this
 * object when it is built, before any broker is there; its commands go to the current MQTT
 * client's outbox, which queues while offline. A SIGHUP that changes mqtt.* (or the site,
 * or the state directory) replaces the client behind it, so the pipeline's command output
 * never changes. A broker unreachable at start is not a failure: the client retries.
 */
export class MqttOutput implements Service, CommandPublisher {
  readonly name = "mqtt";
  readonly sections = ["mqtt", "site", "state_dir"] as const;
  #client: MqttService | null = null;
  #statsTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: MqttOutputOptions) {}

  publishCommand(intent: RecognizedIntent, context: { runId: string; site: string }): Promise<CommandResult> {
    if (!this.#client) throw new Error("the MQTT service has not started");
    return this.#client.commands.publishCommand(intent, context);
  }

  async start({ config }: ServiceContext): Promise<void> {
    const { bus, registry, logger, env, notifier, metrics } = this.options;
    void notifier.status("connecting to the MQTT broker");
    const client = MqttService.create({
      config,
      bus,
      registry,
      stateDir: stateDir(config.state_dir, env),
      ...(this.options.states ? { states: this.options.states } : {}),
      logger: componentLogger(logger, "mqtt"),
      timers: this.options.timers?.control(config.site),
    });
    // Set before connecting: stop() releases a client whose start failed half way.
    this.#client = client;
    await client.start({ control: this.options.control() });
    client.onStateChange((state) => {
      if (state.state === "connected") void notifier.status("listening");
      else if (state.state !== "stopped") void notifier.status(`broker ${state.state}: ${state.message}`);
    });
    const publish = () => {
      const snapshot = metrics.snapshot();
      if (snapshot) client.publishStats(snapshot);
    };
    this.#statsTimer = setInterval(publish, config.metrics.stats_interval_seconds * 1000).unref();
    publish();
  }

  /** Resolves when everything queued reached the broker, or after `timeoutMs`. */
  async flush(timeoutMs: number): Promise<void> {
    await this.#client?.flush(timeoutMs);
  }

  /** Publishes `offline` and disconnects; what is unsent stays in the outbox file. */
  async stop(): Promise<void> {
    clearInterval(this.#statsTimer);
    await this.#client?.stop();
  }
}
