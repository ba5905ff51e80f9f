import { type AudioFrame, int16ToFloat32, SAMPLE_RATE, samplesToMs } from "../audio/format.js";
import type { EventBus } from "../events/bus.js";
import type { RunOutcome } from "../events/types.js";
import { droppedAsUnsure, type TranscriptGuide } from "../stt/guide.js";
import { guidedFields } from "../stt/guided-fields.js";
import type { TranscribeOptions, Transcriber } from "../stt/transcriber.js";
import type { Logger } from "../util/logger.js";
import type { VoiceActivityDetector } from "../vad/detector.js";
import { type EndpointEvent, Endpointer, type EndpointerSettings } from "../vad/endpointer.js";
import type { AudioHistory } from "./audio-history.js";
import { findCommandStart, startBeforeSpeech, wakeOpensReply } from "./pre-roll.js";
import type { RemoteSteps } from "./remote.js";
import { RemoteRun, type RunSide } from "./remote-run.js";
import { SpeculativeTranscription } from "./speculative.js";
import { spokenWakePhrase, stripWakePhrase, whisperPrompt } from "./wake-phrase.js";
import { WakeTail } from "./wake-tail.js";
import { isConfidentCommand } from "./whole-command.js";

/** What a run's audio side borrows from its pipeline (a snapshot taken when the run starts). */
export interface RunAudioParts {
  bus: EventBus;
  vad: VoiceActivityDetector;
  /** Null on a satellite without local models (the base transcribes). */
  transcriber: Transcriber | null;
  history: AudioHistory;
  speculative: boolean;
  /** Whisper's vocabulary prompt (device and area names). */
  sttPrompt: () => string;
  /** The home's sentences for guided decoding (and whether a text is a whole command); undefined without templates. */
  guide: () => (TranscriptGuide & { isWhole(text: string): boolean }) | undefined;
  onRunAudio?: (runId: string, samples: Int16Array) => void;
  clock: () => number;
  /** role satellite: the command streams to the base, which transcribes and acts (remote-run.ts). */
  remote?: RemoteSteps | null;
  /** role satellite, satellite.fallback local: transcribe here when the base is gone or refuses. */
  localFallback?: boolean;
  site: string;
  area: string | null;
  logger: Logger;
}

export type CommandEnd = Extract<EndpointEvent, { type: "end" }>;

/**
 * The audio side of a spoken run (wake word or follow-up): its endpointer, the wake word's
 * tail, the speculative pass, and where the command starts and ends in the stream. Fed
 * frames by its run until the command ends (or no speech came); then `transcribe` is its
 * speech-to-text step. Timing comes from sample positions only.
 */
export class RunAudio {
  readonly #endpointer: Endpointer;
  readonly #speculative: SpeculativeTranscription | null;
  /** Where the command audio handed to STT begins (includes the pre-roll when speech ran on). */
  commandStart: number;
  /** Until this stream position the command start may still move past the wake word's tail (see wake-tail.ts). */
  #tail: WakeTail | null = null;
  /** The wake phrase as words ("Hey Jarvis") when the command audio begins with it; else null. */
  #wakePhrase: string | null = null;
  /** The pre-roll showed where the wake phrase began: the command audio starts there, not before its speech. */
  #phraseLocated = false;
  speechStarted = false;
  /** Whisper heard words but STT dropped them as too unsure to act on (a 15 / 50, a lock that might be an unlock): say so, not silence. */
  heardUnsure = false;
  /** A guess STT would not act on but the person may be asked about ("did you mean ...?"), wake phrase stripped; null: none. */
  askBack: string | null = null;
  /** The other device names what was heard fits, when `askBack` named one of them by a hair (Transcript.otherNames). */
  otherNames: string[] = [];
  /** Other whole requests what was heard may be, when `askBack` doubted its "on" or "off" (Transcript.otherRequests). */
  otherRequests: string[] = [];
  /** Where the trailing silence began (0 while speech goes on). */
  speechEndSample = 0;
  /** role satellite: this run's stream to the base; null otherwise. */
  readonly remote: RemoteRun | null;
  /** The wake word this run's audio begins with (a wake run's, or one said to open a reply: wakeSaid). */
  #wakeWord: string | undefined;
  /** The command's end was found (by a frame, or when a speculative pass came back between frames). */
  #ended = false;
  /** Told of an end found between frames (see endsBetweenFrames); null: the next frame finds it. */
  #onEndBetweenFrames: ((end: CommandEnd) => void) | null = null;

  constructor(
    private readonly parts: RunAudioParts,
    private readonly runId: string,
    /** Stream position the endpointer's seconds count from (the wake word's end). */
    readonly startSample: number,
    settings: EndpointerSettings,
    /** The run's: aborting it stops Whisper, the speculative pass included. */
    private readonly signal: AbortSignal,
    wakeWord?: string,
    run?: RunSide,
  ) {
    this.#wakeWord = wakeWord;
    this.remote = parts.remote && run ? new RemoteRun(parts.remote, run, parts) : null;
    this.commandStart = startSample;
    this.#endpointer = new Endpointer(settings);
    this.#speculative = parts.transcriber
      ? new SpeculativeTranscription(parts.transcriber, () => this.#passSettled())
      : null;
  }

  /**
   * With a microphone (or --realtime) a speculative pass comes back between frames; when the
   * early endpoint's silence has already passed by then, the command ends at once instead of
   * on the next frame (up to one frame, 80 ms, later). Not registered, the next frame ends it
   * (input read as fast as it comes, where frames wait for the run's steps).
   */
  endsBetweenFrames(listener: (end: CommandEnd) => void): void {
    this.#onEndBetweenFrames = listener;
  }

  /**
   * A wake word's run: where its command begins. The pre-roll is scanned for the wake phrase's
   * start; audio that holds the whole phrase needs no trimming (Whisper is told the phrase),
   * otherwise a pause just after the detection may still show where the wake word's tail ended.
   */
  async locateCommand(
    detectionEnd: number,
    preRollSeconds: number,
    settings: EndpointerSettings,
  ): Promise<void> {
    const { history, vad } = this.parts;
    const preRollStart = Math.max(history.startSample, detectionEnd - preRollSeconds * SAMPLE_RATE);
    const found = await findCommandStart(vad, history, preRollStart, detectionEnd, settings);
    this.commandStart = found.start;
    this.#phraseLocated = found.withWakePhrase;
    if (found.withWakePhrase) this.#wakePhrase = this.#wakeWord ? spokenWakePhrase(this.#wakeWord) : null;
    else this.#tail = new WakeTail(detectionEnd, settings.endThreshold);
  }

  /**
   * The wake word fired while a follow-up listened ("did you mean ...?" - "hey jarvis, bedroom
   * light off"). When it opens the reply Whisper is told the phrase (without, whisper-tiny wrote
   * "Hey, John, we've made room lights off."), and the speech heard so far was the phrase: the
   * reply is what follows, after a pause or not (else "Hey Jarvis." alone, hearing bench).
   */
  wakeSaid(wakeWord: string, detectionEnd: number): void {
    if (this.#wakeWord || this.#ended) return;
    if (!wakeOpensReply(detectionEnd, this.commandStart, this.speechStarted)) return;
    this.#wakeWord = wakeWord;
    this.#wakePhrase = spokenWakePhrase(wakeWord);
    // A pass begun with the old prompt would be taken for the whole reply.
    this.#speculative?.cancel();
    if (!this.speechStarted) return;
    this.#phraseLocated = true;
    this.speechEndSample = 0;
    this.#endpointer.awaitSpeechAgain();
  }

  /** Feeds one frame's VAD windows; returns the command's end or `no-speech` once reached (later windows are dropped). */
  async feed(frame: AudioFrame): Promise<CommandEnd | { type: "no-speech" } | null> {
    this.remote?.send(this);
    if (this.#ended) return null;
    const windows = await this.parts.vad.process(frame);
    for (const window of windows) {
      // The command may have ended between frames, while the VAD ran.
      if (this.#ended) return null;
      const whole = this.#checkWhole();
      if (whole) return this.#end(whole);
      if (this.#tail) this.commandStart = this.#tail.feed(window, this.commandStart);
      const seconds = (window.endSample - this.startSample) / SAMPLE_RATE;
      for (const event of this.#endpointer.feed(seconds, window.probability)) {
        if (event.type === "end") return this.#end(event);
        if (event.type === "no-speech") {
          this.#ended = true;
          return event;
        }
        this.#onEvent(event);
      }
      this.#followPause();
    }
    return null;
  }

  #end(end: CommandEnd): CommandEnd {
    this.#ended = true;
    return end;
  }

  /** A speculative pass came back: a whole command past the early endpoint's silence ends here. */
  #passSettled(): void {
    if (this.#ended || !this.#onEndBetweenFrames) return;
    const whole = this.#checkWhole();
    if (whole) this.#onEndBetweenFrames(this.#end(whole));
  }

  /** The input ended mid-command: the command ends where the audio stops. */
  endHere(): CommandEnd | null {
    if (!this.speechStarted || this.#ended) return null;
    this.#ended = true;
    const seconds = (this.parts.history.endSample - this.startSample) / SAMPLE_RATE;
    return { type: "end", seconds, reason: "silence" };
  }

  /** The run ended: drops the speculative pass, and the base's session (satellite) if it ended first. */
  cancel(outcome: RunOutcome): void {
    this.#speculative?.cancel();
    this.remote?.cancel(outcome);
  }

  /** Where the person stopped speaking: the command's end on the audio clock. */
  endSampleOf(end: CommandEnd): number {
    return this.startSample + Math.round(end.seconds * SAMPLE_RATE);
  }

  /**
   * The STT step: `stt-vad-end`, `stt-start`, Whisper (or the speculative pass that already
   * covers the command), `stt-end`. Returns the command's text with the wake phrase stripped
   * (empty: no speech).
   */
  async transcribe(end: CommandEnd): Promise<string> {
    const { bus, clock, history, transcriber } = this.parts;
    if (!transcriber)
      throw new Error("this board loads no Whisper (role satellite, satellite.fallback: none)");
    const { signal } = this;
    const endSample = this.endSampleOf(end);
    const endpointAt = clock();
    // A satellite that fell back after sending its cut has said where the command ended.
    if (!this.remote?.endAnnounced)
      bus.emit({ type: "stt-vad-end", runId: this.runId, audioMs: samplesToMs(endSample) });
    const audio = history.read(this.commandStart, endSample);
    this.parts.onRunAudio?.(this.runId, audio);
    bus.emit({ type: "stt-start", runId: this.runId, audioMs: samplesToMs(audio.length) });
    const early = end.reason !== "max-length" ? this.#speculative?.take(this.speechEndSample) : null;
    this.#speculative?.cancel();
    const guide = this.parts.guide();
    const transcript =
      (await early) ??
      (await transcriber.transcribe(int16ToFloat32(audio), {
        ...this.#prompt(),
        signal,
        ...(guide ? { guide } : {}),
      }));
    signal.throwIfAborted();
    // An understood text dropped for its "on" or "off" (guided-checks.ts) is asked back, or
    // else "sorry"; a guess refused so leaves the free text to go on (never empty).
    const why = transcript.guided?.why;
    this.heardUnsure = !transcript.text && (droppedAsUnsure(why) || why === "ambiguous-state");
    this.askBack = transcript.askBack ? stripWakePhrase(transcript.askBack, this.#wakeWord) || null : null;
    this.otherNames = this.askBack ? (transcript.otherNames ?? []) : [];
    this.otherRequests = this.askBack
      ? (transcript.otherRequests ?? []).map((r) => stripWakePhrase(r, this.#wakeWord)).filter(Boolean)
      : [];
    bus.emit({
      type: "stt-end",
      runId: this.runId,
      text: transcript.text,
      language: transcript.language,
      ms: Math.round(clock() - endpointAt),
      sttMs: Math.round(transcript.encodeMs + transcript.decodeMs),
      confidence: Math.round(Math.exp(transcript.avgLogprob) * 1000) / 1000,
      ...guidedFields(transcript),
    });
    return stripWakePhrase(transcript.text, this.#wakeWord);
  }

  #onEvent(event: Exclude<EndpointEvent, { type: "end" | "no-speech" }>): void {
    const position = this.startSample + Math.round(event.seconds * SAMPLE_RATE);
    switch (event.type) {
      case "speech-start":
        if (this.speechStarted) return; // again after a wake phrase opened a reply (wakeSaid)
        this.speechStarted = true;
        if (!this.#phraseLocated)
          this.commandStart = startBeforeSpeech(this.commandStart, position, this.startSample);
        this.parts.bus.emit({ type: "stt-vad-start", runId: this.runId, audioMs: samplesToMs(position) });
        return;
      case "silence-start":
        if (this.speechEndSample === position) return; // begun at the pause (#followPause)
        this.speechEndSample = position;
        if (this.parts.speculative) this.#startSpeculative(position);
        return;
      case "speech-resume":
        this.speechEndSample = 0;
        this.#speculative?.cancel();
        return;
    }
  }

  /**
   * The speculative pass starts at the pause's first silent window, not when the silence is
   * announced (vad.min_speech_seconds later): the same audio, 0.15 s sooner. A pause that
   * was only a dip inside a word drops it (measured: docs/listening.md, Early endpoint).
   */
  #followPause(): void {
    const pause = this.#endpointer.pauseStart();
    const position = pause === null ? 0 : this.startSample + Math.round(pause * SAMPLE_RATE);
    if (position === this.speechEndSample) return;
    this.speechEndSample = position;
    if (position === 0) this.#speculative?.cancel();
    else if (this.parts.speculative) this.#startSpeculative(position);
  }

  /**
   * During the trailing silence: once the speculative transcript is a confident command of
   * the home's sentences that nothing meaningful can follow, the endpoint may come after
   * vad.early_endpoint_seconds instead of the whole trailing silence. A pause inside a
   * command ("set the lamp to ... forty percent") is never whole, so it is never cut.
   */
  #checkWhole(): CommandEnd | null {
    if (this.speechEndSample <= 0) return null;
    const transcript = this.#speculative?.settled(this.speechEndSample);
    if (!transcript || !isConfidentCommand(transcript)) return null;
    if (!this.parts.guide()?.isWhole(transcript.text)) return null;
    const end = this.#endpointer.markComplete().find((e) => e.type === "end");
    return end?.type === "end" ? end : null;
  }

  #startSpeculative(speechEnd: number): void {
    const audio = int16ToFloat32(this.parts.history.read(this.commandStart, speechEnd));
    this.#speculative?.start(audio, speechEnd, this.#prompt(), this.parts.guide(), this.signal);
  }

  /** Whisper's prompt for this run's audio (wake-phrase.ts whisperPrompt). */
  #prompt(): Pick<TranscribeOptions, "prompt" | "retry"> {
    return whisperPrompt(this.#wakePhrase, this.parts.sttPrompt());
  }
}
