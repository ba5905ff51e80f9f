import path from "node:path";
import type { Logger } from "../util/logger.js";
import { OUTBOX_FILE } from "./outbox-log.js";

/** What the outbox still holds when the service stops. */
export interface OutboxLeft {
  /** Messages the broker never acknowledged. */
  size: number;
  /** ... of them device commands. */
  commands: number;
}

/** Where the outbox kept them: mqtt.outbox (on disk, in the state directory) or memory only. */
export interface OutboxStorage {
  onDisk: boolean;
  stateDir: string;
}

/**
 * The warning at stop about messages the broker never took. `run --input` ends once its last
 * run has, broker or not: what the broker never took must be said at the end, or a batch job
 * that switched no light would look like one that did. Says nothing when nothing is left.
 */
export function reportUndelivered(outbox: OutboxLeft, storage: OutboxStorage, logger: Logger): void {
  if (outbox.size === 0) return;
  const where = storage.onDisk
    ? `they stay in ${path.join(storage.stateDir, OUTBOX_FILE)} and go out at the next start (device commands only within mqtt.command_expiry_seconds)`
    : "they are lost (mqtt.outbox is false: the queue was in memory only)";
  logger.warn(
    { code: "mqtt-undelivered", queued: outbox.size, commands: outbox.commands },
    `stopping with ${outbox.size} messages the broker never acknowledged, ${outbox.commands} of them device commands: ${where}`,
  );
}
