import { SAMPLE_RATE, samplesToMs } from "../audio/format.js";
import type { EventBus } from "../events/bus.js";
import { speechLevel } from "../rooms/level.js";
import type { WakeDetection } from "../wake/detector.js";
import type { Arbitration, ArbitrationDecision } from "./arbitration.js";
import type { AudioHistory } from "./audio-history.js";
import type { BeforeAct, PipelineRun } from "./pipeline-run.js";

/** The wake phrase's length for its level ("hey jarvis" takes 0.6-1 s); the 2 s before it give the noise floor. */
const PHRASE_SECONDS = 1;
const LEVEL_SECONDS = 3;

/**
 * Where a run meets the other boards of its rooms group: its wake word is claimed at once (the
 * run goes on listening and transcribing), a run that lost is ended as soon as that is known,
 * wherever it is (its signal stops Whisper or the LLM), and before acting a run awaits the
 * decision (its `beforeAct`). Without a group nothing is claimed and nothing waits.
 */
export class ArbitrationGate {
  /** The last wake word's claim (runs never overlap on a site, so one is enough). */
  #claimed: { runId: string; decision: Promise<ArbitrationDecision> } | null = null;
  #arbitration: Arbitration | null = null;

  /** `current`: the pipeline's run in progress. */
  constructor(private readonly current: () => PipelineRun | null) {}

  /** Joins the rooms group through this client (null: this board answers alone). */
  set(arbitration: Arbitration | null): void {
    this.#arbitration = arbitration;
  }

  /** True when wake words are claimed (a rooms group is joined). */
  get active(): boolean {
    return this.#arbitration !== null;
  }

  /** At a wake word: claims it, with the speech level of the audio that ends at the detection. */
  claim(runId: string, detection: WakeDetection, history: AudioHistory, bus: EventBus): void {
    const arbitration = this.#arbitration;
    if (!arbitration) return;
    const audio = history.read(detection.endSample - LEVEL_SECONDS * SAMPLE_RATE, detection.endSample);
    const { dbfs, snr } = speechLevel(audio, PHRASE_SECONDS * SAMPLE_RATE);
    const { wakeWord, score, endSample } = detection;
    const claim = { runId, wakeWord, score, level: snr, dbfs, audioMs: samplesToMs(endSample) };
    const decision = arbitration.claim(claim).then((decided) => {
      // Said even for a run that ended first (no speech, a refusal): its earcon and reply wait
      // for it (feedback), so only the winner is heard.
      bus.emit({ type: "arbitration", runId, group: arbitration.group, ...decided });
      const run = this.current();
      if (run?.id === runId && !run.isEnded && !decided.won && !run.settling) run.end("lost-arbitration");
      return decided;
    });
    this.#claimed = { runId, decision };
  }

  /** The run's hook before acting: the rooms decision first (a run that lost never acts), then `next`. */
  act(next?: BeforeAct): BeforeAct {
    return async (run, intent) => {
      const claimed = this.#claimed?.runId === run.id ? this.#claimed : null;
      if (claimed && !(await claimed.decision).won) return "skip";
      return next ? next(run, intent) : "act";
    };
  }
}
