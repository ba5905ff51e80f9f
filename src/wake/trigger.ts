export interface TriggerSettings {
  /** A chunk counts when its score is at or above this. */
  threshold: number;
  /** Consecutive counting chunks needed to fire. */
  triggerLevel: number;
  /** After firing, ignore this model for this many samples. */
  refractorySamples: number;
}

/**
 * When one wake word fires, from its per-chunk scores. Pure: time is the chunk's end
 * position in samples. It fires once per run of high scores, on the chunk that completes
 * `triggerLevel` consecutive ones, unless that falls within the refractory period after the
 * previous detection.
 */
export class Trigger {
  #consecutive = 0;
  #lastFired: number | null = null;

  constructor(readonly settings: TriggerSettings) {}

  update(score: number, endSample: number): boolean {
    this.#consecutive = score >= this.settings.threshold ? this.#consecutive + 1 : 0;
    if (this.#consecutive !== this.settings.triggerLevel) return false;
    const last = this.#lastFired;
    if (last !== null && endSample - last < this.settings.refractorySamples) return false;
    this.#lastFired = endSample;
    return true;
  }

  /** True when a detection ending at `endSample` would fall in the refractory period. */
  inRefractory(endSample: number): boolean {
    const last = this.#lastFired;
    return last !== null && endSample - last < this.settings.refractorySamples;
  }

  /** Forget the run of scores and the last detection (a new run, or a restarted stream). */
  reset(): void {
    this.#consecutive = 0;
    this.#lastFired = null;
  }
}
