import type { IPublishPacket, MqttClient } from "mqtt";
import type { Config } from "../config/schema.js";
import type { RunOutcome } from "../events/types.js";
import {
  type BaseAction,
  BaseSessions,
  type ReadySession,
  type SessionRejection,
} from "../rooms/satellite/base-sessions.js";
import {
  type BaseStatus,
  BaseTopics,
  decodePacket,
  type SessionResult,
} from "../rooms/satellite/protocol.js";
import type { Logger } from "../util/logger.js";
import { realTimer, type StartTimer } from "../util/timer.js";
import type { MqttConnection } from "./connection.js";
import { FirstAttempt, sideClientSettings, sideConnection } from "./side-client.js";

export interface BaseServerOptions {
  config: Config;
  logger: Logger;
  clock?: () => number;
  timer?: StartTimer;
  /**
   * Runs a satellite's command (Pipeline.satelliteRun); `abort` when the satellite cancels it;
   * `followUpSeconds` after its end when it asked a question (sent with the result).
   */
  serve(session: ReadySession): {
    ended: Promise<RunOutcome>;
    abort(): void;
    followUpSeconds?: () => number | null;
  };
  /** A session refused (the daemon emits `input-rejected`). */
  onReject?(site: string, id: string, reason: SessionRejection): void;
}

/** Broken packets are logged once, then once per this many. */
const LOG_EVERY = 1000;

/**
 * role base: serves satellites over MQTT (docs/rooms.md#satellites-and-a-base). Its own client
 * (`<client id>-base`, clean session) whose last will sets the retained status `offline`, so a
 * base that dies is seen by every satellite within the broker's keepalive; alive, it republishes
 * its status and capacity every satellite.heartbeat_seconds. Sessions are admitted, assembled
 * and queued by `BaseSessions` (the limits); each ready one runs as the satellite's own run.
 */
export class BaseServer {
  readonly topics: BaseTopics;
  readonly #sessions: BaseSessions;
  readonly #connection: MqttConnection;
  readonly #clock: () => number;
  readonly #timer: StartTimer;
  readonly #running = new Map<string, { abort(): void }>();
  #client: MqttClient | null = null;
  #beat = 0;
  #cancelBeat: () => void = () => {};
  #broken = 0;
  #stopped = false;
  readonly #attempt = new FirstAttempt();

  private constructor(private readonly options: BaseServerOptions) {
    const { config, logger } = options;
    const s = config.satellite;
    this.topics = new BaseTopics(config.mqtt.topic_prefix, config.site);
    this.#sessions = new BaseSessions({
      queue: s.queue,
      perSite: s.per_site,
      maxSamples: Math.round(s.max_session_seconds * 16000),
      stallMs: s.stall_seconds * 1000,
      concurrency: 1,
    });
    this.#clock = options.clock ?? (() => performance.now());
    this.#timer = options.timer ?? realTimer;
    this.#connection = sideConnection(
      config,
      logger,
      baseClientSettings(config, this.topics.status),
      this.#attempt,
      {
        onConnect: (client) => this.#subscribe(client),
        onClose: () => {
          this.#client = null;
        },
        onMessage: (topic, payload, packet) => this.#message(topic, payload, packet),
      },
    );
  }

  static start(options: BaseServerOptions): BaseServer {
    const server = new BaseServer(options);
    server.#connection.start();
    server.#heartbeat();
    return server;
  }

  /** Resolves once serving (subscribed, status published), the first connection failed, or after `timeoutMs`. */
  firstAttempt(timeoutMs: number): Promise<void> {
    if (this.#client) return Promise.resolve();
    return this.#attempt.wait(timeoutMs);
  }

  /** Sessions streaming, waiting and running (the bench's queue depth). */
  get depth(): { sessions: number; waiting: number; running: number } {
    const s = this.#sessions;
    return { sessions: s.size, waiting: s.waiting, running: s.running };
  }

  /** Publishes `offline` (retained), aborts the runs in progress, disconnects. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#cancelBeat();
    for (const run of this.#running.values()) run.abort();
    this.#client = null;
    await this.#connection.stop(async (client) => {
      await client.publishAsync(this.topics.status, JSON.stringify(this.#status("offline")), {
        qos: 1,
        retain: true,
      });
    });
  }

  #subscribe(client: MqttClient): void {
    client.subscribe(this.topics.audioFilter, { qos: 1 }, (error, granted) => {
      if (error || (granted ?? []).some((g) => g.qos >= 0x80)) {
        this.options.logger.error(
          { topic: this.topics.audioFilter, reason: error?.message },
          "the broker refused the base's session topic (ACL? docs/rooms.md): satellites cannot reach this base",
        );
        this.#attempt.over();
        return;
      }
      if (this.#connection.client !== client) return;
      this.#client = client;
      this.#publishStatus();
      this.#attempt.over();
    });
  }

  #status(state: "online" | "offline"): BaseStatus {
    const { site, satellite } = this.options.config;
    if (state === "offline") return { v: 1, site, state };
    const capacity = { queue: satellite.queue, perSite: satellite.per_site, sessions: this.#sessions.size };
    return { v: 1, site, state, heartbeatMs: satellite.heartbeat_seconds * 1000, beat: this.#beat, capacity };
  }

  #publishStatus(): void {
    const payload = JSON.stringify(this.#status("online"));
    this.#client?.publish(this.topics.status, payload, { qos: 1, retain: true });
  }

  /** Every heartbeat: the status (retained) and the stall check. */
  #heartbeat(): void {
    this.#cancelBeat = this.#timer(this.options.config.satellite.heartbeat_seconds * 1000, () => {
      this.#beat++;
      this.#publishStatus();
      this.#act(this.#sessions.tick(this.#clock()));
      if (!this.#stopped) this.#heartbeat();
    });
  }

  #message(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const where = this.topics.parseAudio(topic);
    if (!where || packet.retain) return;
    const decoded = decodePacket(payload);
    if ("problem" in decoded) {
      if (this.#broken++ % LOG_EVERY === 0)
        this.options.logger.warn(
          { topic, problem: decoded.problem, ignored: this.#broken },
          "ignored a broken satellite packet",
        );
      return;
    }
    this.#act(this.#sessions.receive(where.site, where.session, decoded.packet, this.#clock()));
  }

  #act(actions: BaseAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case "accept":
          this.#result(action.site, { v: 1, sessionId: action.id, state: "accepted" });
          break;
        case "reject":
          this.options.logger.warn(
            { site: action.site, sessionId: action.id, reason: action.reason },
            "satellite session refused",
          );
          this.#result(action.site, { v: 1, sessionId: action.id, state: "rejected", reason: action.reason });
          this.options.onReject?.(action.site, action.id, action.reason);
          break;
        case "run":
          this.#run(action.session);
          break;
        case "cancel":
          this.#running.get(`${action.site}/${action.id}`)?.abort();
          break;
      }
    }
  }

  #run(session: ReadySession): void {
    const key = `${session.site}/${session.id}`;
    let served: ReturnType<BaseServerOptions["serve"]>;
    try {
      served = this.options.serve(session);
    } catch (error) {
      this.options.logger.error(
        { err: error, sessionId: session.id },
        "a satellite's command could not start",
      );
      this.#result(session.site, { v: 1, sessionId: session.id, state: "ended", outcome: "error" });
      this.#act(this.#sessions.done(session.site, session.id));
      return;
    }
    this.#running.set(key, served);
    void served.ended.then((outcome) => {
      this.#running.delete(key);
      const seconds = served.followUpSeconds?.() ?? null;
      const followUp = seconds ? { followUpSeconds: seconds } : {};
      this.#result(session.site, { v: 1, sessionId: session.id, state: "ended", outcome, ...followUp });
      this.#act(this.#sessions.done(session.site, session.id));
    });
  }

  #result(site: string, result: SessionResult): void {
    this.#client?.publish(this.topics.result(site), JSON.stringify(result), { qos: 1 });
  }
}

/** A second client of the board: its own id, a clean session, and a last will on the base's status. */
function baseClientSettings(config: Config, statusTopic: string) {
  const offline = JSON.stringify({ v: 1, site: config.site, state: "offline" });
  return sideClientSettings(config, "base", {
    topic: statusTopic,
    payload: Buffer.from(offline),
    qos: 1,
    retain: true,
  });
}
