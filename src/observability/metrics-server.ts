import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import type { PipelineMetrics } from "./metrics.js";

export interface MetricsServer {
  /** The port it listens on (useful when 0 asked for a free one). */
  readonly port: number;
  /** Stops listening; idempotent. */
  close(): Promise<void>;
}

/**
 * Serves GET /metrics (Prometheus text) and GET /stats (the snapshot JSON) on 127.0.0.1 only:
 * the numbers say when people speak to the device, so they stay on the board unless the user
 * puts a scraper or a reverse proxy there on purpose.
 */
export async function startMetricsServer(
  metrics: PipelineMetrics,
  port: number,
  host = "127.0.0.1",
): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const url = request.url?.split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
    } else if (url === "/metrics") {
      metrics.prometheus().then(
        (text) => response.writeHead(200, { "content-type": metrics.contentType }).end(text),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    } else if (url === "/stats") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(metrics.snapshot()));
    } else {
      response.writeHead(404, { "content-type": "text/plain" }).end("edge-voice: try /metrics or /stats\n");
    }
  });
  await listen(server, port, host);
  let closed: Promise<void> | null = null;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closed ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new EdgeVoiceError(
          "config-invalid",
          `cannot serve metrics on ${host}:${port}: ${error.code ?? error.message}`,
          {
            hint:
              error.code === "EADDRINUSE"
                ? "another program uses that port: pick another metrics.port, or null to turn metrics off"
                : "check metrics.port",
            exitCode: ExitCode.config,
          },
        ),
      );
    });
    server.listen(port, host, () => resolve());
  });
}
