import type { AudioFrame } from "../audio/format.js";
import type { Logger } from "../util/logger.js";
import type { WakeDetection, WakeWordDetector } from "../wake/detector.js";

/**
 * Whether the site listens for its wake word: mute (the person's privacy switch), the Hermes
 * toggle and playback pause it. The detector hears every frame otherwise, runs included (the
 * pipeline ignores its detections then): it needs ~1.3 s of context and drops its first
 * scores after a reset, so a detector left unfed during a run would miss a wake word said
 * right after it. After a pause it starts afresh.
 */
export class WakeListener {
  #muted = false;
  #enabled = true;
  #needsReset = false;

  constructor(
    private detector: WakeWordDetector,
    private readonly logger: Logger,
  ) {}

  get muted(): boolean {
    return this.#muted;
  }

  setMuted(muted: boolean): void {
    if (muted === this.#muted) return;
    this.#muted = muted;
    this.#needsReset = true;
    this.logger.info({ muted }, muted ? "muted" : "unmuted");
  }

  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    this.#needsReset = true;
  }

  /** SIGHUP: a new (or the same) detector starts afresh. */
  replace(detector: WakeWordDetector): void {
    this.detector = detector;
    this.#needsReset = true;
  }

  /** A detection in this frame; null when paused (`gated`: the board is playing a sound) or none. */
  async listen(frame: AudioFrame, gated: boolean): Promise<WakeDetection | null> {
    if (this.#muted || !this.#enabled || gated) {
      this.#needsReset = true;
      return null;
    }
    if (this.#needsReset) {
      this.detector.reset();
      this.#needsReset = false;
    }
    return this.detector.process(frame);
  }
}
