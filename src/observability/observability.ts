import type { Config } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { Logger } from "../util/logger.js";
import { PipelineMetrics, type StatsSnapshot } from "./metrics.js";
import { type MetricsServer, startMetricsServer } from "./metrics-server.js";

export interface Observability {
  metrics: PipelineMetrics;
  /** The Prometheus endpoint, or null when metrics.port is null. */
  server: MetricsServer | null;
  /** For the retained stats topic. */
  snapshot(): StatsSnapshot;
  /** Unsubscribes and stops the endpoint; idempotent. */
  dispose(): Promise<void>;
}

/**
 * What the daemon wires in one call: metrics from the bus, and the endpoint when metrics.port
 * is set (a taken port throws config-invalid; the daemon then runs without metrics). Metrics
 * are always counted (they cost a few map updates per run) so the stats topic has them even
 * without the endpoint.
 */
export async function startObservability(options: {
  config: Config;
  bus: EventBus;
  logger?: Logger;
}): Promise<Observability> {
  const metrics = new PipelineMetrics({ site: options.config.site }).attach(options.bus);
  const port = options.config.metrics.port;
  let server: MetricsServer | null = null;
  try {
    server = port === null ? null : await startMetricsServer(metrics, port);
  } catch (error) {
    metrics.dispose();
    throw error;
  }
  if (server)
    options.logger?.info({ port: server.port }, `metrics on http://127.0.0.1:${server.port}/metrics`);
  let disposed: Promise<void> | null = null;
  return {
    metrics,
    server,
    snapshot: () => metrics.snapshot(),
    dispose() {
      disposed ??= (async () => {
        metrics.dispose();
        await server?.close();
      })();
      return disposed;
    },
  };
}
