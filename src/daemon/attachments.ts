import type { Config } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import { Feedback } from "../feedback/feedback.js";
import type { DeviceRegistry } from "../intent/registry.js";
import { type Observability, startObservability } from "../observability/observability.js";
import { RecordingWriter } from "../observability/recordings.js";
import { componentLogger, type Logger } from "../util/logger.js";

/**
 * The optional parts that listen to the bus beside the pipeline: metrics (always counted;
 * the Prometheus port only when metrics.port is set), feedback sounds and replies, and the
 * opt-in debug recorder. None of them can break a run.
 */
export class Attachments {
  private constructor(
    readonly observability: Observability,
    readonly feedback: Feedback | null,
    readonly recordings: RecordingWriter | null,
  ) {}

  static async start(
    config: Config,
    bus: EventBus,
    registry: DeviceRegistry,
    logger: Logger,
  ): Promise<Attachments> {
    const recordings = RecordingWriter.fromConfig(config.debug, componentLogger(logger, "recordings"));
    const observability = await startObservability({
      config,
      bus,
      logger: componentLogger(logger, "metrics"),
    });
    const lookup = (id: string) => registry.get(id);
    const feedback = Feedback.fromConfig(
      config.feedback,
      lookup,
      componentLogger(logger, "feedback"),
    )?.attach(bus);
    return new Attachments(observability, feedback ?? null, recordings);
  }

  /** True while a sound plays (and a moment after): the pipeline ignores the wake word then. */
  isPlaying(): boolean {
    return this.feedback?.isPlaying() ?? false;
  }

  record(runId: string, samples: Int16Array): void {
    void this.recordings?.write(runId, samples);
  }

  async dispose(): Promise<void> {
    await Promise.allSettled([this.observability.dispose(), this.feedback?.dispose()]);
  }
}
