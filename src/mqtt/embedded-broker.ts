import net from "node:net";
import { Aedes } from "aedes";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import type { Logger } from "../util/logger.js";

/**
 * The in-process broker (aedes) started when mqtt.url is null, so a fresh install works
 * with nothing else running. aedes 1.2 speaks MQTT 3.1.1 only; the client is told so.
 */
export class EmbeddedBroker {
  private constructor(
    private readonly broker: Aedes,
    private readonly server: net.Server,
    readonly host: string,
    readonly port: number,
  ) {}

  static async start(host: string, port: number, logger: Logger): Promise<EmbeddedBroker> {
    const broker = await Aedes.createBroker();
    const server = net.createServer(broker.handle);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      throw listenError(error as NodeJS.ErrnoException, host, port);
    }
    const address = server.address() as net.AddressInfo;
    logger.info(
      { host, port: address.port },
      `embedded MQTT broker listening on ${host}:${address.port} (set mqtt.url to use your own broker)`,
    );
    return new EmbeddedBroker(broker, server, host, address.port);
  }

  get url(): string {
    const host = this.host.includes(":") ? `[${this.host}]` : this.host;
    return `mqtt://${host === "0.0.0.0" ? "127.0.0.1" : host}:${this.port}`;
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): EdgeVoiceError {
  if (error.code === "EADDRINUSE")
    return new EdgeVoiceError(
      "mqtt-port-in-use",
      `cannot start the embedded MQTT broker: ${host}:${port} is already in use (another broker, e.g. the mosquitto service?)`,
      {
        hint: `to use that broker set mqtt.url: mqtt://${host}:${port}; otherwise set mqtt.embedded_port to a free port`,
        exitCode: ExitCode.config,
        cause: error,
      },
    );
  return new EdgeVoiceError(
    "mqtt-port-in-use",
    `cannot start the embedded MQTT broker on ${host}:${port}: ${error.message}`,
    {
      hint: "check mqtt.embedded_host (an address of this machine) and mqtt.embedded_port (ports below 1024 need privileges)",
      exitCode: ExitCode.config,
      cause: error,
    },
  );
}
