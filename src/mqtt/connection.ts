import mqtt, { type IPublishPacket, type MqttClient } from "mqtt";
import type { ErrorCode } from "../errors.js";
import { backoffSeconds } from "../util/backoff.js";
import type { Logger } from "../util/logger.js";
import { type ClientSettings, safeUrl } from "./client-options.js";

export type MqttStateName = "connecting" | "connected" | "unreachable" | "auth-failed" | "stopped";

/** What the daemon shows (systemd STATUS, logs) about the broker connection. */
export interface MqttState {
  state: MqttStateName;
  /** One line for people: what is wrong. */
  message: string;
  hint?: string;
  code?: ErrorCode;
  protocolVersion: 4 | 5;
}

export interface ConnectionOptions {
  settings: ClientSettings;
  reconnect: { minSeconds: number; maxSeconds: number };
  logger: Logger;
  onState: (state: MqttState) => void;
  onConnect: (client: MqttClient) => void;
  onClose: () => void;
  onMessage: (topic: string, payload: Buffer, packet: IPublishPacket) => void;
  random?: () => number;
}

/** CONNACK codes: 3.1.1 (1..5) and MQTT 5 reason codes. */
const PROTOCOL_REFUSED = new Set([1, 132]);
const AUTH_REFUSED = new Set([4, 5, 134, 135, 140]);

/**
 * Owns the mqtt.js client: connects, falls back from MQTT 5 to 3.1.1 once if the broker
 * refuses 5, reconnects at once after a failure and then with capped exponential backoff
 * and jitter while it keeps failing (CONNACK refusals included), and reports each change of
 * state once.
 */
export class MqttConnection {
  #client: MqttClient | null = null;
  #state: MqttState;
  #attempt = 0;
  #timer: NodeJS.Timeout | null = null;
  #retryNow = false;
  #takenOver = false;
  #failure: Omit<MqttState, "protocolVersion"> | null = null;
  readonly #url: string;

  constructor(private readonly options: ConnectionOptions) {
    this.#url = safeUrl(options.settings.url);
    this.#state = {
      state: "connecting",
      message: `connecting to ${this.#url}`,
      protocolVersion: this.version,
    };
  }

  get version(): 4 | 5 {
    return this.options.settings.options.protocolVersion === 5 ? 5 : 4;
  }

  get state(): MqttState {
    return this.#state;
  }

  get client(): MqttClient | null {
    return this.#state.state === "connected" ? this.#client : null;
  }

  start(): void {
    const client = mqtt.connect(this.options.settings.url, this.options.settings.options);
    this.#client = client;
    client.on("connect", () => this.#connected(client));
    client.on("error", (error) => this.#error(error as Error & { code?: string | number }));
    client.on("close", () => this.#closed());
    client.on("disconnect", (packet) => this.#serverDisconnect(packet.reasonCode));
    client.on("message", (topic, payload, packet) => this.options.onMessage(topic, payload, packet));
  }

  /** Ends the connection; `beforeEnd` runs first while still connected (to publish `offline`). */
  async stop(beforeEnd?: (client: MqttClient) => Promise<void>): Promise<void> {
    if (this.#state.state === "stopped") return;
    const wasConnected = this.#state.state === "connected";
    this.#setState({
      state: "stopped",
      message: `disconnected from the MQTT broker ${this.#url} (stopping)`,
    });
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    if (!client) return;
    if (wasConnected && beforeEnd) await beforeEnd(client).catch(() => {});
    await client.endAsync(!wasConnected).catch(() => {});
  }

  #connected(client: MqttClient): void {
    // mqtt.js leaves Nagle's algorithm on: a command written right after an event waited for
    // the broker's delayed ACK (~40 ms on Linux loopback). Small messages must go out at once.
    (client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
    // After a session takeover the backoff keeps growing, so two daemons sharing a client id
    // take turns every reconnect_max_seconds instead of fighting many times a second.
    if (!this.#takenOver) this.#attempt = 0;
    this.#takenOver = false;
    this.#failure = null;
    this.#setState({
      state: "connected",
      message: `connected to ${this.#url} (MQTT ${this.#versionName()})`,
    });
    this.options.onConnect(client);
  }

  #error(error: Error & { code?: string | number }): void {
    const code = typeof error.code === "number" ? error.code : undefined;
    if (code !== undefined && PROTOCOL_REFUSED.has(code) && this.version === 5) {
      this.options.settings.options.protocolVersion = 4;
      if (this.#client) this.#client.options.protocolVersion = 4;
      this.options.logger.info(
        { broker: this.#url },
        `broker ${this.#url} refused MQTT 5 ("${error.message}"); speaking MQTT 3.1.1 to it from now on`,
      );
      this.#retryNow = true;
      return;
    }
    this.#failure = describeFailure(error, code, this.#url);
  }

  /** MQTT 5 DISCONNECT from the broker; 142 = another client connected with our client id. */
  #serverDisconnect(reasonCode: number | undefined): void {
    if (reasonCode !== 142) return;
    this.#takenOver = true;
    const clientId = this.options.settings.options.clientId;
    this.#failure = {
      state: "unreachable",
      message: `the MQTT broker ${this.#url} dropped edge-voice: another client connected with the same client id "${clientId}"`,
      hint: "each edge-voice needs its own site or mqtt.client_id; edge-voice keeps retrying",
      code: "mqtt-unreachable",
    };
  }

  #closed(): void {
    if (this.#state.state === "stopped") return;
    if (this.#retryNow) {
      // The MQTT 5 refusal: try again at once with 3.1.1; nothing is wrong yet.
      this.#retryNow = false;
      this.#schedule(0);
      return;
    }
    const lost = this.#state.state === "connected";
    const failure = this.#failure ?? {
      state: "unreachable" as const,
      message: lost
        ? `lost the connection to the MQTT broker ${this.#url}`
        : `no answer from the MQTT broker ${this.#url}`,
      hint: "is the broker running and reachable? edge-voice keeps retrying",
      code: "mqtt-unreachable" as const,
    };
    this.#failure = null;
    this.#setState(failure);
    if (lost) this.options.onClose();
    // Taken over by a twin: no retry at once (that would fight it); otherwise the first retry is immediate.
    const attempt = this.#attempt++ + (this.#takenOver ? 1 : 0);
    this.#schedule(reconnectDelaySeconds(attempt, this.options.reconnect, this.options.random));
  }

  #schedule(seconds: number): void {
    this.options.logger.debug({ seconds }, "reconnecting to the MQTT broker");
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#state.state !== "stopped") this.#client?.reconnect();
    }, seconds * 1000);
  }

  #setState(next: Omit<MqttState, "protocolVersion">): void {
    const previous = this.#state;
    this.#state = { ...next, protocolVersion: this.version };
    if (previous.state === next.state && previous.message === next.message) return;
    const log = this.options.logger;
    const fields = { broker: this.#url, state: next.state, code: next.code, hint: next.hint };
    if (next.state === "auth-failed") log.error(fields, next.message);
    else if (next.state === "unreachable") log.warn(fields, next.message);
    else log.info(fields, next.message);
    this.options.onState(this.#state);
  }

  #versionName(): string {
    return this.version === 5 ? "5" : "3.1.1";
  }
}

/**
 * The first retry after a failure goes at once (a broker restart or a dropped Wi-Fi link is
 * usually over by then, and a command waits with a 10 s expiry); only while retries keep
 * failing does the delay grow, from `minSeconds` doubling to `maxSeconds`, with jitter.
 */
export function reconnectDelaySeconds(
  attempt: number,
  reconnect: { minSeconds: number; maxSeconds: number },
  random: () => number = Math.random,
): number {
  if (attempt <= 0) return 0;
  return backoffSeconds(
    attempt - 1,
    { initialSeconds: reconnect.minSeconds, maxSeconds: reconnect.maxSeconds },
    random,
  );
}

function describeFailure(
  error: Error & { code?: string | number },
  code: number | undefined,
  url: string,
): Omit<MqttState, "protocolVersion"> {
  if (code !== undefined && AUTH_REFUSED.has(code))
    return {
      state: "auth-failed",
      message: `the MQTT broker ${url} refused the login (${error.message})`,
      hint: "check mqtt.username and mqtt.password (EDGE_VOICE_MQTT__PASSWORD) and the broker's ACL; edge-voice keeps retrying",
      code: "mqtt-auth",
    };
  const tls = /certificate|self.signed|SSL|TLS|handshake/i.test(error.message);
  return {
    state: "unreachable",
    message: `cannot reach the MQTT broker ${url}: ${error.message}`,
    hint: tls
      ? "TLS failed: check mqtt.ca_file (the CA that signed the broker's certificate), cert_file/key_file, and that the URL's host name matches the certificate"
      : "is the broker running, and are the host and port in mqtt.url right? edge-voice keeps retrying",
    code: "mqtt-unreachable",
  };
}
