import { randomUUID } from "node:crypto";
import type { EventBus } from "../events/bus.js";
import type { DeviceRegistry } from "../intent/registry.js";
import type { RecognizedIntent } from "../intent/types.js";
import type { CommandPublisher, CommandResult } from "../pipeline/publisher.js";
import type { Logger } from "../util/logger.js";
import { planDeviceCommands } from "./device-commands.js";
import type { DeliveryOutcome, OutboxSender } from "./sender.js";

export interface CommandPublisherOptions {
  registry: DeviceRegistry;
  sender: OutboxSender;
  bus: EventBus;
  logger: Logger;
  expirySeconds: number;
  intentIdInPayload: boolean;
  now: () => number;
}

/**
 * Device commands: one QoS 1, non-retained message per command topic of each target entity,
 * queued with an expiry so a command spoken during an outage is dropped (and reported)
 * rather than switching the light on an hour later.
 */
export class MqttCommandPublisher implements CommandPublisher {
  constructor(private readonly options: CommandPublisherOptions) {}

  async publishCommand(
    intent: RecognizedIntent,
    context: { runId: string; site: string },
  ): Promise<CommandResult> {
    const { registry, sender, bus, logger } = this.options;
    if (sender.closed) return { status: "dropped", topics: [] };
    const intentId = randomUUID();
    const expiresAt = this.options.now() + this.options.expirySeconds * 1000;
    const topics: string[] = [];
    const deliveries: Promise<DeliveryOutcome>[] = [];
    for (const target of intent.targets) {
      const device = registry.get(target);
      if (!device) {
        logger.warn(
          { target, intent: intent.intent },
          "intent names an entity that is not in the registry; skipped",
        );
        continue;
      }
      const plan = planDeviceCommands(device, intent, this.options.intentIdInPayload ? intentId : null);
      if ("unsupported" in plan) {
        logger.warn({ target, intent: intent.intent }, `no command sent: ${plan.unsupported}`);
        continue;
      }
      for (const command of plan.commands) {
        const queued = sender.enqueue({
          topic: command.topic,
          payload: command.payload,
          qos: 1,
          retain: false,
          expiresAt,
          kind: "command",
          runId: context.runId,
        });
        deliveries.push(queued.delivered);
        topics.push(command.topic);
        bus.emit({ type: "mqtt-publish", runId: context.runId, topic: command.topic, qos: 1 });
      }
    }
    const delivered = Promise.all(deliveries).then(
      (outcomes) => outcomes.find((outcome) => outcome !== "acked") ?? "acked",
    );
    // Targets but nothing to send (unknown entity, unsupported request): the command did nothing.
    const status = intent.targets.length > 0 && topics.length === 0 ? "dropped" : "published";
    return { status, topics, delivered };
  }
}
