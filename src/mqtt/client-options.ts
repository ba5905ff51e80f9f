import { readFileSync } from "node:fs";
import type { IClientOptions } from "mqtt";
import type { Config } from "../config/schema.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";

export interface ClientSettings {
  url: string;
  options: IClientOptions;
}

/**
 * mqtt.js options from the config. Reconnection is ours (reconnectPeriod 0: capped backoff
 * with jitter in connection.ts), so is redelivery (the outbox), hence a fresh in-memory store
 * per connection and no mqtt.js offline queue.
 */
export function clientSettings(
  config: Config,
  url: string,
  statusTopic: string,
  protocolVersion: 4 | 5,
): ClientSettings {
  const mqtt = config.mqtt;
  const options: IClientOptions = {
    clientId: mqtt.client_id ?? `edge-voice-${config.site}`,
    protocolVersion,
    keepalive: mqtt.keepalive_seconds,
    connectTimeout: mqtt.connect_timeout_seconds * 1000,
    reconnectPeriod: 0,
    clean: mqtt.session_expiry_seconds === 0,
    queueQoSZero: false,
    resubscribe: false,
    will: { topic: statusTopic, payload: Buffer.from("offline"), qos: 1, retain: true },
    rejectUnauthorized: mqtt.reject_unauthorized,
  };
  if (protocolVersion === 5 && mqtt.session_expiry_seconds > 0)
    options.properties = { sessionExpiryInterval: mqtt.session_expiry_seconds };
  if (mqtt.username !== null) options.username = mqtt.username;
  if (mqtt.password !== null) options.password = mqtt.password;
  if (mqtt.ca_file) options.ca = readPem("mqtt.ca_file", mqtt.ca_file);
  if (mqtt.cert_file) options.cert = readPem("mqtt.cert_file", mqtt.cert_file);
  if (mqtt.key_file) options.key = readPem("mqtt.key_file", mqtt.key_file);
  if ((mqtt.cert_file === null) !== (mqtt.key_file === null))
    throw new EdgeVoiceError("config-invalid", "mqtt.cert_file and mqtt.key_file must be set together", {
      hint: "a client certificate needs its private key (and the key its certificate)",
      exitCode: ExitCode.config,
    });
  return { url, options };
}

function readPem(field: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new EdgeVoiceError("config-invalid", `${field}: cannot read ${file} (${reason})`, {
      hint: `check the path in ${field} and that the edge-voice user may read it`,
      exitCode: ExitCode.config,
      cause: error,
    });
  }
}

/** The broker's address without credentials, for logs. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}
