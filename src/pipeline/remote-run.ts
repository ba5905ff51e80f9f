import { samplesToMs } from "../audio/format.js";
import type { EventBus } from "../events/bus.js";
import type { RunOutcome } from "../events/types.js";
import type { Logger } from "../util/logger.js";
import type { WakeDetection } from "../wake/detector.js";
import type { AudioHistory } from "./audio-history.js";
import { FALLBACK_CODES, type RemoteAnswer, type RemoteSession, type RemoteSteps } from "./remote.js";
import type { CommandEnd, RunAudio } from "./run-audio.js";

/** What a satellite's stream needs of its run (kept small so pipeline-run.ts only calls in). */
export interface RunSide {
  readonly id: string;
  readonly wake: WakeDetection | null;
  /** A follow-up's: the run whose question it answers (the base joins the two). */
  readonly previousRunId?: string;
  readonly isEnded: boolean;
  end(outcome: RunOutcome, feltMs?: number, answeredBy?: string): void;
  /** The base asked a question: listen this long without the wake word once the run has ended. */
  askFollowUp(seconds: number): void;
}

interface Parts {
  bus: EventBus;
  history: AudioHistory;
  site: string;
  area: string | null;
  logger: Logger;
  /** satellite.fallback local: when the base is gone or refuses, the run goes on here. */
  localFallback?: boolean;
  /** conversation.follow_up_seconds of this board: listen after every command carried out; 0 = off. */
  commandFollowUpSeconds?: number;
}

/** The base's outcomes of a run that carried an intent out (as `remember` is called for a local run). */
const CARRIED_OUT: ReadonlySet<RunOutcome> = new Set(["published", "queued", "recognized", "answered"]);

/**
 * A satellite's spoken run after its wake word: each frame's new audio (the pre-roll from the
 * command's start first) goes to the base as it is heard, and at the endpoint the cut of the
 * command; the base's answer ends the run with the base run's outcome, or with `error` /
 * `timeout` and an `error` event when the base is gone, refused or silent. Never hangs: the
 * session's `finish` resolves within satellite.answer_timeout_seconds. With a local fallback,
 * a base that is gone or refuses hands the run back to this board (`local`): it stops
 * streaming and the run transcribes and acts itself.
 */
export class RemoteRun {
  #session: RemoteSession | null = null;
  /** Stream positions: the first sample sent, and one past the last. */
  #origin = 0;
  #sent = 0;
  #finished = false;
  #local = false;
  /** `stt-vad-end` was emitted here (the cut went to the base). */
  endAnnounced = false;

  constructor(
    private readonly steps: RemoteSteps,
    private readonly run: RunSide,
    private readonly parts: Parts,
  ) {}

  /** The base cannot take this command and this board transcribes it (satellite.fallback: local). */
  get local(): boolean {
    return this.#local;
  }

  /** Sends what the history holds past what was sent (called before each frame's endpointing). */
  send(audio: RunAudio): void {
    if (this.#local) return;
    const { history } = this.parts;
    if (!this.#session) {
      const { id, wake, previousRunId } = this.run;
      const { site, area } = this.parts;
      const wakeWord = wake?.wakeWord ?? null;
      const follow = previousRunId ? { previousRunId } : {};
      this.#session = this.steps.open({ id, site, area, wakeWord, score: wake?.score ?? null, ...follow });
      void this.#session.answer.then((answer) => this.#conclude(answer));
      this.#origin = Math.max(history.startSample, audio.commandStart);
      this.#sent = this.#origin;
    }
    const end = history.endSample;
    if (end > this.#sent) this.#session.send(history.read(this.#sent, end));
    this.#sent = Math.max(this.#sent, end);
  }

  /**
   * At the endpoint: `stt-vad-end`, the cut to the base, then the run ends with its answer.
   * Resolves false when the run is this board's to transcribe (the local fallback).
   */
  async finish(end: CommandEnd, audio: RunAudio): Promise<boolean> {
    if (this.#local) return false;
    const session = this.#session;
    if (!session) {
      this.run.end("no-speech");
      return true;
    }
    const endSample = Math.min(audio.endSampleOf(end), this.#sent);
    this.parts.bus.emit({ type: "stt-vad-end", runId: this.run.id, audioMs: samplesToMs(endSample) });
    this.endAnnounced = true;
    const from = Math.max(0, audio.commandStart - this.#origin);
    this.#finished = true;
    session.end({ from, to: Math.max(from + 1, endSample - this.#origin) });
    await session.answer;
    return !this.#local;
  }

  /** The base's answer (or why none) ends the run, wherever it is: a refusal ends it mid-command. */
  #conclude(answer: RemoteAnswer): void {
    this.#finished = true;
    if (this.run.isEnded) return;
    if ("error" in answer) {
      const { code, message } = answer.error;
      if (this.parts.localFallback && FALLBACK_CODES.has(code)) {
        this.#local = true;
        this.parts.logger.warn(
          { runId: this.run.id, code, reason: message },
          "the base cannot take this command: transcribing here (satellite.fallback: local)",
        );
        return;
      }
      this.parts.logger.warn({ runId: this.run.id, code }, message);
      this.parts.bus.emit({ type: "error", runId: this.run.id, code, message });
      this.run.end(answer.outcome);
      return;
    }
    const afterCommand = CARRIED_OUT.has(answer.outcome) ? (this.parts.commandFollowUpSeconds ?? 0) : 0;
    // A question's window first; else this board's own "listen after every command".
    const followUp = answer.followUpSeconds || afterCommand;
    if (followUp > 0) this.run.askFollowUp(followUp);
    this.run.end(answer.outcome, undefined, answer.by);
  }

  /** The run ended before the base answered (no speech, shutdown): the base drops the session. */
  cancel(outcome: RunOutcome): void {
    if (this.#session && !this.#finished) this.#session.cancel(outcome);
    this.#finished = true;
  }
}
