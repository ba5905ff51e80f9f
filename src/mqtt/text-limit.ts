import type { Config } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import { RejectionReporter } from "../events/rejections.js";
import { TokenBucket } from "../util/token-bucket.js";

/** set/text per site: a token bucket on the monotonic clock; refusals become input-rejected events. */
export function textRateLimit(config: Config, bus: EventBus): () => boolean {
  const bucket = new TokenBucket(config.mqtt.text_per_second, config.mqtt.text_burst);
  const clock = () => performance.now();
  const reporter = new RejectionReporter({ bus, site: config.site, clock });
  return () => {
    if (bucket.take(clock())) return true;
    reporter.reject("rate-limited");
    return false;
  };
}
