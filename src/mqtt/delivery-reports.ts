import type { EventBus } from "../events/bus.js";
import type { Logger } from "../util/logger.js";
import type { OutboxEntry } from "./outbox-log.js";
import type { DropReason } from "./sender.js";

/**
 * What the MQTT side says about messages that left the outbox undelivered: commands and the
 * real-time messages a run produced get an `error` event (counted in edge_voice_errors_total by
 * code); event telemetry only a log line, so a refused event topic cannot feed itself through
 * error events.
 */
export class DeliveryReports {
  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly commandExpirySeconds: number,
  ) {}

  expired(entry: OutboxEntry): void {
    if (entry.kind !== "command") {
      this.logger.debug(
        { topic: entry.topic },
        "a real-time message expired before the broker could take it",
      );
      return;
    }
    const message = `command to ${entry.topic} not delivered within ${this.commandExpirySeconds} s (broker unreachable); dropped`;
    this.logger.warn({ topic: entry.topic, runId: entry.runId }, message);
    this.bus.emit({ type: "error", runId: entry.runId, code: "command-expired", message });
  }

  dropped(entry: OutboxEntry, reason: DropReason, detail: string): void {
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
    this.bus.emit({ type: "error", runId: entry.runId, code, message });
  }
}

/** A topic fit for a log line: escaped, and cut short (a refused one may be 64 KB of anything). */
function preview(topic: string): string {
  const text = JSON.stringify(topic.length > 120 ? `${topic.slice(0, 120)}...` : topic);
  return text.slice(1, -1);
}
