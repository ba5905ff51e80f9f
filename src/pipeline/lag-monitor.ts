import type { Logger } from "../util/logger.js";
import { AudioClock } from "./audio-clock.js";

/** Seconds behind the microphone that earn a warning, and the least time between two. */
const WARN_LAG_MS = 1000;
const WARN_EVERY_MS = 30_000;

/**
 * How far processing runs behind the microphone, per run, and the latency a person feels: from
 * the last speech sample (on the audio clock) to now. Times are the pipeline's clock (ms).
 */
export class LagMonitor {
  readonly #audioClock = new AudioClock();
  #runLagMs = 0;
  #warnedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly logger: Logger) {}

  /** A frame ending at `endSample` was handed over (before it waits for earlier work). */
  arrived(endSample: number, now: number): void {
    this.#audioClock.observe(endSample, now);
  }

  /** The frame ending at `endSample` is being processed now; a warning when far behind. */
  processing(endSample: number, now: number): void {
    const lag = this.#audioClock.lagMs(endSample, now);
    this.#runLagMs = Math.max(this.#runLagMs, lag);
    if (lag < WARN_LAG_MS || now - this.#warnedAt < WARN_EVERY_MS) return;
    this.#warnedAt = now;
    this.logger.warn(
      { lagMs: Math.round(lag) },
      `processing is ${(lag / 1000).toFixed(1)} s behind the microphone: commands will feel slow (is another process using the CPU?)`,
    );
  }

  /** A run starts: its lag is counted from here. */
  startRun(): void {
    this.#runLagMs = 0;
  }

  /** The most processing fell behind the microphone since the run started (ms). */
  get runLagMs(): number {
    return Math.round(this.#runLagMs);
  }

  /** From when the microphone produced `lastSpeechSample` to `now`; undefined before any audio. */
  feltMs(lastSpeechSample: number, now: number): number | undefined {
    const felt = now - this.#audioClock.wallTimeOf(lastSpeechSample);
    return Number.isFinite(felt) ? Math.round(felt) : undefined;
  }
}
