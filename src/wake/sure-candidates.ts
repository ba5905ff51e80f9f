import type { AudioFrame } from "../audio/format.js";
import type { WakeDetection, WakeWordDetector } from "./detector.js";

/**
 * An engine without scores under the verifier (Porcupine with wake.verifier.verify_all): each
 * of its detections becomes a `sure` candidate, so Whisper may still turn it away, and it
 * wakes as before whenever it cannot be verified. Porcupine fires as the keyword ends; the
 * candidate is handed out once `afterSamples` more audio has been heard, so the verifier hears
 * the keyword whole (openWakeWord's CandidateTrigger waits the same after its best chunk).
 * Pure: time is the stream position of the frames.
 */
export class SureCandidates implements WakeWordDetector {
  readonly engine: string;
  readonly wakeWords: readonly string[];
  #held: WakeDetection | null = null;

  constructor(
    private readonly inner: WakeWordDetector,
    private readonly afterSamples: number,
  ) {
    this.engine = inner.engine;
    this.wakeWords = inner.wakeWords;
  }

  async process(frame: AudioFrame): Promise<WakeDetection | null> {
    const detection = await this.inner.process(frame);
    // One candidate per utterance: a second detection while one is held is the same words.
    if (detection && !this.#held) this.#held = { ...detection, candidate: true, sure: true };
    const held = this.#held;
    if (!held || frame.startSample + frame.samples.length - held.endSample < this.afterSamples) return null;
    this.#held = null;
    return held;
  }

  reset(): void {
    this.#held = null;
    this.inner.reset();
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
