import { type AudioFrame, SAMPLE_RATE } from "../audio/format.js";
import { RecentAudio } from "../audio/recent-audio.js";
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
  readonly #recent: RecentAudio;
  /** Stream position just after the newest kept sample. */
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
    this.#recent = new RecentAudio(Math.ceil((settings.lookbackSeconds + 1) * SAMPLE_RATE));
  }

  async process(frame: AudioFrame): Promise<WakeDetection | null> {
    this.#recent.push(frame);
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
    this.#recent.clear();
    this.inner.reset();
    this.vad.reset();
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.inner.dispose();
    await this.vad.dispose();
  }

  /** Highest speech probability in the look-back window ending at `endSample`. */
  async #speechBefore(endSample: number): Promise<number> {
    const lookback = Math.round(this.settings.lookbackSeconds * SAMPLE_RATE);
    const from = Math.max(this.#recent.start, endSample - lookback);
    return peakSpeech(this.vad, { samples: this.#recent.read(from, endSample), startSample: from });
  }
}

/**
 * Highest speech probability the VAD gives `frame`, heard from a fresh state (the gate's
 * judgement; exported so bench/wake-noise.ts judges recorded wakes the same way).
 */
export async function peakSpeech(vad: VoiceActivityDetector, frame: AudioFrame): Promise<number> {
  if (frame.samples.length === 0) return 0;
  vad.reset();
  const windows = await vad.process(frame);
  vad.reset();
  return windows.reduce((max, w) => Math.max(max, w.probability), 0);
}
