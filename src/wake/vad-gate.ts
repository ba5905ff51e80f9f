import { type AudioFrame, SAMPLE_RATE } from "../audio/format.js";
import type { Logger } from "../util/logger.js";
import type { VoiceActivityDetector } from "../vad/detector.js";
import type { WakeDetection, WakeWordDetector } from "./detector.js";

export interface VadGateSettings {
  /** Speech probability some window before the detection must reach (vad.start_threshold). */
  threshold: number;
  /** How far back from the detection's end to look for speech. */
  lookbackSeconds: number;
}

/** A wake word takes about a second; its end is at most a chunk before the detection. */
export const DEFAULT_LOOKBACK_SECONDS = 1;

/**
 * Accepts a wake detection only when Silero hears speech in the second before it, which
 * drops the false wakes that noise, music beds and beeps cause. The VAD runs on demand over
 * the last second of kept audio (from a fresh state) only when the wake word fires, so
 * idle listening costs nothing extra; the gate's VAD instance is its own, apart from the
 * endpointing one.
 */
export class VadGatedDetector implements WakeWordDetector {
  readonly engine: string;
  readonly wakeWords: readonly string[];
  readonly #history: Int16Array;
  /** Stream position just after the newest kept sample. */
  #end = 0;
  #kept = 0;
  #disposed = false;

  constructor(
    private readonly inner: WakeWordDetector,
    private readonly vad: VoiceActivityDetector,
    private readonly settings: VadGateSettings,
    private readonly logger: Logger,
  ) {
    this.engine = inner.engine;
    this.wakeWords = inner.wakeWords;
    // Room for the look-back plus a long frame, since a detection may end before the frame does.
    this.#history = new Int16Array(Math.ceil((settings.lookbackSeconds + 1) * SAMPLE_RATE));
  }

  async process(frame: AudioFrame): Promise<WakeDetection | null> {
    this.#keep(frame);
    const detection = await this.inner.process(frame);
    if (!detection) return null;
    const speech = await this.#speechBefore(detection.endSample);
    if (speech >= this.settings.threshold) return detection;
    this.logger.debug(
      { wakeWord: detection.wakeWord, score: detection.score, speech },
      "wake word ignored: no speech heard (wake.vad_gate)",
    );
    return null;
  }

  reset(): void {
    this.#kept = 0;
    this.inner.reset();
    this.vad.reset();
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.inner.dispose();
    await this.vad.dispose();
  }

  #keep(frame: AudioFrame): void {
    const { samples, startSample } = frame;
    if (startSample !== this.#end) this.#kept = 0;
    const capacity = this.#history.length;
    const incoming = Math.min(samples.length, capacity);
    const retained = Math.min(this.#kept, capacity - incoming);
    this.#history.copyWithin(0, this.#kept - retained, this.#kept);
    this.#history.set(samples.subarray(samples.length - incoming), retained);
    this.#kept = retained + incoming;
    this.#end = startSample + samples.length;
  }

  /** Highest speech probability in the look-back window ending at `endSample`. */
  async #speechBefore(endSample: number): Promise<number> {
    const lookback = Math.round(this.settings.lookbackSeconds * SAMPLE_RATE);
    const firstKept = this.#end - this.#kept;
    const from = Math.max(firstKept, endSample - lookback);
    const to = Math.min(endSample, this.#end);
    if (to <= from) return 0;
    const samples = this.#history.slice(from - firstKept, to - firstKept);
    this.vad.reset();
    const windows = await this.vad.process({ samples, startSample: from });
    this.vad.reset();
    return windows.reduce((max, w) => Math.max(max, w.probability), 0);
  }
}
