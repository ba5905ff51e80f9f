import type { EventBus } from "../events/bus.js";
import { RejectionReporter } from "../events/rejections.js";
import { BaseServer } from "../mqtt/base-server.js";
import { failedSession, SatelliteLink } from "../mqtt/satellite-link.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { RemoteSession, RemoteSteps } from "../pipeline/remote.js";
import type { SessionRejection } from "../rooms/satellite/base-sessions.js";
import { componentLogger, type Logger } from "../util/logger.js";
import type { FeedbackService } from "./attachments.js";
import type { Service, ServiceContext } from "./service.js";

/** How long the start waits for the broker, as the other MQTT clients. */
const FIRST_ATTEMPT_MS = 3000;

/**
 * role satellite (docs/rooms.md#satellites-and-a-base): the link to the base, and the
 * pipeline's remote steps for the pipeline's whole life (the link behind it is replaced on
 * SIGHUP, as the MQTT output's client). Replies for this site on hermes/tts/say are spoken
 * through feedback (feedback.speech). Other roles start nothing.
 */
export class SatelliteService implements Service, RemoteSteps {
  readonly name = "satellite";
  readonly sections = ["role", "satellite", "mqtt", "site"] as const;
  #link: SatelliteLink | null = null;

  constructor(
    private readonly feedback: FeedbackService,
    private readonly logger: Logger,
  ) {}

  /** The link, while this board is a satellite (the doctor asks it about the base). */
  get link(): SatelliteLink | null {
    return this.#link;
  }

  open(run: Parameters<RemoteSteps["open"]>[0]): RemoteSession {
    return (
      this.#link?.open(run) ??
      failedSession("satellite-no-base", "no link to the base (no MQTT, or the link is not running)")
    );
  }

  async start({ config }: ServiceContext): Promise<void> {
    if (config.role !== "satellite") return;
    const logger = componentLogger(this.logger, "satellite");
    const { speech, voice } = config.feedback;
    this.#link = SatelliteLink.start({
      config,
      logger,
      onReply: (text, sessionId) => {
        logger.info({ sessionId, text }, "reply from the base");
        if (speech) void this.feedback.player?.speak(text, voice);
      },
    });
    await this.#link.firstAttempt(FIRST_ATTEMPT_MS);
  }

  async stop(): Promise<void> {
    const link = this.#link;
    this.#link = null;
    await link?.stop();
  }
}

/** Rejection reporters kept per satellite; a flood of made-up sites shares the last one. */
const MAX_REPORTERS = 256;

/**
 * role base: serves satellites. Each ready session runs as the satellite's own run on this
 * board's pipeline (same stages, skills and command output, the satellite's site and area);
 * refused sessions are `input-rejected` events (source `satellite`, counted, not flooded).
 */
export class BaseService implements Service {
  readonly name = "base";
  readonly sections = ["role", "satellite", "mqtt", "site"] as const;
  #server: BaseServer | null = null;
  readonly #reporters = new Map<string, RejectionReporter>();

  constructor(
    private readonly pipeline: () => Pipeline,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  get server(): BaseServer | null {
    return this.#server;
  }

  async start({ config }: ServiceContext): Promise<void> {
    if (config.role !== "base") return;
    this.#server = BaseServer.start({
      config,
      logger: componentLogger(this.logger, "base"),
      serve: (session) => {
        const { site, id, audio, start } = session;
        const { area, wakeWord, score, previousRunId } = start;
        const follow = previousRunId ? { previousRunId } : {};
        const command = { id, site, area, wakeWord, score, audio, ...follow };
        const { run, ended, followUpSeconds } = this.pipeline().satelliteRun(command);
        return { ended, abort: () => run.abort(), followUpSeconds };
      },
      onReject: (site, id, reason) => this.#reject(site, id, reason),
    });
    await this.#server.firstAttempt(FIRST_ATTEMPT_MS);
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    await server?.stop();
  }

  #reject(site: string, _id: string, reason: SessionRejection): void {
    const key = this.#reporters.has(site) || this.#reporters.size < MAX_REPORTERS ? site : "*";
    let reporter = this.#reporters.get(key);
    if (!reporter) {
      const clock = () => performance.now();
      reporter = new RejectionReporter({ bus: this.bus, site: key, clock, source: "satellite" });
      this.#reporters.set(key, reporter);
    }
    reporter.reject(reason);
  }
}
