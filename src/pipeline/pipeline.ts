import { randomUUID } from "node:crypto";
import { type AudioFrame, int16ToFloat32, SAMPLE_RATE, samplesToMs } from "../audio/format.js";
import { describeError, isEdgeVoiceError } from "../errors.js";
import type { EventBus } from "../events/bus.js";
import { RejectionReporter } from "../events/rejections.js";
import type { RunOutcome } from "../events/types.js";
import type { IntentHandler } from "../intent/types.js";
import { guidedFields } from "../stt/guide.js";
import type { Transcriber, Transcript } from "../stt/transcriber.js";
import type { Logger } from "../util/logger.js";
import type { VoiceActivityDetector } from "../vad/detector.js";
import type { EndpointEvent, EndpointerSettings } from "../vad/endpointer.js";
import type { WakeDetection, WakeWordDetector } from "../wake/detector.js";
import type { Arbitration } from "./arbitration.js";
import { ArbitrationGate, CLAIM_AUDIO } from "./arbitration-gate.js";
import { AudioHistory } from "./audio-history.js";
import type { PipelineControl } from "./control.js";
import { deliveryOutcome } from "./delivery.js";
import { LagMonitor } from "./lag-monitor.js";
import { Mutex } from "./mutex.js";
import { findCommandStart } from "./pre-roll.js";
import type { CommandPublisher } from "./publisher.js";
import { historySamples, newRun, type Run } from "./run.js";
import { SpeculativeTranscription } from "./speculative.js";
import { TextQueue } from "./text-queue.js";
import { spokenWakePhrase, stripWakePhrase } from "./wake-phrase.js";
import { WakeTail } from "./wake-tail.js";

export interface PipelineOptions {
  site: string;
  /** The room this board is in (config `area`), handed to the intent stage with each utterance. */
  area?: string | null;
  bus: EventBus;
  wake: WakeWordDetector;
  vad: VoiceActivityDetector;
  transcriber: Transcriber;
  intent: IntentHandler;
  /** Null with `--no-mqtt`: a recognized intent ends the run as `recognized`. */
  commands: CommandPublisher | null;
  /** Boards sharing a broker (rooms.group): a wake word is claimed, and only the winner acts. */
  arbitration?: Arbitration | null;
  endpointer: EndpointerSettings;
  /** Audio kept from before the wake word fired, so a quick command is not clipped. */
  preRollSeconds: number;
  speculative: boolean;
  /** Whisper's vocabulary prompt (device and area names), asked for at each run so it follows the registry. */
  sttPrompt: () => string;
  /** True while the device plays a sound: wake detection is dropped so it never wakes itself. */
  isGated?: () => boolean;
  /** Called with each run's command audio (opt-in debug recordings). */
  onRunAudio?: (runId: string, samples: Int16Array) => void;
  logger: Logger;
  newRunId?: () => string;
  clock?: () => number;
  /** Injected texts that may wait for the site (default 16); more are refused with `input-rejected`. */
  maxPendingText?: number;
  /** How long a run waits for the broker's PUBACK before it ends as `queued` (default 1000 ms). */
  ackWaitMs?: number;
}

/**
 * The run orchestrator: audio frames -> wake word -> endpointing -> STT -> intent ->
 * command output, with the pipeline events of DESIGN.md on the bus. It is fed one frame
 * at a time and awaits each stage, so input from a file is processed exactly as a
 * microphone's would be, only faster; all timing comes from sample positions.
 */
export class Pipeline implements PipelineControl {
  #history: AudioHistory;
  #speculative: SpeculativeTranscription;
  readonly #mutex = new Mutex();
  readonly #clock: () => number;
  #run: Run | null = null;
  #muted = false;
  #wakeEnabled = true;
  #wakeNeedsReset = false;
  #followUp: { seconds: number } | null = null;
  #commands: CommandPublisher | null;
  readonly #pendingText: TextQueue;
  #textScheduled = false;
  readonly #lag: LagMonitor;
  readonly #gate: ArbitrationGate;

  constructor(private options: PipelineOptions) {
    this.#history = new AudioHistory(historySamples(options));
    this.#speculative = new SpeculativeTranscription(options.transcriber);
    this.#clock = options.clock ?? (() => performance.now());
    this.#commands = options.commands;
    const rejections = new RejectionReporter({ bus: options.bus, site: options.site, clock: this.#clock });
    this.#pendingText = new TextQueue(options.maxPendingText ?? 16, rejections);
    this.#lag = new LagMonitor(options.logger);
    this.#gate = new ArbitrationGate(options.bus, options.arbitration ?? null);
  }

  /** Wires arbitration once its MQTT client exists (null: this board answers alone). */
  setArbitration(arbitration: Arbitration | null): void {
    this.#gate.set(arbitration);
  }

  /** Wires command output once MQTT is up (MQTT needs the pipeline first, as its control target). */
  setCommandPublisher(commands: CommandPublisher | null): void {
    this.#commands = commands;
  }

  /**
   * SIGHUP: swaps stages or settings between two frames. A run in progress is aborted
   * (its stages may be the ones being replaced); the audio history carries over.
   */
  reconfigure(changes: Partial<Omit<PipelineOptions, "bus" | "logger" | "commands">>): Promise<void> {
    return this.#mutex.run(async () => {
      this.abort();
      const before = historySamples(this.options);
      this.options = { ...this.options, ...changes };
      this.#speculative = new SpeculativeTranscription(this.options.transcriber);
      this.#wakeNeedsReset = true;
      const capacity = historySamples(this.options);
      if (capacity === before) return;
      const previous = this.#history;
      this.#history = new AudioHistory(capacity);
      this.#history.write(previous.read(previous.startSample, previous.endSample), previous.startSample);
    });
  }

  /** Shutdown: the run in progress ends as `aborted` without running its remaining stages. */
  abort(): void {
    this.#speculative.cancel();
    if (this.#run) this.#endRun(this.#run, "aborted");
    this.#followUp = null;
  }

  get busy(): boolean {
    return this.#run !== null;
  }

  /** Feeds the next frame of input audio; resolves when every stage it triggered is done. */
  process(frame: AudioFrame): Promise<void> {
    // Noted on arrival, before waiting for the mutex: a backlog behind a slow stage is lag.
    this.#lag.arrived(frame.startSample + frame.samples.length, this.#clock());
    return this.#mutex.run(() => this.#process(frame));
  }

  /** The input ended: a command in progress is ended where the audio stops. */
  finish(): Promise<void> {
    return this.#mutex.run(async () => {
      const run = this.#run;
      if (!run) return;
      const seconds = (this.#history.endSample - run.startSample) / SAMPLE_RATE;
      if (run.speechStarted) await this.#onEndpoint(run, { type: "end", seconds, reason: "silence" });
      else this.#endRun(run, "no-speech");
    });
  }

  setMuted(muted: boolean): void {
    if (muted === this.#muted) return;
    this.#muted = muted;
    this.#wakeNeedsReset = true;
    this.options.logger.info({ muted }, muted ? "muted" : "unmuted");
  }

  isMuted(): boolean {
    return this.#muted;
  }

  setWakeEnabled(enabled: boolean): void {
    this.#wakeEnabled = enabled;
    this.#wakeNeedsReset = true;
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
        await this.#handleText(next.text);
      } finally {
        next.done();
        this.#scheduleText();
      }
    });
  }

  async #process(frame: AudioFrame): Promise<void> {
    this.#history.write(frame.samples, frame.startSample);
    this.#lag.processing(frame.startSample + frame.samples.length, this.#clock());
    const detection = await this.#listenForWakeWord(frame);
    if (this.#run && this.#gate.lost(this.#run.id)) this.#endRun(this.#run, "lost-arbitration");
    if (this.#run) return this.#feedRun(this.#run, frame);
    if (this.#followUp) return this.#startFollowUp(frame);
    if (detection) await this.#startWakeRun(detection, frame);
  }

  /**
   * The detector hears every frame, runs included (its detections are ignored then): it
   * needs ~1.3 s of context and drops its first scores after a reset, so a detector left
   * unfed during a run would miss a wake word said right after it. Only muting, the Hermes
   * toggle or playback pause it, and it starts afresh after such a gap.
   */
  async #listenForWakeWord(frame: AudioFrame): Promise<WakeDetection | null> {
    if (this.#muted || !this.#wakeEnabled || this.options.isGated?.()) {
      this.#wakeNeedsReset = true;
      return null;
    }
    if (this.#wakeNeedsReset) {
      this.options.wake.reset();
      this.#wakeNeedsReset = false;
    }
    return this.options.wake.process(frame);
  }

  async #startWakeRun(detection: WakeDetection, frame: AudioFrame): Promise<void> {
    const { bus, site, vad, preRollSeconds, endpointer } = this.options;
    const run = this.#newRun("wake-word", detection.endSample, endpointer);
    run.wakeWord = detection.wakeWord;
    bus.emit({ type: "run-start", runId: run.id, site, trigger: "wake-word" });
    bus.emit({
      type: "wake_word-end",
      runId: run.id,
      wakeWord: detection.wakeWord,
      score: detection.score,
      audioMs: samplesToMs(detection.endSample),
    });
    this.#gate.claim(
      run.id,
      detection,
      this.#history.read(detection.endSample - CLAIM_AUDIO, detection.endSample),
    );
    const preRollStart = Math.max(
      this.#history.startSample,
      detection.endSample - preRollSeconds * SAMPLE_RATE,
    );
    const found = await findCommandStart(vad, this.#history, preRollStart, detection.endSample, endpointer);
    run.commandStart = found.start;
    // Audio that holds the whole wake phrase needs no trimming; otherwise a pause just after
    // the detection may still show where the wake word's tail ended.
    if (found.withWakePhrase) run.wakePhrase = spokenWakePhrase(detection.wakeWord);
    else run.tail = new WakeTail(detection.endSample, endpointer.endThreshold);
    // A detector with windows shorter than a frame can fire mid-frame: the rest of it belongs to the command.
    const frameEnd = frame.startSample + frame.samples.length;
    if (detection.endSample < frameEnd) {
      const rest = this.#history.read(detection.endSample, frameEnd);
      await this.#feedRun(run, { samples: rest, startSample: detection.endSample });
    }
  }

  #startFollowUp(frame: AudioFrame): Promise<void> {
    const window = this.#followUp?.seconds ?? 0;
    this.#followUp = null;
    const settings = { ...this.options.endpointer, noSpeechTimeoutSeconds: window };
    const run = this.#newRun("follow-up", frame.startSample, settings);
    this.options.vad.reset();
    this.options.bus.emit({
      type: "run-start",
      runId: run.id,
      site: this.options.site,
      trigger: "follow-up",
    });
    return this.#feedRun(run, frame);
  }

  #newRun(trigger: Run["trigger"], startSample: number, settings: EndpointerSettings): Run {
    this.#lag.startRun();
    const id = this.options.newRunId?.() ?? randomUUID();
    const run = newRun(id, trigger, startSample, this.#clock(), settings);
    this.#run = run;
    return run;
  }

  async #feedRun(run: Run, frame: AudioFrame): Promise<void> {
    const windows = await this.options.vad.process(frame);
    for (const window of windows) {
      this.#checkWhole(run);
      if (run.tail) run.commandStart = run.tail.feed(window, run.commandStart);
      const seconds = (window.endSample - run.startSample) / SAMPLE_RATE;
      for (const event of run.endpointer.feed(seconds, window.probability)) {
        await this.#onEndpointEvent(run, event);
        if (this.#run !== run) return;
      }
    }
  }

  async #onEndpointEvent(run: Run, event: EndpointEvent): Promise<void> {
    const { bus, speculative } = this.options;
    const position = run.startSample + Math.round(event.seconds * SAMPLE_RATE);
    switch (event.type) {
      case "speech-start":
        run.speechStarted = true;
        bus.emit({ type: "stt-vad-start", runId: run.id, audioMs: samplesToMs(position) });
        return;
      case "silence-start":
        run.speechEndSample = position;
        if (speculative) this.#startSpeculative(run, position);
        return;
      case "speech-resume":
        run.speechEndSample = 0;
        this.#speculative.cancel();
        return;
      case "no-speech":
        this.#endRun(run, "no-speech");
        return;
      case "end":
        return this.#onEndpoint(run, event);
    }
  }

  /**
   * During the trailing silence: once the speculative transcript is a confident command of
   * the home's sentences that nothing meaningful can follow, the endpoint may come after
   * vad.early_endpoint_seconds instead of the whole trailing silence. A pause inside a
   * command ("set the lamp to ... forty percent") is never whole, so it is never cut.
   */
  #checkWhole(run: Run): void {
    if (run.speechEndSample <= 0) return;
    const transcript = this.#speculative.settled(run.speechEndSample);
    if (!transcript || !isConfidentCommand(transcript)) return;
    if (this.#guide()?.isWhole(transcript.text)) run.endpointer.markComplete();
  }

  #startSpeculative(run: Run, speechEnd: number): void {
    const audio = int16ToFloat32(this.#history.read(run.commandStart, speechEnd));
    this.#speculative.start(audio, speechEnd, this.#promptFor(run), this.#guide());
  }

  /** The home's sentences for guided decoding (the intent stage's, current with the registry); none without templates. */
  #guide() {
    return this.options.intent.transcriptGuide?.() ?? undefined;
  }

  /**
   * Whisper's prompt is the text said before the audio: when the audio starts with the wake
   * phrase, naming it there makes Whisper hear "Hey Jarvis, turn on ..." instead of other words.
   * With a comma, not a full stop: after "Hey Jarvis." Whisper sometimes wrote only "Hey Jarvis."
   * and stopped, dropping the command.
   */
  #promptFor(run: Run): string {
    const vocabulary = this.options.sttPrompt();
    return run.wakePhrase ? [`${run.wakePhrase},`, vocabulary].filter(Boolean).join(" ") : vocabulary;
  }

  async #onEndpoint(run: Run, event: Extract<EndpointEvent, { type: "end" }>): Promise<void> {
    const { bus, transcriber } = this.options;
    const endSample = run.startSample + Math.round(event.seconds * SAMPLE_RATE);
    const endpointAt = this.#clock();
    bus.emit({ type: "stt-vad-end", runId: run.id, audioMs: samplesToMs(endSample) });
    const audio = this.#history.read(run.commandStart, endSample);
    this.options.onRunAudio?.(run.id, audio);
    bus.emit({ type: "stt-start", runId: run.id, audioMs: samplesToMs(audio.length) });
    let transcript: Transcript;
    try {
      const early = event.reason !== "max-length" ? this.#speculative.take(run.speechEndSample) : null;
      this.#speculative.cancel();
      const guide = this.#guide();
      transcript =
        (await early) ??
        (await transcriber.transcribe(int16ToFloat32(audio), {
          prompt: this.#promptFor(run),
          ...(guide ? { guide } : {}),
        }));
    } catch (error) {
      return this.#failRun(run, error, "stt-failed");
    }
    const ms = Math.round(this.#clock() - endpointAt);
    bus.emit({
      type: "stt-end",
      runId: run.id,
      text: transcript.text,
      language: transcript.language,
      ms,
      sttMs: Math.round(transcript.encodeMs + transcript.decodeMs),
      confidence: Math.round(Math.exp(transcript.avgLogprob) * 1000) / 1000,
      ...guidedFields(transcript),
    });
    const text = stripWakePhrase(transcript.text, run.wakeWord);
    if (!text) return this.#endRun(run, "no-speech");
    if (!(await this.#gate.mayAct(run.id))) return this.#endRun(run, "lost-arbitration");
    await this.#understand(run, text, endSample / SAMPLE_RATE);
  }

  async #handleText(text: string): Promise<void> {
    this.#followUp = null;
    const run = this.#newRun("text", this.#history.endSample, this.options.endpointer);
    this.options.bus.emit({ type: "run-start", runId: run.id, site: this.options.site, trigger: "text" });
    await this.#understand(run, text.trim(), this.#history.endSample / SAMPLE_RATE);
  }

  async #understand(run: Run, text: string, nowSeconds: number): Promise<void> {
    const { bus, intent, site } = this.options;
    const commands = this.#commands;
    bus.emit({ type: "intent-start", runId: run.id });
    try {
      const decision = await intent.handle(text, {
        runId: run.id,
        site,
        area: this.options.area ?? null,
        origin: run.trigger === "text" ? "text" : "voice",
        nowSeconds,
        wallSeconds: this.#clock() / 1000,
      });
      if (decision.kind === "reject") {
        const { reason, intent: rejected } = decision;
        bus.emit({
          type: "intent-rejected",
          runId: run.id,
          reason,
          intent: rejected?.intent,
          targets: rejected?.targets,
        });
        if (reason === "needs-confirmation") this.#followUp = { seconds: decision.confirmWindowSeconds ?? 8 };
        return this.#endRun(run, "rejected");
      }
      const { intent: recognized, ms } = decision;
      const { intent: name, targets, slots, source, confidence } = recognized;
      bus.emit({ type: "intent-end", runId: run.id, intent: name, targets, slots, source, ms, confidence });
      if (!commands) return this.#endRun(run, "recognized");
      const result = await commands.publishCommand(recognized, { runId: run.id, site });
      const outcome = await deliveryOutcome(result, this.options.ackWaitMs ?? 1000);
      // Felt latency: from the last speech sample (on the audio clock) to the acknowledgement.
      const spoken = run.trigger !== "text" && outcome === "published";
      const lastSpeech = run.speechEndSample || this.#history.endSample;
      this.#endRun(run, outcome, spoken ? this.#lag.feltMs(lastSpeech, this.#clock()) : undefined);
    } catch (error) {
      this.#failRun(run, error, "intent-failed");
    }
  }

  #failRun(run: Run, error: unknown, fallbackCode: string): void {
    const code = isEdgeVoiceError(error) ? error.code : fallbackCode;
    this.options.logger.error({ runId: run.id, code, err: error }, "run failed");
    this.options.bus.emit({ type: "error", runId: run.id, code, message: describeError(error) });
    this.#endRun(run, "error");
  }

  #endRun(run: Run, outcome: RunOutcome, feltMs?: number): void {
    if (this.#run !== run) return;
    this.#speculative.cancel();
    this.#run = null;
    this.#gate.forget(run.id);
    const ms = Math.round(this.#clock() - run.startedAt);
    const lagMs = run.trigger === "text" ? undefined : this.#lag.runLagMs;
    this.options.bus.emit({ type: "run-end", runId: run.id, outcome, ms, feltMs, lagMs });
    this.#scheduleText();
  }
}

/**
 * The chosen text is a command the templates read (as Whisper wrote it, or the grammar's
 * sentence that cleared its thresholds) and Whisper was sure of it: the fixture commands
 * it hears right score -0.17 to -0.5 per token.
 */
const WHOLE_MIN_SCORE = -0.5;

function isConfidentCommand(transcript: Transcript): boolean {
  const { guided } = transcript;
  if (!guided) return false;
  if (guided.why === "understood") return transcript.avgLogprob >= WHOLE_MIN_SCORE;
  return guided.why === "accepted" && (guided.score ?? Number.NEGATIVE_INFINITY) >= WHOLE_MIN_SCORE;
}
