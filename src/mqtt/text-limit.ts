import type { Config } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import { RejectionReporter } from "../events/rejections.js";
import { TokenBucket } from "../util/token-bucket.js";

/** What set/text passes through before the pipeline: the rate limit, and the report of refusals. */
export interface TextGate {
  /** False refuses the message (reported as `rate-limited`). */
  admit(): boolean;
  /** A payload that is not text (bad JSON, empty, too long): reported as `invalid`. */
  invalid(): void;
}

/**
 * set/text per site: a token bucket on the monotonic clock; refusals become input-rejected
 * events, so whoever sends over MQTT sees them on the event topic (the log is the board's).
 */
export function textRateLimit(config: Config, bus: EventBus): TextGate {
  const bucket = new TokenBucket(config.mqtt.text_per_second, config.mqtt.text_burst);
  const clock = () => performance.now();
  const reporter = new RejectionReporter({ bus, site: config.site, clock });
  return {
    admit() {
      if (bucket.take(clock())) return true;
      reporter.reject("rate-limited");
      return false;
    },
    invalid: () => reporter.reject("invalid"),
  };
}
