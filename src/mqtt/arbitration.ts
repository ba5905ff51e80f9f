import type { IPublishPacket, MqttClient } from "mqtt";
import type { Config } from "../config/schema.js";
import type { Arbitration, ArbitrationDecision, WakeClaim } from "../pipeline/arbitration.js";
import { parseRoomMessage, type RoomMessage } from "../rooms/claims.js";
import { ArbitrationRoom } from "../rooms/room.js";
import type { Logger } from "../util/logger.js";
import { realTimer, type StartTimer } from "../util/timer.js";
import type { MqttConnection } from "./connection.js";
import { FirstAttempt, sideClientSettings, sideConnection } from "./side-client.js";

export interface MqttArbitrationOptions {
  config: Config;
  logger: Logger;
  /** Monotonic milliseconds; defaults to performance.now. */
  clock?: () => number;
  timer?: StartTimer;
  /** See RoomOptions.afterReads; defaults to setImmediate. */
  afterReads?: (fn: () => void) => void;
  /** Every claim and close sent by this board, and heard on the group's topic once the room has it (debug log, tests). */
  onMessage?: (message: RoomMessage, direction: "sent" | "heard") => void;
}

/** `<prefix>/rooms/<group>/claim`: every board of the group publishes and subscribes here. */
export function claimTopic(prefix: string, group: string): string {
  return `${prefix}/rooms/${group}/claim`;
}

/** Broken claims are logged once, then once per this many, so a flood cannot flood the log. */
const LOG_EVERY = 1000;

/**
 * The rooms' claims over MQTT (docs/rooms.md). Its own client on the configured broker
 * (`<client id>-rooms`, a clean session, QoS 0, no last will): claims are real-time, so they
 * never queue behind the outbox, and a claim that cannot go out now is not worth sending
 * later. Until the broker has granted the subscription, nothing is sent and every wake word
 * is answered alone at once: a board never waits for a broker that is not there.
 */
export class MqttArbitration implements Arbitration {
  readonly group: string;
  readonly topic: string;
  readonly #room: ArbitrationRoom;
  readonly #connection: MqttConnection;
  readonly #logger: Logger;
  readonly #onMessage: MqttArbitrationOptions["onMessage"];
  #client: MqttClient | null = null;
  #broken = 0;
  #noEcho = 0;
  /** Called when the claim topic is granted or the connection fails: ends firstAttempt(). */
  readonly #attempt = new FirstAttempt();

  private constructor(options: MqttArbitrationOptions, group: string) {
    const { config, logger } = options;
    this.group = group;
    this.topic = claimTopic(config.mqtt.topic_prefix, group);
    this.#logger = logger;
    this.#onMessage = options.onMessage;
    this.#room = new ArbitrationRoom({
      site: config.site,
      group,
      windowMs: config.rooms.arbitration_ms,
      clock: options.clock ?? (() => performance.now()),
      timer: options.timer ?? realTimer,
      afterReads: options.afterReads,
      send: (message) => this.#send(message),
    });
    this.#connection = sideConnection(config, logger, sideClientSettings(config, "rooms"), this.#attempt, {
      onConnect: (client) => this.#subscribe(client),
      onClose: () => {
        this.#client = null;
      },
      onMessage: (topic, payload, packet) => this.#message(topic, payload, packet),
    });
  }

  /** Starts connecting (in the background); null when `rooms.group` is not set. */
  static start(options: MqttArbitrationOptions): MqttArbitration | null {
    const group = options.config.rooms.group;
    if (group === null) return null;
    const arbitration = new MqttArbitration(options, group);
    arbitration.#connection.start();
    return arbitration;
  }

  /**
   * Resolves once the claim topic is granted, the first connection failed, or `timeoutMs` passed
   * (never throws): the daemon starts listening with the group joined when the broker is there.
   */
  firstAttempt(timeoutMs: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    return this.#attempt.wait(timeoutMs);
  }

  /** True once the broker granted the claim topic: claims go out and come back. */
  get ready(): boolean {
    return this.#client !== null;
  }

  claim(claim: WakeClaim): Promise<ArbitrationDecision> {
    return this.#room.claim(claim).then((decision) => {
      // Mosquitto grants a subscription its ACL forbids, then delivers nothing: say so.
      if (decision.reason === "no-echo" && this.#noEcho++ % LOG_EVERY === 0)
        this.#logger.warn(
          { topic: this.topic, times: this.#noEcho },
          "our rooms claim did not come back from the broker within rooms.arbitration_ms: is the broker overloaded, or does its ACL lack read and write on the claim topic?",
        );
      return decision;
    });
  }

  /** Settles waiting claims (as won alone) and disconnects. Idempotent. */
  async stop(): Promise<void> {
    this.#room.dispose();
    this.#client = null;
    await this.#connection.stop();
  }

  #subscribe(client: MqttClient): void {
    client.subscribe(this.topic, { qos: 0 }, (error, granted) => {
      const refused = error || (granted ?? []).some((g) => g.qos >= 0x80);
      if (refused) {
        this.#logger.error(
          { topic: this.topic, reason: error?.message },
          "the broker refused the rooms claim topic (ACL?): this board answers every wake word alone",
        );
        this.#attempt.over();
        return;
      }
      if (this.#connection.client === client) this.#client = client;
      this.#attempt.over();
    });
  }

  #send(message: RoomMessage): boolean {
    const client = this.#client;
    if (!client || this.#connection.client !== client) return false;
    const payload = "claim" in message ? message.claim : message.close;
    client.publish(this.topic, JSON.stringify(payload), { qos: 0 }, (error) => {
      if (error) this.#logger.warn({ err: error }, "a rooms message could not be sent");
    });
    this.#onMessage?.(message, "sent");
    return true;
  }

  #message(topic: string, payload: Buffer, packet: IPublishPacket): void {
    // A retained claim is an old one (someone published it with retain): never part of a round.
    if (topic !== this.topic || packet.retain) return;
    const parsed = parseRoomMessage(payload);
    if (!("problem" in parsed)) {
      this.#room.received(parsed);
      this.#onMessage?.(parsed, "heard");
      return;
    }
    if (this.#broken++ % LOG_EVERY === 0)
      this.#logger.warn(
        { topic, problem: parsed.problem, ignored: this.#broken },
        "ignored a message on the rooms claim topic that is not a claim or a close",
      );
  }
}
