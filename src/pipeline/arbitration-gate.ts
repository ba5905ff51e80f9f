import { SAMPLE_RATE, samplesToMs } from "../audio/format.js";
import type { EventBus } from "../events/bus.js";
import { speechLevel } from "../rooms/level.js";
import type { WakeDetection } from "../wake/detector.js";
import type { Arbitration, ArbitrationDecision } from "./arbitration.js";

/** The wake phrase's length for its level ("hey jarvis" takes 0.6-1 s); what comes before it gives the noise floor. */
const PHRASE_SECONDS = 1;
/** The audio a claim's level is measured on, ending at the detection (the pipeline keeps more). */
export const CLAIM_AUDIO = 3 * SAMPLE_RATE;

interface Claimed {
  decision: Promise<ArbitrationDecision>;
  lost: boolean;
}

/**
 * Where a run meets the other boards of its group: its wake word is claimed at once (the
 * run goes on listening and transcribing), a run that lost is ended at its next frame, and
 * before acting a run awaits the decision. Without a group every run acts, with no wait.
 */
export class ArbitrationGate {
  readonly #runs = new Map<string, Claimed>();

  constructor(
    private readonly bus: EventBus,
    private arbitration: Arbitration | null = null,
  ) {}

  set(arbitration: Arbitration | null): void {
    this.arbitration = arbitration;
  }

  /** At a wake word: `audio` ends at the detection (the pre-roll), for the claim's speech level. */
  claim(runId: string, detection: WakeDetection, audio: Int16Array): void {
    const arbitration = this.arbitration;
    if (!arbitration) return;
    const { dbfs, snr } = speechLevel(
      audio.subarray(Math.max(0, audio.length - CLAIM_AUDIO)),
      PHRASE_SECONDS * SAMPLE_RATE,
    );
    const claimed: Claimed = { lost: false, decision: Promise.resolve(null as never) };
    claimed.decision = arbitration
      .claim({
        runId,
        wakeWord: detection.wakeWord,
        score: detection.score,
        level: snr,
        dbfs,
        audioMs: samplesToMs(detection.endSample),
      })
      .then((decision) => {
        claimed.lost = !decision.won;
        if (this.#runs.get(runId) === claimed)
          this.bus.emit({ type: "arbitration", runId, group: arbitration.group, ...decision });
        return decision;
      });
    this.#runs.set(runId, claimed);
  }

  /** True once the run is known to have lost: the pipeline ends it (no need to transcribe further). */
  lost(runId: string): boolean {
    return this.#runs.get(runId)?.lost ?? false;
  }

  /** Before acting: true when this board answers (always, for a run that made no claim). */
  async mayAct(runId: string): Promise<boolean> {
    const claimed = this.#runs.get(runId);
    if (!claimed) return true;
    return (await claimed.decision).won;
  }

  /** The run ended. */
  forget(runId: string): void {
    this.#runs.delete(runId);
  }
}
