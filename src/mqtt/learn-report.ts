import type { Logger } from "../util/logger.js";
import { printable } from "../util/printable.js";

/** Lines per message before they are folded into one summary line. */
const LINES_PER_MESSAGE = 3;
/** Warning lines about discovery in a minute, across messages: a flood of bad announcements stays a few lines. */
const WARNINGS_PER_MINUTE = 10;

/**
 * What one discovery message did, logged as a few lines: one per entity while there are
 * few, one summary when there are many (a message with 20,000 entities is one line, not
 * 20,000), and warnings held to a budget per minute across messages. Every string from the
 * network goes through printable().
 */
export class LearnReport {
  readonly learned: Array<{ id: string; name: string; domain: string; command_topic: string }> = [];
  readonly refused: Array<{ key: string; why: string; warn: boolean }> = [];
  capped = 0;

  write(topic: string, logger: Logger, budget: WarningBudget, maxDevices: number): void {
    const where = printable(topic);
    if (this.learned.length <= LINES_PER_MESSAGE) {
      for (const { id, name, domain, command_topic } of this.learned)
        logger.info(
          { id, name: printable(name), domain, command_topic: printable(command_topic) },
          `learned ${domain} "${printable(name)}" from Home Assistant discovery`,
        );
    } else {
      logger.info(
        { topic: where, count: this.learned.length, first: this.learned.slice(0, 5).map((d) => d.id) },
        `learned ${this.learned.length} devices from Home Assistant discovery`,
      );
    }
    const warnings = this.refused.filter((r) => r.warn);
    for (const r of this.refused.filter((r) => !r.warn).slice(0, 20))
      logger.debug({ key: printable(r.key), why: printable(r.why) }, "discovery entity not learned");
    if (warnings.length > 0 && warnings.length <= LINES_PER_MESSAGE) {
      for (const r of warnings)
        budget.warn(logger, { key: printable(r.key) }, `discovery entity not learned: ${printable(r.why)}`);
    } else if (warnings.length > 0) {
      const reasons: Record<string, number> = {};
      for (const r of warnings) reasons[printable(r.why, 80)] = (reasons[printable(r.why, 80)] ?? 0) + 1;
      budget.warn(logger, { topic: where, reasons }, `${warnings.length} discovery entities not learned`);
    }
    if (this.capped > 0)
      budget.warn(
        logger,
        { topic: where, notLearned: this.capped },
        `${this.capped} discovery entities not learned: mqtt.learn_max_devices (${maxDevices}) reached`,
      );
  }
}

/** At most WARNINGS_PER_MINUTE warnings a minute; the next one after a pause says how many were held back. */
export class WarningBudget {
  #windowStart = Number.NEGATIVE_INFINITY;
  #used = 0;
  #suppressed = 0;

  constructor(private readonly now: () => number) {}

  warn(logger: Logger, fields: Record<string, unknown>, message: string): void {
    const now = this.now();
    if (now - this.#windowStart >= 60_000) {
      this.#windowStart = now;
      this.#used = 0;
    }
    if (this.#used >= WARNINGS_PER_MINUTE) {
      this.#suppressed++;
      return;
    }
    this.#used++;
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    logger.warn(suppressed > 0 ? { ...fields, suppressedBefore: suppressed } : fields, message);
  }
}
