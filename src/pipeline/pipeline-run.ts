import { type AudioFrame, SAMPLE_RATE } from "../audio/format.js";
import type { RunOutcome } from "../events/types.js";
import type { IntentContext, IntentHandler, PreviousIntent, RecognizedIntent } from "../intent/types.js";
import type { Logger } from "../util/logger.js";
import type { StartTimer } from "../util/timer.js";
import type { EndpointerSettings } from "../vad/endpointer.js";
import type { WakeDetection } from "../wake/detector.js";
import { deliveryOutcome } from "./delivery.js";
import type { LagMonitor } from "./lag-monitor.js";
import type { CommandPublisher, CommandResult } from "./publisher.js";
import { type CommandEnd, RunAudio, type RunAudioParts } from "./run-audio.js";
import { intentEndEvent, startEvents, stepFailure } from "./run-events.js";
import { type RunLimits, timeLimit } from "./run-limits.js";
import type { LocalSkills } from "./skills.js";

export type RunTrigger = "wake-word" | "text" | "follow-up" | "satellite";

/**
 * Awaited by a run between understanding and acting: "act" carries the intent out, "skip"
 * ends the run as `lost-arbitration` without a command (another board in the rooms group
 * answers). It runs inside the intent step's time limit and may watch `run.signal`.
 */
export type BeforeAct = (run: PipelineRun, intent: RecognizedIntent) => Promise<"act" | "skip">;

/** What a run borrows from its pipeline: a snapshot taken when the run starts. */
export interface RunParts extends RunAudioParts {
  site: string;
  area: string | null;
  /** Null on a satellite without local models (it never understands text itself). */
  intent: IntentHandler | null;
  commands: CommandPublisher | null;
  skills?: LocalSkills;
  beforeAct?: BeforeAct;
  ackWaitMs: number;
  limits: RunLimits;
  /** Frames wait for the steps after the command's end (input faster than real time). */
  awaitRunSteps: boolean;
  /** How long a follow-up window a skill's question opens. */
  followUpSeconds: number;
  /** conversation.follow_up_seconds: a satellite opens it after the base carried a command out (a local run: `remember`). */
  commandFollowUpSeconds?: number;
  timer: StartTimer;
  lag: LagMonitor;
  logger: Logger;
  /** The intent the site's previous run carried out (for "it", "too" in this one). */
  previous: PreviousIntent | null;
  /** The pipeline's side: the run carried an intent out, wants a follow-up window, or ended. */
  remember(run: PipelineRun, intent: RecognizedIntent): void;
  openFollowUp(run: PipelineRun, seconds: number): void;
  ended(run: PipelineRun): void;
}

/**
 * One utterance, from its trigger (wake word, follow-up window, injected text) to its
 * `run-end`, as Home Assistant's assist_pipeline runs it: steps that each emit their start
 * and end events (`stt()` via its RunAudio, `understand()`, then the act step inside it), one
 * AbortController whose signal reaches Whisper, the intent stage and local skills, and a time
 * limit per step that ends the run as `timeout`. The pipeline feeds it frames and keeps
 * the listening state; the run never reads a clock of its own (both are injected).
 */
export class PipelineRun {
  readonly startedAt: number;
  /** The spoken run's endpointer, wake tail and speculative pass; null for injected text. */
  readonly audio: RunAudio | null;
  readonly #controller = new AbortController();
  /** Rejects once the run is aborted (shutdown, reconfigure, a time limit): a stage that ignores its signal cannot hold the run. */
  readonly #aborted: Promise<never>;
  #ended = false;
  #resolveEnded: (outcome: RunOutcome) => void = () => {};
  /** Resolves with the outcome once `run-end` was emitted. */
  readonly ended: Promise<RunOutcome>;
  /** While the act step waits for the broker's acknowledgement: the run needs no more frames. */
  settling: Promise<void> | null = null;
  /** From the command's end: STT, intent and act, running off the frame path. */
  #afterEnd: Promise<void> | null = null;

  constructor(
    private readonly parts: RunParts,
    readonly id: string,
    readonly trigger: RunTrigger,
    /** A spoken run's start on the audio clock and endpointing settings; null for injected text. */
    listen: { startSample: number; settings: EndpointerSettings } | null,
    readonly wake: WakeDetection | null = null,
    /** A follow-up's: the run whose question or confirmation it answers. */
    readonly previousRunId?: string,
  ) {
    this.startedAt = parts.clock();
    const { startSample, settings } = listen ?? { startSample: 0, settings: null };
    this.audio = settings
      ? new RunAudio(parts, id, startSample, settings, this.#controller.signal, wake?.wakeWord, this)
      : null;
    // Input read as fast as it comes ends on frames only: its frames wait for the steps.
    if (!parts.awaitRunSteps)
      this.audio?.endsBetweenFrames((end) => {
        if (this.listening) this.#afterEnd = this.#afterEndpoint(end);
      });
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
    const { signal } = this.#controller;
    this.#aborted = new Promise<never>((_, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
    this.#aborted.catch(() => {});
  }

  /** Aborted when the run is (shutdown, SIGHUP, a time limit); handed to every stage. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get isEnded(): boolean {
    return this.#ended;
  }

  /** A spoken run still endpointing: it takes frames. After the command's end it needs none. */
  get listening(): boolean {
    return this.audio !== null && !this.#ended && this.#afterEnd === null;
  }

  /** `run-start`, and `wake_word-end` for a wake word's run (`arbitrated`: claimed in a rooms group). */
  announce(arbitrated = false): void {
    for (const event of startEvents(this, this.parts.site, arbitrated)) this.parts.bus.emit(event);
  }

  /**
   * A frame for a spoken run: endpointing, then (at the command's end) the remaining steps,
   * started without being awaited: the pipeline goes on writing frames to its history and
   * listening while Whisper works (in its thread), instead of letting them queue behind it
   * (measured: 1.5-4 s behind the microphone after each command on a busy 2-core box).
   */
  async feed(frame: AudioFrame): Promise<void> {
    if (!this.listening) return;
    const end = await (this.audio as RunAudio).feed(frame);
    if (!end) return;
    if (end.type === "no-speech") return this.end("no-speech");
    this.#afterEnd = this.#afterEndpoint(end);
    if (this.parts.awaitRunSteps) await this.#afterEnd;
  }

  /** The input ended: a command in progress ends where the audio stops. */
  async finishInput(): Promise<void> {
    if (!this.listening) return;
    const end = this.audio?.endHere();
    if (end) this.#afterEnd = this.#afterEndpoint(end);
    else this.end("no-speech");
  }

  async #afterEndpoint(end: CommandEnd): Promise<void> {
    const audio = this.audio as RunAudio;
    // A satellite's base answers, unless it is gone and this board falls back (satellite.fallback).
    if (audio.remote && (await audio.remote.finish(end, audio))) return;
    const text = await this.stt(end);
    if (text === null) return;
    if (text) return this.understand(text, audio.endSampleOf(end) / SAMPLE_RATE);
    // Nothing safe to act on, but a sentence to ask about (an "off" Whisper wrote by a hair
    // over "on"): the intent stage asks it back, as it does a guess.
    if (this.#question()) return this.understand("", audio.endSampleOf(end) / SAMPLE_RATE);
    // Words heard but none safe to act on: "sorry, I didn't get that", not silence.
    if (!audio.heardUnsure) return this.end("no-speech");
    this.parts.bus.emit({ type: "intent-rejected", runId: this.id, reason: "not-recognized" });
    this.end("rejected");
  }

  /** The STT step (RunAudio.transcribe) under stt.timeout_seconds; null when the run ended instead. */
  async stt(end: CommandEnd): Promise<string | null> {
    const audio = this.audio as RunAudio;
    const limit = timeLimit("stt", this.parts.limits);
    return this.#step(limit, "stt-failed", () => audio.transcribe(end));
  }

  /**
   * The intent step: `intent-start`, then the intent stage's decision (`intent-rejected`
   * ends the run), then the act step, all under intent.timeout_seconds. `nowSeconds`: the
   * audio clock at the command's end.
   */
  async understand(text: string, nowSeconds: number): Promise<void> {
    const { bus, intent, site, area, previous, clock } = this.parts;
    await this.#step(timeLimit("intent", this.parts.limits), "intent-failed", async () => {
      if (!intent)
        throw new Error("this board loads no intent stage (role satellite, satellite.fallback: none)");
      bus.emit({ type: "intent-start", runId: this.id });
      const decision = await intent.handle(text, {
        runId: this.id,
        site,
        area,
        origin: this.trigger === "text" ? "text" : "voice",
        nowSeconds,
        wallSeconds: clock() / 1000,
        signal: this.signal,
        ...(previous ? { previous } : {}),
        ...this.#question(),
      });
      this.signal.throwIfAborted();
      if (decision.kind === "execute") return this.#act(decision.intent, decision.ms);
      const { reason, intent: rejected } = decision;
      bus.emit({
        type: "intent-rejected",
        runId: this.id,
        reason,
        intent: rejected?.intent,
        targets: rejected?.targets,
        ...(rejected?.slots ? { slots: rejected.slots } : {}),
        ...(decision.guessed ? { guessed: decision.guessed } : {}),
        ...(decision.alternatives?.length ? { alternatives: decision.alternatives } : {}),
      });
      if (reason === "needs-confirmation") this.parts.openFollowUp(this, decision.confirmWindowSeconds ?? 8);
      this.end("rejected");
    });
  }

  /**
   * The question speech to text left (a guess, or a text it doubts), the other names and
   * requests it offers, and how the board's skills judge whether a yes would do anything.
   * Never in a follow-up window: a person there may not be speaking to the board at all
   * ("thanks"), and a question about a guess nobody asked for is noise.
   */
  #question(): Pick<IntentContext, "askBack" | "otherNames" | "otherRequests" | "wouldAct"> | null {
    const { askBack: guess, otherNames = [], otherRequests = [] } = this.audio ?? {};
    if (!guess || this.trigger === "follow-up") return null;
    const { skills, site } = this.parts;
    const wouldAct = skills?.wouldAct?.bind(skills);
    return {
      askBack: guess,
      ...(otherNames.length > 0 ? { otherNames } : {}),
      ...(otherRequests.length > 0 ? { otherRequests } : {}),
      ...(wouldAct ? { wouldAct: (intent) => wouldAct(intent, site) } : {}),
    };
  }

  /**
   * The act step: `beforeAct` may skip it; a local skill carries the intent out (its reply on
   * `intent-end.speech`, `answered`), or the command goes to the publisher, whose broker
   * acknowledgement the run then awaits in `settling`, off the frame path.
   */
  async #act(intent: RecognizedIntent, ms: number): Promise<void> {
    const { bus, site, area, commands, skills, beforeAct } = this.parts;
    if (beforeAct && (await beforeAct(this, intent)) === "skip") return this.end("lost-arbitration");
    this.signal.throwIfAborted();
    if (skills?.handles(intent)) {
      const answer = await skills.perform(intent, { runId: this.id, site, area, signal: this.signal });
      this.signal.throwIfAborted();
      bus.emit(intentEndEvent(this.id, intent, ms, answer.speech));
      this.parts.remember(this, intent);
      if (answer.expectsReply) this.parts.openFollowUp(this, this.parts.followUpSeconds);
      return this.end("answered");
    }
    bus.emit(intentEndEvent(this.id, intent, ms));
    this.parts.remember(this, intent);
    if (!commands) return this.end("recognized");
    this.#settle(await commands.publishCommand(intent, { runId: this.id, site }));
  }

  /** Waits (up to ackWaitMs) for the broker's PUBACK without holding up the pipeline's frames. */
  #settle(result: CommandResult): void {
    const { ackWaitMs, timer, lag, clock, history } = this.parts;
    // Felt latency: from the last speech sample (on the audio clock) to the acknowledgement.
    const lastSpeech = this.audio?.speechEndSample || history.endSample;
    this.settling = deliveryOutcome(result, ackWaitMs, timer).then(
      (outcome) => {
        const spoken = this.trigger !== "text" && outcome === "published";
        this.end(outcome, spoken ? lag.feltMs(lastSpeech, clock()) : undefined);
      },
      (error) => this.#fail(error, "intent-failed"),
    );
  }

  /** A satellite's base asked a question: the pipeline listens without the wake word after this run. */
  askFollowUp(seconds: number): void {
    this.parts.openFollowUp(this, seconds);
  }

  /** Shutdown, reconfigure: the run ends as `aborted` and its stages stop their work. */
  abort(): void {
    this.end("aborted");
  }

  end(outcome: RunOutcome, feltMs?: number, answeredBy?: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.audio?.cancel(outcome);
    // Aborted, or lost to another board: its stages stop their work (Whisper, the LLM, a skill).
    if (outcome === "aborted" || outcome === "lost-arbitration")
      this.#controller.abort(new Error(`run ${outcome}`));
    const { bus, clock, lag } = this.parts;
    this.parts.ended(this);
    const ms = Math.round(clock() - this.startedAt);
    const lagMs = this.trigger === "text" ? undefined : lag.runLagMs;
    bus.emit({ type: "run-end", runId: this.id, outcome, ms, feltMs, lagMs, answeredBy });
    this.#resolveEnded(outcome);
  }

  /**
   * Runs one step under its time limit: past it the run's signal aborts (the stage stops its
   * work) and the run ends as `timeout` with an `error` event; a stage that fails ends it as
   * `error`. Null when the run ended instead of the step.
   */
  async #step<T>(limit: ReturnType<typeof timeLimit>, failCode: string, work: () => Promise<T>) {
    const cancel = this.parts.timer(limit.ms, () => this.#controller.abort(limit.error()));
    try {
      return await Promise.race([work(), this.#aborted]);
    } catch (error) {
      this.#fail(error, failCode);
      return null;
    } finally {
      cancel();
    }
  }

  #fail(error: unknown, fallbackCode: string): void {
    if (this.#ended) return; // aborted: nothing more to say
    const { code, message, timedOut } = stepFailure(this.signal, error, fallbackCode);
    const fields = { runId: this.id, code, ...(timedOut ? {} : { err: error }) };
    if (timedOut) this.parts.logger.warn(fields, message);
    else this.parts.logger.error(fields, "run failed");
    this.parts.bus.emit({ type: "error", runId: this.id, code, message });
    this.end(timedOut ? "timeout" : "error");
  }
}
