import type { IPublishPacket, MqttClient } from "mqtt";
import type { Config } from "../config/schema.js";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import type { RunOutcome } from "../events/types.js";
import type { RemoteAnswer, RemoteSession, RemoteSteps } from "../pipeline/remote.js";
import { BaseWatch, describeBaseState } from "../rooms/satellite/base-watch.js";
import {
  BaseTopics,
  encodePacket,
  type Packet,
  parseResult,
  parseStatus,
  type SessionResult,
} from "../rooms/satellite/protocol.js";
import type { Logger } from "../util/logger.js";
import { realTimer, type StartTimer } from "../util/timer.js";
import type { MqttConnection } from "./connection.js";
import { LinkSession } from "./satellite-session.js";
import { FirstAttempt, sideClientSettings, sideConnection } from "./side-client.js";

export interface SatelliteLinkOptions {
  config: Config;
  logger: Logger;
  /** Monotonic ms (heartbeat ages); performance.now by default. */
  clock?: () => number;
  timer?: StartTimer;
  /** A reply for this site on hermes/tts/say (the base's, or any Hermes app's): the daemon speaks it. */
  onReply?: (text: string, sessionId: string | null) => void;
}

const TTS_SAY = "hermes/tts/say";
const MAX_REPLY_CHARS = 500;
/** Sessions whose reply is remembered (spoken once; never after a local failure said it). */
const KEEP_SESSIONS = 64;
/**
 * A result that opens a follow-up waits this long for its question on hermes/tts/say (another
 * client of the base: either may arrive first), so the window opens after the question is
 * said, never while it is said.
 */
const QUESTION_WAIT_MS = 1000;
/** How long after the grant the satellite waits for the base's retained status (it comes at once when there is one). */
const STATUS_GRACE_MS = 1000;

/**
 * role satellite: the link to the base over MQTT (docs/rooms.md#satellites-and-a-base), the
 * pipeline's `RemoteSteps`. Its own client (`<client id>-satellite`, clean session, no last
 * will): each command's packets go out at once (QoS 1, in order) and never queue behind the
 * outbox. It watches the base's retained status (heartbeat, last will): a command said while
 * the base is gone ends at once with an `error` (`satellite-no-base`), one the base refuses
 * with `satellite-rejected`, one it does not answer within satellite.answer_timeout_seconds
 * with `timeout` (`satellite-base-timeout`). It hears hermes/tts/say for its own site.
 */
export { failedSession } from "./satellite-session.js";

export class SatelliteLink implements RemoteSteps {
  readonly base: string;
  readonly topics: BaseTopics;
  readonly #watch: BaseWatch;
  readonly #connection: MqttConnection;
  readonly #clock: () => number;
  readonly #timer: StartTimer;
  readonly #sessions = new Map<string, LinkSession>();
  /** Our sessions' replies: "base" may be spoken once, "local" was said here already, "spoken" was. */
  readonly #replies = new Map<string, "base" | "local" | "spoken">();
  /** Answers that open a follow-up, waiting for their question to be spoken. */
  readonly #held = new Map<string, () => void>();
  #client: MqttClient | null = null;
  readonly #attempt = new FirstAttempt();
  /** Cancels the wait for the base's retained status (STATUS_GRACE_MS) once it is heard. */
  #statusGrace: (() => void) | null = null;

  private constructor(
    private readonly options: SatelliteLinkOptions,
    base: string,
  ) {
    const { config, logger } = options;
    this.base = base;
    this.topics = new BaseTopics(config.mqtt.topic_prefix, base);
    this.#watch = new BaseWatch(config.satellite.base_timeout_seconds * 1000);
    this.#clock = options.clock ?? (() => performance.now());
    this.#timer = options.timer ?? realTimer;
    this.#connection = sideConnection(
      config,
      logger,
      sideClientSettings(config, "satellite"),
      this.#attempt,
      {
        onConnect: (client) => this.#subscribe(client),
        onClose: () => this.#lost(),
        onMessage: (topic, payload, packet) => this.#message(topic, payload, packet),
      },
    );
  }

  /** Starts connecting in the background. A satellite without `satellite.base` is a config error (exit 78). */
  static start(options: SatelliteLinkOptions): SatelliteLink {
    const base = options.config.satellite.base;
    if (base === null)
      throw new EdgeVoiceError("config-invalid", "role satellite needs satellite.base: the base's site id", {
        exitCode: ExitCode.config,
        hint: "set satellite.base to the site of the board with role: base (docs/rooms.md)",
      });
    const link = new SatelliteLink(options, base);
    link.#connection.start();
    return link;
  }

  /**
   * Resolves once the base's status is known (its retained status heard, or none within
   * STATUS_GRACE_MS of the topic being granted), the first connection failed, or after `timeoutMs`.
   */
  firstAttempt(timeoutMs: number): Promise<void> {
    return this.#attempt.wait(timeoutMs);
  }

  /** Whether the base is there now, and the last status it sent (capacity), for the doctor. */
  baseState() {
    return { state: this.#watch.state(this.#clock()), status: this.#watch.status };
  }

  open(run: Parameters<RemoteSteps["open"]>[0]): RemoteSession {
    const session = new LinkSession(
      run.id,
      this.#timer,
      this.options.config.satellite.answer_timeout_seconds,
      {
        publish: (packet) => this.#publish(run.id, packet),
        closed: (answer) => this.#closed(run.id, answer),
        base: this.base,
      },
    );
    this.#sessions.set(run.id, session);
    const state = this.#watch.state(this.#clock());
    if (!state.alive) {
      session.fail("satellite-no-base", `${describeBaseState(this.base, state)}: the command was not heard`);
      return session;
    }
    const { area, wakeWord, score, previousRunId } = run;
    const start = {
      area,
      wakeWord,
      score,
      sampleRate: 16000 as const,
      ...(previousRunId ? { previousRunId } : {}),
    };
    session.publish({ kind: "start", seq: 0, start });
    return session;
  }

  /** Ends every open session (the run is aborted anyway) and disconnects. Idempotent. */
  async stop(): Promise<void> {
    this.#statusGrace?.();
    for (const session of this.#sessions.values())
      session.fail("satellite-stopping", "the satellite is stopping");
    for (const release of [...this.#held.values()]) release();
    this.#client = null;
    await this.#connection.stop();
  }

  #subscribe(client: MqttClient): void {
    const { site } = this.options.config;
    const topics = [this.topics.status, this.topics.result(site), TTS_SAY];
    client.subscribe(topics, { qos: 1 }, (error, granted) => {
      if (error || (granted ?? []).some((g) => g.qos >= 0x80)) {
        this.options.logger.error(
          { topics, reason: error?.message },
          "the broker refused the satellite's topics (ACL? docs/rooms.md): commands cannot reach the base",
        );
        this.#attempt.over();
        return;
      }
      if (this.#connection.client === client) this.#client = client;
      // The broker sends the retained status after the grant: a command taken before it is
      // read would be refused as "base never heard" although the base is online (seen when a
      // file's wake word came 40 ms after connecting). Wait for it, briefly: no status at all
      // means no base has ever run.
      if (this.#watch.status) this.#attempt.over();
      else {
        this.#statusGrace?.();
        this.#statusGrace = this.#timer(STATUS_GRACE_MS, () => this.#attempt.over(), { keepAlive: false });
      }
    });
  }

  #lost(): void {
    this.#client = null;
    this.#watch.lost();
    const message = describeBaseState(this.base, { alive: false, why: "no-broker" });
    this.#failAll(message);
  }

  /** The base is gone: every session in flight fails, but one the base answered already ends with that answer. */
  #failAll(message: string): void {
    for (const release of [...this.#held.values()]) release();
    for (const session of this.#sessions.values()) session.fail("satellite-no-base", message);
  }

  #publish(id: string, packet: Packet): boolean {
    const client = this.#client;
    if (!client) return false;
    const topic = this.topics.audio(this.options.config.site, id);
    client.publish(topic, encodePacket(packet), { qos: 1 }, (error) => {
      if (error)
        this.#sessions
          .get(id)
          ?.fail("satellite-no-base", `a packet to base ${this.base} failed: ${error.message}`);
    });
    return true;
  }

  #closed(id: string, answer: RemoteAnswer): void {
    this.#sessions.delete(id);
    if (this.#replies.get(id) !== "spoken") this.#replies.set(id, "error" in answer ? "local" : "base");
    if (this.#replies.size > KEEP_SESSIONS) this.#replies.delete(this.#replies.keys().next().value as string);
  }

  #message(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const { site } = this.options.config;
    if (topic === this.topics.status) {
      const parsed = parseStatus(payload);
      if ("status" in parsed) this.#heard(parsed.status);
      else this.options.logger.warn({ topic, problem: parsed.problem }, "ignored a broken base status");
    } else if (topic === this.topics.result(site) && !packet.retain) {
      const parsed = parseResult(payload);
      if ("result" in parsed) this.#result(parsed.result);
      else this.options.logger.warn({ topic, problem: parsed.problem }, "ignored a broken base result");
    } else if (topic === TTS_SAY && !packet.retain) this.#reply(payload);
  }

  #heard(status: Parameters<BaseWatch["heard"]>[0]): void {
    this.#watch.heard(status, this.#clock());
    this.#statusGrace?.();
    this.#statusGrace = null;
    this.#attempt.over();
    if (status.state !== "offline") return;
    const message = describeBaseState(this.base, { alive: false, why: "offline" });
    this.#failAll(message);
  }

  #result(result: SessionResult): void {
    const session = this.#sessions.get(result.sessionId);
    if (!session) return;
    if (result.state === "rejected")
      session.fail(
        "satellite-rejected",
        `base ${this.base} refused the command: ${result.reason ?? "no reason given"}`,
      );
    else if (result.state === "ended") this.#ended(session, result);
  }

  /**
   * The base's run ended. One that asked a question waits for the question on hermes/tts/say
   * (up to QUESTION_WAIT_MS) before the run ends and the follow-up window opens.
   */
  #ended(session: LinkSession, result: SessionResult): void {
    const outcome = (result.outcome ?? "error") as RunOutcome;
    const seconds = result.followUpSeconds;
    const id = result.sessionId;
    if (!seconds || this.#replies.get(id) === "spoken") {
      session.answered(outcome, seconds);
      return;
    }
    const release = () => {
      cancel();
      this.#held.delete(id);
      session.answered(outcome, seconds);
    };
    const cancel = this.#timer(QUESTION_WAIT_MS, release);
    this.#held.set(id, release);
  }

  /** hermes/tts/say for this site: spoken once per session; never for a run that failed here (it said so itself). */
  #reply(payload: Buffer): void {
    let message: { siteId?: unknown; text?: unknown; sessionId?: unknown };
    try {
      message = JSON.parse(payload.toString("utf8"));
    } catch {
      return;
    }
    if (message.siteId !== this.options.config.site || typeof message.text !== "string") return;
    const text = message.text.trim().slice(0, MAX_REPLY_CHARS);
    const sessionId = typeof message.sessionId === "string" ? message.sessionId : null;
    const known = sessionId ? this.#replies.get(sessionId) : undefined;
    if (!text || known === "local" || known === "spoken") return;
    const ours = sessionId !== null && (known === "base" || this.#sessions.has(sessionId));
    if (ours) this.#replies.set(sessionId, "spoken");
    this.options.onReply?.(text, sessionId);
    // Said (queued to the player, which gates the microphone): a follow-up may open now.
    if (sessionId) this.#held.get(sessionId)?.();
  }
}
