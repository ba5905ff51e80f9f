import { randomUUID } from "node:crypto";
import { type AudioFrame, SAMPLE_RATE } from "../audio/format.js";
import { RejectionReporter } from "../events/rejections.js";
import type { PreviousIntent } from "../intent/types.js";
import { realTimer } from "../util/timer.js";
import type { EndpointerSettings } from "../vad/endpointer.js";
import type { WakeDetection } from "../wake/detector.js";
import { ArbitrationGate } from "./arbitration-gate.js";
import { AudioHistory, historySamples } from "./audio-history.js";
import type { PipelineControl } from "./control.js";
import { LagMonitor } from "./lag-monitor.js";
import { Mutex } from "./mutex.js";
import type { PipelineOptions } from "./pipeline-options.js";
import { PipelineRun, type RunParts, type RunTrigger } from "./pipeline-run.js";
import { DEFAULT_RUN_LIMITS } from "./run-limits.js";
import { type SatelliteCommand, satelliteRun } from "./satellite-run.js";
import { TextQueue } from "./text-queue.js";
import { WakeListener } from "./wake-listener.js";

export type { PipelineOptions } from "./pipeline-options.js";

/**
 * The listening state of one site: audio frames -> wake word -> a `PipelineRun` (endpointing,
 * STT, intent, act), with the pipeline events of DESIGN.md on the bus. It keeps what outlives
 * a run (the audio history, mute, wake enable, the follow-up window, the previous run's intent,
 * the mutex that keeps runs and injected text from overlapping, the text queue, the lag
 * monitor) and feeds the run in progress. It is fed one frame at a time and awaits each stage,
 * so input from a file is processed exactly as a microphone's would be, only faster; all
 * timing comes from sample positions.
 */
export class Pipeline implements PipelineControl {
  #history: AudioHistory;
  readonly #mutex = new Mutex();
  readonly #clock: () => number;
  #run: PipelineRun | null = null;
  readonly #wake: WakeListener;
  /** After a question or a confirmation request: the next speech is a run without the wake word. */
  #followUp: { seconds: number; previousRunId?: string } | null = null;
  /** The intent the last run carried out, handed to the next run's intent stage. */
  #previous: PreviousIntent | null = null;
  /** role base: the last intent carried out for each satellite's site. */
  readonly #satellitePrevious = new Map<string, PreviousIntent>();
  readonly #pendingText: TextQueue;
  #textScheduled = false;
  readonly #lag: LagMonitor;
  readonly #rejections: RejectionReporter;
  /** Rooms arbitration (rooms.group): the daemon hands it the MQTT client with `rooms.set()`. */
  readonly rooms = new ArbitrationGate(() => this.#run);

  constructor(private options: PipelineOptions) {
    this.#history = new AudioHistory(historySamples(options));
    this.#clock = options.clock ?? (() => performance.now());
    this.#rejections = new RejectionReporter({ bus: options.bus, site: options.site, clock: this.#clock });
    this.#pendingText = new TextQueue(options.maxPendingText ?? 16, this.#rejections);
    this.#lag = new LagMonitor(options.logger);
    this.#wake = new WakeListener(options.wake, options.logger);
  }

  /**
   * SIGHUP: swaps stages or settings between two frames. A run still listening is aborted (its
   * stages may be the ones being replaced); one past its command's end finishes first (within
   * its steps' time limits), so a reload never loses a command already said; one that only
   * waits for the broker's acknowledgement goes on. The audio history carries over.
   */
  reconfigure(changes: Partial<Omit<PipelineOptions, "bus" | "logger" | "commands">>): Promise<void> {
    return this.#mutex.run(async () => {
      const run = this.#run;
      if (run && !run.listening && !run.settling) await run.ended;
      if (this.#run?.settling) this.#followUp = null;
      else this.abort();
      const before = historySamples(this.options);
      this.options = { ...this.options, ...changes };
      this.#wake.replace(this.options.wake);
      const capacity = historySamples(this.options);
      if (capacity === before) return;
      const previous = this.#history;
      this.#history = new AudioHistory(capacity);
      this.#history.write(previous.read(previous.startSample, previous.endSample), previous.startSample);
    });
  }

  /** Shutdown: the run in progress ends as `aborted`, and its signal stops its stages' work. */
  abort(): void {
    this.#run?.abort();
    this.#followUp = null;
  }

  /**
   * Listens once without the wake word, as after a question: a ringing timer opens this between
   * two rings so "stop" is heard. Nothing while a run is in progress (it has the microphone).
   */
  openFollowUp(seconds: number): void {
    if (!this.#run) this.#followUp = { seconds };
  }

  /** role base: a satellite's command, run beside this board's own listening (satellite-run.ts). */
  satelliteRun(command: SatelliteCommand): ReturnType<typeof satelliteRun> {
    const { site } = command;
    const parts: RunParts = {
      ...this.#runParts(),
      // Each satellite's conversation is its own: "turn it off" refers to what that room's
      // last command did, never to the base's own or another satellite's.
      previous: this.#satellitePrevious.get(site) ?? null,
      remember: (run, recognized) => {
        this.#satellitePrevious.set(site, {
          runId: run.id,
          intent: recognized,
          wallSeconds: this.#clock() / 1000,
        });
      },
    };
    return satelliteRun(parts, this.options.endpointer, command);
  }

  /**
   * A run is in progress (or waits for the broker's acknowledgement). A real API, not a leftover:
   * a ringing timer waits while the board is busy with a run (`feedback/timer-ringer.ts`, wired in
   * `daemon/timers.ts`), so it never rings over a command; bench/delivery.ts and the mqtt-burst
   * test wait on it for a burst's last run to end.
   */
  get busy(): boolean {
    return this.#run !== null;
  }

  /**
   * Feeds the next frame of input audio; resolves once it is listened to. A run's steps after
   * its command's end (STT, intent, act) go on off the frame path; `finish()` waits for them.
   */
  process(frame: AudioFrame): Promise<void> {
    // Noted on arrival, before waiting for the mutex: a backlog behind a slow stage is lag.
    this.#lag.arrived(frame.startSample + frame.samples.length, this.#clock());
    return this.#mutex.run(() => this.#process(frame));
  }

  /** The input ended: a command in progress is ended where the audio stops; resolves once the last run ended. */
  async finish(): Promise<void> {
    await this.#mutex.run(async () => {
      const run = this.#run;
      if (run?.listening) await run.finishInput();
    });
    await this.#run?.ended;
  }

  setMuted(muted: boolean): void {
    this.#wake.setMuted(muted);
  }

  isMuted(): boolean {
    return this.#wake.muted;
  }

  setWakeEnabled(enabled: boolean): void {
    this.#wake.setEnabled(enabled);
  }

  /**
   * Text never cancels a run and a run never cancels text: text waits (in order, up to
   * `maxPendingText`) until no run is in progress, and audio frames that arrive meanwhile go
   * first, so a voice command said during a burst of text is heard and acted on. Refused
   * (false, with an `input-rejected` event) when the queue is full.
   */
  injectText(text: string): boolean {
    return this.#queueText(text, () => {});
  }

  /** Runs injected text through intent and output as its own run; resolves when it ended (or was refused). */
  handleText(text: string): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#queueText(text, resolve)) resolve();
    });
  }

  #queueText(text: string, done: () => void): boolean {
    // A satellite without local models understands nothing itself: its base takes text (set/text).
    if (!this.options.intent) {
      this.#rejections.reject("no-intent-stage");
      return false;
    }
    if (!this.#pendingText.push({ text, done })) return false;
    this.#scheduleText();
    return true;
  }

  /** One text per turn of the mutex, so frames queued in between are processed first. */
  #scheduleText(): void {
    if (this.#textScheduled || this.#pendingText.length === 0) return;
    this.#textScheduled = true;
    void this.#mutex.run(async () => {
      this.#textScheduled = false;
      // A run is in progress: its end schedules the text again.
      if (this.#run) return;
      const next = this.#pendingText.shift();
      if (!next) return;
      try {
        const run = this.#newRun("text", null);
        run.announce();
        await run.understand(next.text.trim(), this.#history.endSample / SAMPLE_RATE);
        void run.ended.then(next.done);
      } catch {
        next.done();
      } finally {
        this.#scheduleText();
      }
    });
  }

  async #process(frame: AudioFrame): Promise<void> {
    this.#history.write(frame.samples, frame.startSample);
    this.#lag.processing(frame.startSample + frame.samples.length, this.#clock());
    const gated = this.options.isGated?.() ?? false;
    const detection = await this.#wake.listen(frame, gated);
    const run = this.#run;
    if (run?.listening) {
      if (detection) run.audio?.wakeSaid(detection.wakeWord, detection.endSample);
      return run.feed(frame);
    }
    // Runs never overlap: a wake word while a run transcribes, understands or waits for the
    // broker waits for that run's end.
    if (run && !detection) return;
    if (run) await run.ended;
    // A follow-up window opens once the board has finished speaking: its reply is never the answer.
    if (this.#followUp) return gated ? undefined : this.#startFollowUp(frame);
    if (detection) await this.#startWakeRun(detection, frame);
  }

  async #startWakeRun(detection: WakeDetection, frame: AudioFrame): Promise<void> {
    const { preRollSeconds, endpointer: settings } = this.options;
    const run = this.#newRun("wake-word", { startSample: detection.endSample, settings }, detection);
    run.announce(this.rooms.active);
    this.rooms.claim(run.id, detection, this.#history, this.options.bus);
    await run.audio?.locateCommand(detection.endSample, preRollSeconds, settings);
    // A detector with windows shorter than a frame can fire mid-frame: the rest of it belongs to the command.
    const frameEnd = frame.startSample + frame.samples.length;
    if (detection.endSample < frameEnd) {
      const rest = this.#history.read(detection.endSample, frameEnd);
      await run.feed({ samples: rest, startSample: detection.endSample });
    }
  }

  #startFollowUp(frame: AudioFrame): Promise<void> {
    const { seconds, previousRunId } = this.#followUp ?? { seconds: 0, previousRunId: undefined };
    this.#followUp = null;
    const settings = { ...this.options.endpointer, noSpeechTimeoutSeconds: seconds };
    const listen = { startSample: frame.startSample, settings };
    const run = this.#newRun("follow-up", listen, null, previousRunId);
    this.options.vad.reset();
    run.announce();
    return run.feed(frame);
  }

  #newRun(
    trigger: RunTrigger,
    listen: { startSample: number; settings: EndpointerSettings } | null,
    wake: WakeDetection | null = null,
    previousRunId?: string,
  ): PipelineRun {
    if (trigger === "text") this.#followUp = null;
    this.#lag.startRun();
    const id = this.options.newRunId?.() ?? randomUUID();
    const run = new PipelineRun(this.#runParts(), id, trigger, listen, wake, previousRunId);
    this.#run = run;
    return run;
  }

  /** What a run borrows from the pipeline: the current stages and settings, and the way back. */
  #runParts(): RunParts {
    const options = this.options;
    const { bus, vad, transcriber, intent, speculative, sttPrompt, onRunAudio, logger } = options;
    return {
      ...{ bus, vad, transcriber, intent, speculative, sttPrompt, onRunAudio, logger },
      ...{ site: options.site, area: options.area ?? null, skills: options.skills },
      ...{ beforeAct: this.rooms.act(options.beforeAct), commands: options.commands ?? null },
      ...{ remote: options.remote ?? null, localFallback: options.localFallback ?? false },
      history: this.#history,
      guide: () => intent?.transcriptGuide?.() ?? undefined,
      clock: this.#clock,
      timer: options.timer ?? realTimer,
      lag: this.#lag,
      ackWaitMs: options.ackWaitMs ?? 1000,
      awaitRunSteps: options.awaitRunSteps ?? false,
      limits: options.limits ?? DEFAULT_RUN_LIMITS,
      followUpSeconds: options.followUpSeconds ?? 8,
      commandFollowUpSeconds: options.commandFollowUpSeconds ?? 0,
      previous: this.#previous,
      remember: (run, recognized) => {
        this.#previous = { runId: run.id, intent: recognized, wallSeconds: this.#clock() / 1000 };
        const seconds = options.commandFollowUpSeconds ?? 0;
        if (seconds > 0) this.#followUp = { seconds, previousRunId: run.id };
      },
      openFollowUp: (run, seconds) => {
        this.#followUp = { seconds, previousRunId: run.id };
      },
      ended: (run) => {
        if (this.#run === run) this.#run = null;
        this.#scheduleText();
      },
    };
  }
}
