import type { SatelliteErrorCode } from "../errors.js";
import type { RunOutcome } from "../events/types.js";

/** How the base ended a satellite's command, or why it could not. */
export type RemoteAnswer =
  /**
   * The base's run ended: its outcome; `by` the base (its reply comes on hermes/tts/say);
   * `followUpSeconds` when the base asked a question (a skill's, a confirmation): the
   * satellite listens that long without the wake word, and streams the answer as a follow-up.
   */
  | { outcome: RunOutcome; by: string; followUpSeconds?: number }
  /** The base is gone, refused the session, or did not answer in time: an `error` event, then `run-end`. */
  | { outcome: "error" | "timeout"; error: { code: SatelliteErrorCode; message: string } };

/**
 * Failures after which the base certainly did not act, so a satellite with its own models
 * (satellite.fallback: local) may transcribe and act itself. Not `satellite-base-timeout`:
 * a base that answers late may still have acted, and a command carried out twice is worse
 * than one refused.
 */
export const FALLBACK_CODES: ReadonlySet<SatelliteErrorCode> = new Set([
  "satellite-no-base",
  "satellite-rejected",
]);

/** One command's audio on its way to the base. */
export interface RemoteSession {
  /** The next samples of the stream, in order, from the first one sent. */
  send(samples: Int16Array): void;
  /** The command is samples [from, to) of what was sent: the answer's time limit starts. */
  end(cut: { from: number; to: number }): void;
  /** The run ended here first (no speech, shutdown): the base drops the session. */
  cancel(outcome: RunOutcome): void;
  /**
   * The base's answer, or why there is none: may settle before `end` (the base refused the
   * session, or went away mid-command), never rejects, and always settles (a time limit).
   */
  readonly answer: Promise<RemoteAnswer>;
}

/**
 * The pipeline's port for a satellite (role satellite, docs/rooms.md): a spoken run hears the
 * wake word and endpoints here, and streams its command audio to a base that transcribes,
 * understands and acts for it. Owned here, like `publisher.ts`; `mqtt/satellite-link.ts`
 * implements it.
 */
export interface RemoteSteps {
  open(run: {
    id: string;
    site: string;
    area: string | null;
    wakeWord: string | null;
    score: number | null;
    /** A follow-up's: the run (on the base) whose question this answers. */
    previousRunId?: string;
  }): RemoteSession;
}
