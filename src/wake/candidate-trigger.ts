import { Trigger, type TriggerSettings } from "./trigger.js";

export interface CandidateSettings extends TriggerSettings {
  /**
   * A chunk at or above this (and below `threshold`) may start a candidate for the verifier.
   * At or above `threshold` there are no candidates: the trigger behaves as `Trigger`.
   */
  candidateThreshold: number;
  /** The verifier hears this many samples after the candidate's best chunk. */
  afterSamples: number;
  /** A candidate is decided at most this many samples after it started, however its scores climb. */
  maxHoldSamples: number;
  /**
   * Verify sure detections too (wake.verifier.verify_all): a run at or above `threshold` makes
   * a candidate marked `sure` instead of waking at once, so the model's own confident mistakes
   * ("hey Charlie" scores up to 0.99) meet the verifier.
   */
  verifyAll?: boolean;
  /**
   * The embedding verifier as a first stage of its own (wake.verifier.every_chunk): on every
   * chunk where openWakeWord's score reached `scoreFloor` within the last `floorChunks` chunks,
   * the verifier's probability for the window ending there is read, and at or above
   * `threshold` the chunk wakes at once, verified. In babble openWakeWord's score often stays
   * far under any candidate threshold while the verifier still hears the phrase. Absent: off.
   */
  everyChunk?: EveryChunkSettings;
}

export interface EveryChunkSettings {
  /** The verifier's probability at or above which a chunk wakes. */
  threshold: number;
  /** The verifier is read only after openWakeWord's score reached this (the idle CPU stays as it was). */
  scoreFloor: number;
  /** ... within this many chunks, the current one included. */
  floorChunks: number;
  /** Consecutive chunks read at or above `threshold` needed to wake (one spike is not the phrase). Default 1. */
  consecutive?: number;
  /**
   * Once the verifier heard the phrase, wait up to this many chunks while openWakeWord's score
   * still rises and date the wake to its peak. A verifier fit on the phrase run on into the
   * command hears "hey jar-" before the phrase is over, and the run would open inside it;
   * openWakeWord's score peaks as the phrase ends. Default 0: wake at once.
   */
  holdChunks?: number;
}

/** What one chunk's score decided: wake at once, a candidate to verify, or nothing. */
export type Firing =
  | { kind: "wake"; score: number; endSample: number }
  /**
   * `endSample` is the end of the candidate's best chunk (where the wake word ended); `sure`:
   * its best score reached `threshold` (only with `verifyAll`).
   */
  | {
      kind: "candidate";
      score: number;
      endSample: number;
      sure: boolean;
      /**
       * Where a wake from this candidate says the wake word ended: for a sure one the first chunk
       * at `threshold`, where the single threshold (trigger level 1) reports it, so turning the
       * verifier on moves no run's audio, it only comes later; for a weak one its best chunk.
       */
      wakeEndSample: number;
    }
  /**
   * The verifier read this chunk (settings.everyChunk) and heard the wake phrase: wake, verified.
   * `endSample`: where the wake word ended: this chunk, or the first chunk of these words at
   * `threshold` when openWakeWord reached it (where the single threshold wakes).
   */
  | { kind: "verified"; score: number; probability: number; endSample: number };

/** A verifier wake waiting for openWakeWord's score to stop rising (EveryChunkSettings.holdChunks). */
interface Held {
  firing: Extract<Firing, { kind: "verified" }>;
  /** openWakeWord's best score since the verifier heard the phrase, and its chunk's end. */
  best: number;
  bestEnd: number;
  chunksLeft: number;
}

interface Pending {
  score: number;
  endSample: number;
  startSample: number;
  /** The first chunk at or above `threshold`, if one came. */
  firstSure: number | null;
}

/**
 * Two thresholds over one wake word's chunk scores. Pure: time is the chunk's end in samples.
 * A run of `triggerLevel` chunks at or above `threshold` wakes at once, exactly as `Trigger`
 * does. A run at or above the lower `candidateThreshold` starts a candidate: it follows the
 * best score until `afterSamples` have passed since it (so the verifier hears the wake word
 * whole, and a little after), then is handed out once. Waiting for the peak matters: firing a
 * candidate on its first low chunk would start the refractory period and swallow the sure
 * detection a chunk later. A sure detection while a candidate waits replaces the candidate.
 * A candidate starts no refractory period for sure detections (one rejected must not hide a
 * sure one just after it; a verified one has started a run, which ignores detections), only
 * for other candidates, so one utterance is verified once.
 */
export class CandidateTrigger {
  readonly #sure: Trigger;
  #run = 0;
  #pending: Pending | null = null;
  #lastCandidate: number | null = null;
  /** Chunks since the score last reached everyChunk.scoreFloor (Infinity: never). */
  #sinceFloor = Number.POSITIVE_INFINITY;
  #lastVerified: number | null = null;
  /** Consecutive chunks the verifier read at or above everyChunk.threshold. */
  #above = 0;
  #held: Held | null = null;

  constructor(readonly settings: CandidateSettings) {
    // With verifyAll nothing wakes unverified: the sure trigger never fires.
    this.#sure = new Trigger(
      settings.verifyAll ? { ...settings, threshold: Number.POSITIVE_INFINITY } : settings,
    );
  }

  /** True when this trigger can hand out candidates at all. */
  get listensHarder(): boolean {
    return this.settings.verifyAll === true || this.settings.candidateThreshold < this.settings.threshold;
  }

  /**
   * One chunk's score. `probe` gives the embedding verifier's probability for the window ending
   * at this chunk; it is called only with settings.everyChunk, when the score floor was reached.
   */
  next(score: number, endSample: number, probe?: () => number): Firing | null {
    const every = this.settings.everyChunk;
    if (every) this.#sinceFloor = score >= every.scoreFloor ? 0 : this.#sinceFloor + 1;
    if (this.#sure.update(score, endSample)) {
      this.#pending = null;
      this.#held = null;
      return { kind: "wake", score, endSample };
    }
    if (this.#held) return this.#hold(score, endSample);
    const verified = this.#readVerifier(score, endSample, probe);
    if (verified) return this.#startHold(verified, score, endSample);
    if (!this.listensHarder) return null;
    const floor = Math.min(this.settings.candidateThreshold, this.settings.threshold);
    this.#run = score >= floor ? this.#run + 1 : 0;
    const pending = this.#pending;
    if (pending) {
      if (score > pending.score) {
        pending.score = score;
        pending.endSample = endSample;
      }
      if (pending.firstSure === null && score >= this.settings.threshold) pending.firstSure = endSample;
    } else if (this.#run === this.settings.triggerLevel && !this.#inRefractory(endSample)) {
      const firstSure = score >= this.settings.threshold ? endSample : null;
      this.#pending = { score, endSample, startSample: endSample, firstSure };
    }
    return this.#decide(endSample);
  }

  /**
   * Whether next(score, endSample, ...) may read the verifier (everyChunk): the score floor
   * reached within floorChunks, no wake held, outside the refractory period. A reader that must
   * be run ahead (the mel verifier, asynchronous) asks first, so it runs only where its verdict
   * can count: never on idle chunks, nor in the seconds after a wake.
   */
  mayRead(score: number, endSample: number): boolean {
    const every = this.settings.everyChunk;
    if (!every || this.#held) return false;
    const since = score >= every.scoreFloor ? 0 : this.#sinceFloor + 1;
    return since < every.floorChunks && !this.#verifierResting(endSample);
  }

  /** True while a verified wake waits for openWakeWord's score to stop rising (holdChunks). */
  get holding(): boolean {
    return this.#held !== null;
  }

  /** Forget scores, any waiting candidate and the last detection (a new stream). */
  reset(): void {
    this.#sure.reset();
    this.#run = 0;
    this.#pending = null;
    this.#lastCandidate = null;
    this.#sinceFloor = Number.POSITIVE_INFINITY;
    this.#lastVerified = null;
    this.#above = 0;
    this.#held = null;
  }

  /** A verifier wake: at once, or held while openWakeWord's score rises (holdChunks). */
  #startHold(firing: Extract<Firing, { kind: "verified" }>, score: number, endSample: number): Firing | null {
    const chunksLeft = this.settings.everyChunk?.holdChunks ?? 0;
    // Dated to where openWakeWord reached `threshold` already: nothing to wait for.
    if (chunksLeft <= 0 || firing.endSample !== endSample) return firing;
    this.#held = { firing, best: score, bestEnd: endSample, chunksLeft };
    return null;
  }

  /** One chunk of a held wake: hand it out, dated to the best chunk (with its score), once the score stops rising. */
  #hold(score: number, endSample: number): Firing | null {
    const held = this.#held as Held;
    if (score > held.best) {
      held.best = score;
      held.bestEnd = endSample;
      held.chunksLeft--;
      if (held.chunksLeft > 0) return null;
    }
    this.#held = null;
    this.#lastVerified = held.bestEnd;
    this.#lastCandidate = held.bestEnd;
    return { ...held.firing, score: held.best, endSample: held.bestEnd };
  }

  /**
   * The verifier's own evidence. A wake here drops any waiting candidate (the same words) and
   * holds off candidates and other such wakes for the refractory period; a candidate rejected
   * earlier does not hold it off, since the verifier judges every chunk on its own.
   */
  #readVerifier(
    score: number,
    endSample: number,
    probe?: () => number,
  ): Extract<Firing, { kind: "verified" }> | null {
    const every = this.settings.everyChunk;
    if (!every || !probe) return null;
    if (this.#sinceFloor >= every.floorChunks || this.#verifierResting(endSample)) {
      this.#above = 0;
      return null;
    }
    const probability = probe();
    this.#above = probability >= every.threshold ? this.#above + 1 : 0;
    if (this.#above < (every.consecutive ?? 1)) return null;
    this.#above = 0;
    // Where openWakeWord itself reached `threshold` in these words, the wake says the word ended
    // there, as the single threshold would: reading every chunk moves no run's audio.
    const firstSure = this.#pending?.firstSure ?? (score >= this.settings.threshold ? endSample : null);
    this.#pending = null;
    this.#run = 0;
    this.#lastVerified = endSample;
    this.#lastCandidate = endSample;
    return { kind: "verified", score, probability, endSample: firstSure ?? endSample };
  }

  /** After a detection or a verified wake, the verifier rests for the refractory period. */
  #verifierResting(endSample: number): boolean {
    const last = this.#lastVerified;
    return (
      this.#sure.inRefractory(endSample) ||
      (last !== null && endSample - last < this.settings.refractorySamples)
    );
  }

  /** After a detection or a candidate, no new candidate for the refractory period. */
  #inRefractory(endSample: number): boolean {
    const last = this.#lastCandidate;
    const { refractorySamples } = this.settings;
    return this.#sure.inRefractory(endSample) || (last !== null && endSample - last < refractorySamples);
  }

  #decide(now: number): Firing | null {
    const pending = this.#pending;
    if (!pending) return null;
    const { afterSamples, maxHoldSamples } = this.settings;
    if (now - pending.endSample < afterSamples && now - pending.startSample < maxHoldSamples) return null;
    this.#pending = null;
    this.#lastCandidate = pending.endSample;
    const sure = pending.score >= this.settings.threshold;
    const wakeEndSample = pending.firstSure ?? pending.endSample;
    return { kind: "candidate", score: pending.score, endSample: pending.endSample, sure, wakeEndSample };
  }
}
