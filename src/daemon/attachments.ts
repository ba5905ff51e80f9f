import type { EventBus } from "../events/bus.js";
import { Feedback } from "../feedback/feedback.js";
import type { SoundPlayer } from "../feedback/player.js";
import { SoundRelay } from "../feedback/sound-relay.js";
import type { DeviceRegistry } from "../intent/registry.js";
import type { StatsSnapshot } from "../observability/metrics.js";
import { type Observability, startObservability } from "../observability/observability.js";
import { RecordingWriter } from "../observability/recordings.js";
import { componentLogger, type Logger } from "../util/logger.js";
import type { Service, ServiceContext } from "./service.js";

/**
 * The parts that listen to the bus beside the pipeline. Each is optional: one that cannot
 * start (a metrics port in use, a player that fails) is logged and the daemon listens on
 * without it. None of them can break a run.
 */

/** Metrics from the bus (always counted), and the Prometheus endpoint when metrics.port is set. */
export class MetricsService implements Service {
  readonly name = "metrics";
  readonly sections = ["metrics", "site"] as const;
  readonly optional = true;
  #observability: Observability | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  /** For the retained stats topic; null while metrics are not running. */
  snapshot(): StatsSnapshot | null {
    return this.#observability?.snapshot() ?? null;
  }

  async start({ config }: ServiceContext): Promise<void> {
    this.#observability = await startObservability({
      config,
      bus: this.bus,
      logger: componentLogger(this.logger, "metrics"),
    });
  }

  async stop(): Promise<void> {
    const observability = this.#observability;
    this.#observability = null;
    await observability?.dispose();
  }
}

/**
 * Earcons and spoken replies (feedback.*), off by default. Live: a SIGHUP renews the feedback
 * but keeps the relay shell its player runs programs through, started before the models load
 * (feedback/sound-relay.ts: a new one would be a fork of the loaded daemon).
 */
export class FeedbackService implements Service {
  readonly name = "feedback";
  readonly sections = ["feedback"] as const;
  readonly optional = true;
  readonly live = true;
  #feedback: Feedback | null = null;
  #relay: SoundRelay | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly registry: DeviceRegistry,
    private readonly logger: Logger,
  ) {}

  /** True while a sound plays (and a moment after): the pipeline ignores the wake word then. */
  isPlaying(): boolean {
    return this.#feedback?.isPlaying() ?? false;
  }

  /** Feedback's player while feedback runs: the timers ring through it (one queue, one gate). */
  get player(): SoundPlayer | null {
    return this.#feedback?.player ?? null;
  }

  async start({ config }: ServiceContext): Promise<void> {
    const logger = componentLogger(this.logger, "feedback");
    const on = config.feedback.earcons || config.feedback.speech;
    if (on)
      this.#relay ??= new SoundRelay({ env: process.env, onTrouble: (message) => logger.warn(message) });
    const lookup = (id: string) => this.registry.get(id);
    const feedback = Feedback.fromConfig(config.feedback, lookup, logger, this.#relay ?? undefined);
    this.#feedback = feedback?.attach(this.bus) ?? null;
  }

  /** SIGHUP: new feedback settings take effect; a sound playing stops. */
  async reload(context: ServiceContext): Promise<void> {
    await this.#disposeFeedback();
    await this.start(context);
  }

  async stop(): Promise<void> {
    await this.#disposeFeedback();
    this.#relay?.dispose();
    this.#relay = null;
  }

  async #disposeFeedback(): Promise<void> {
    const feedback = this.#feedback;
    this.#feedback = null;
    await feedback?.dispose();
  }
}

/** The opt-in debug recorder (debug.recordings_dir): one WAV per run. */
export class RecordingsService implements Service {
  readonly name = "recordings";
  readonly sections = ["debug"] as const;
  readonly optional = true;
  #writer: RecordingWriter | null = null;

  constructor(private readonly logger: Logger) {}

  record(runId: string, samples: Int16Array): void {
    void this.#writer?.write(runId, samples);
  }

  async start({ config }: ServiceContext): Promise<void> {
    this.#writer = RecordingWriter.fromConfig(config.debug, componentLogger(this.logger, "recordings"));
  }

  async stop(): Promise<void> {
    this.#writer = null;
  }
}
