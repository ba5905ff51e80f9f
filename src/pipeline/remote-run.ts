import { samplesToMs } from "../audio/format.js";
import type { EventBus } from "../events/bus.js";
import type { RunOutcome } from "../events/types.js";
import type { Logger } from "../util/logger.js";
import type { WakeDetection } from "../wake/detector.js";
import type { AudioHistory } from "./audio-history.js";
import type { RemoteAnswer, RemoteSession, RemoteSteps } from "./remote.js";
import type { CommandEnd, RunAudio } from "./run-audio.js";

/** What a satellite's stream needs of its run (kept small so pipeline-run.ts only calls in). */
export interface RunSide {
  readonly id: string;
  readonly wake: WakeDetection | null;
  readonly isEnded: boolean;
  end(outcome: RunOutcome, feltMs?: number, answeredBy?: string): void;
}

interface Parts {
  bus: EventBus;
  history: AudioHistory;
  site: string;
  area: string | null;
  logger: Logger;
}

/**
 * A satellite's spoken run after its wake word: each frame's new audio (the pre-roll from the
 * command's start first) goes to the base as it is heard, and at the endpoint the cut of the
 * command; the base's answer ends the run with the base run's outcome, or with `error` /
 * `timeout` and an `error` event when the base is gone, refused or silent. Never hangs: the
 * session's `finish` resolves within satellite.answer_timeout_seconds.
 */
export class RemoteRun {
  #session: RemoteSession | null = null;
  /** Stream positions: the first sample sent, and one past the last. */
  #origin = 0;
  #sent = 0;
  #finished = false;

  constructor(
    private readonly steps: RemoteSteps,
    private readonly run: RunSide,
    private readonly parts: Parts,
  ) {}

  /** Sends what the history holds past what was sent (called before each frame's endpointing). */
  send(audio: RunAudio): void {
    const { history } = this.parts;
    if (!this.#session) {
      const { id, wake } = this.run;
      const { site, area } = this.parts;
      const wakeWord = wake?.wakeWord ?? null;
      this.#session = this.steps.open({ id, site, area, wakeWord, score: wake?.score ?? null });
      void this.#session.answer.then((answer) => this.#conclude(answer));
      this.#origin = Math.max(history.startSample, audio.commandStart);
      this.#sent = this.#origin;
    }
    const end = history.endSample;
    if (end > this.#sent) this.#session.send(history.read(this.#sent, end));
    this.#sent = Math.max(this.#sent, end);
  }

  /** At the endpoint: `stt-vad-end`, the cut to the base, then the run ends with its answer. */
  async finish(end: CommandEnd, audio: RunAudio): Promise<void> {
    const session = this.#session;
    if (!session) return this.run.end("no-speech");
    const endSample = Math.min(audio.endSampleOf(end), this.#sent);
    this.parts.bus.emit({ type: "stt-vad-end", runId: this.run.id, audioMs: samplesToMs(endSample) });
    const from = Math.max(0, audio.commandStart - this.#origin);
    this.#finished = true;
    session.end({ from, to: Math.max(from + 1, endSample - this.#origin) });
    await session.answer;
  }

  /** The base's answer (or why none) ends the run, wherever it is: a refusal ends it mid-command. */
  #conclude(answer: RemoteAnswer): void {
    this.#finished = true;
    if (this.run.isEnded) return;
    if ("error" in answer) {
      const { code, message } = answer.error;
      this.parts.logger.warn({ runId: this.run.id, code }, message);
      this.parts.bus.emit({ type: "error", runId: this.run.id, code, message });
      this.run.end(answer.outcome);
    } else this.run.end(answer.outcome, undefined, answer.by);
  }

  /** The run ended before the base answered (no speech, shutdown): the base drops the session. */
  cancel(outcome: RunOutcome): void {
    if (this.#session && !this.#finished) this.#session.cancel(outcome);
    this.#finished = true;
  }
}
