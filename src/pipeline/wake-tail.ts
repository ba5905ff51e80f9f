import { SAMPLE_RATE } from "../audio/format.js";
import type { VadWindow } from "../vad/detector.js";

/** How long after the detection the wake word may still be being said. */
const SETTLE_SECONDS = 0.6;
/** A pause at least this long separates the wake word from the command. */
const MIN_GAP_SECONDS = 0.1;

/**
 * openWakeWord can fire before the wake word is over (on espeak-ng's "hey jarvis" it fired
 * ~0.4 s early, at "hey jar-"). Audio from the detection on then starts with "-vis", and
 * Whisper turns that into words ("I am not a kitchen light."). So for a short while after
 * the detection, a pause in the VAD moves the command's start into the pause: what came
 * before it was the wake word (the rest of the pause is kept as lead-in). Speech that runs on with no pause is kept (the wake phrase is
 * stripped from the transcript instead). Pure: fed VAD windows, never a clock.
 */
export class WakeTail {
  readonly #until: number;
  #quietSamples = 0;
  #lastEnd: number;
  #gapFound = false;
  #done = false;

  constructor(
    detectionEnd: number,
    private readonly endThreshold: number,
  ) {
    this.#until = detectionEnd + SETTLE_SECONDS * SAMPLE_RATE;
    this.#lastEnd = detectionEnd;
  }

  /** Returns the command start after this window (moved past the wake word's tail, or as it was). */
  feed(window: VadWindow, commandStart: number): number {
    const length = window.endSample - this.#lastEnd;
    this.#lastEnd = window.endSample;
    if (this.#done || window.endSample > this.#until) {
      this.#done = true;
      return commandStart;
    }
    if (window.probability >= this.endThreshold) {
      this.#quietSamples = 0;
      // Speech after a pause: the command has begun, and its start is where the pause ended.
      if (this.#gapFound) this.#done = true;
      return commandStart;
    }
    this.#quietSamples += length;
    if (this.#gapFound || this.#quietSamples < MIN_GAP_SECONDS * SAMPLE_RATE) return commandStart;
    // The rest of the pause stays in: Whisper transcribes worse when speech starts at the first sample.
    this.#gapFound = true;
    return Math.max(commandStart, window.endSample);
  }
}
