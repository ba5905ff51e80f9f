import type { IClientOptions } from "mqtt";
import type { Config } from "../config/schema.js";
import type { Logger } from "../util/logger.js";
import { clientSettings } from "./client-options.js";
import { type ConnectionOptions, MqttConnection } from "./connection.js";

/**
 * A board's second MQTT clients (the rooms claims, a satellite's link to its base, a base's
 * server) beside the main one: the daemon's broker and login, their own client id
 * (`<client id>-<role>`), a clean session, and no last will unless one is given. Real-time
 * traffic, so it never queues behind the outbox's events and commands.
 */
export function sideClientSettings(
  config: Config,
  role: string,
  will?: IClientOptions["will"],
): { url: string; options: IClientOptions } {
  const mqtt = config.mqtt;
  // With an embedded broker (mqtt.url null) the boards meet on this board's broker.
  const url = mqtt.url ?? `mqtt://127.0.0.1:${mqtt.embedded_port}`;
  const options = { ...clientSettings(config, url, "", mqtt.protocol_version).options };
  options.clientId = `${options.clientId}-${role}`;
  options.clean = true;
  delete options.properties;
  if (will) options.will = will;
  else delete options.will;
  return { url, options };
}

/**
 * The first connection of a side client, awaited once as the daemon starts: over when the
 * client is ready (its topics granted), when the first connection failed, or at a time limit.
 * A board never waits long for a broker that is not there.
 */
export class FirstAttempt {
  #over = false;
  #waiters: Array<() => void> = [];

  /** The first attempt is over (ready, or failed). */
  over(): void {
    this.#over = true;
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  /** Resolves when the attempt is over or after `timeoutMs`; never rejects. */
  wait(timeoutMs: number): Promise<void> {
    if (this.#over) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** A side client's connection: reconnecting as the main one does; a failed attempt ends `attempt`. */
export function sideConnection(
  config: Config,
  logger: Logger,
  settings: ConnectionOptions["settings"],
  attempt: FirstAttempt,
  handlers: Pick<ConnectionOptions, "onConnect" | "onClose" | "onMessage">,
): MqttConnection {
  return new MqttConnection({
    settings,
    reconnect: {
      minSeconds: config.mqtt.reconnect_min_seconds,
      maxSeconds: config.mqtt.reconnect_max_seconds,
    },
    logger,
    onState: (state) => {
      if (state.state !== "connecting" && state.state !== "connected") attempt.over();
    },
    ...handlers,
  });
}
