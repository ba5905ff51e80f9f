import { EdgeVoiceError } from "../errors.js";
import type { Logger } from "../util/logger.js";
import { question } from "./ask-back.js";
import { greedyDecode, probeNoSpeech, type WindowDecodeOptions } from "./decode.js";
import type { TranscriptGuide } from "./guide.js";
import { GuidedPass } from "./guided-pass.js";
import { type FreePass, type GuidedSettings, outcomeWhy } from "./guided-types.js";
import { LogMelSpectrogram } from "./mel.js";
import type { WhisperSpec } from "./model-spec.js";
import type { WhisperSessions } from "./onnx-whisper.js";
import { type PhraseScores, scorePhrase } from "./phrase-score.js";
import {
  copiesPrompt,
  dropReason,
  listsPromptNames,
  noSpeechMatters,
  type QualityThresholds,
} from "./quality.js";
import { SerialQueue } from "./serial.js";
import { freePassMarks } from "./state-words.js";
import type { WhisperTokenizer } from "./tokenizer.js";
import type { AudioReader, TranscribeOptions, Transcriber, Transcript } from "./transcriber.js";
import { logWindowNotes, rounded } from "./window-notes.js";
import {
  arrayReader,
  combine,
  encoderFrames,
  firstFrames,
  type WindowOutcome,
  type WindowSummary,
  withLeadIn,
} from "./windows.js";

export interface WhisperTranscriberOptions {
  modelId: string;
  /** Language code, or "auto" to detect (multilingual models). */
  language: string;
  maxTokens: number;
  /** Seconds of silence put before each window (measured: word error rate 0.73 -> 0.56 on espeak-ng commands with 0.4 s). */
  leadInSeconds: number;
  /**
   * Mel frames of the encoder's window (stt.encoder_window_seconds): below the model's 3000,
   * audio (with its lead-in) that fits is encoded in that shorter window, the rest in 30 s.
   * Omitted = the full window.
   */
  encoderWindowFrames?: number;
  thresholds: QualityThresholds;
  /** Grammar-guided decoding (stt.guided): absent = free decoding only, whatever guide a caller passes. */
  guided?: GuidedSettings | undefined;
  logger: Logger;
}

/**
 * Whisper on onnxruntime-node with our own decoding loop. Why not transformers.js's
 * pipeline (which also runs on onnxruntime-node)? Our loop gives what a voice assistant
 * needs and the pipeline does not expose: the no-speech probability at the SOT position and
 * the average log-probability (to drop hallucinations on silence), abort between decoder
 * steps (speculative transcription), a prompt through <|startofprev|>, a loop cut, and speed:
 * it computes mel frames only where there is audio and never copies the cross-attention
 * cache back per token. test/integration/stt-parity.test.ts checks it gives the same text.
 *
 * Audio longer than one window (30 s) is transcribed window by window, each conditioned on
 * the previous window's text, and the texts are joined; nothing is truncated.
 */
export class WhisperTranscriber implements Transcriber {
  readonly #queue = new SerialQueue();
  readonly #mel: LogMelSpectrogram;
  readonly #guided: GuidedPass | null;
  /** Tokens ending a sentence (last-word.ts), and on / off (state-words.ts): their scores are read as the free pass decodes. */
  readonly #marks: Pick<WindowDecodeOptions, "stopTokens" | "rivalTokens">;
  #disposed = false;

  constructor(
    private readonly sessions: WhisperSessions,
    private readonly spec: WhisperSpec,
    private readonly tokenizer: WhisperTokenizer,
    private readonly options: WhisperTranscriberOptions,
  ) {
    this.#mel = new LogMelSpectrogram(spec.mel);
    this.#guided = options.guided ? new GuidedPass(sessions, spec, tokenizer, options.guided) : null;
    this.#marks = freePassMarks(tokenizer, spec.tokens.eot);
  }

  /** The language handed to the decoder: null = detect. */
  get #language(): string | null {
    if (!this.spec.multilingual) return "en";
    return this.options.language === "auto" ? null : this.options.language;
  }

  transcribe(audio: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
    return this.transcribeFrom(arrayReader(audio), options);
  }

  transcribeFrom(audio: AudioReader, options: TranscribeOptions = {}): Promise<Transcript> {
    if (this.#disposed) {
      return Promise.reject(new EdgeVoiceError("stt-failed", "the transcriber has been disposed"));
    }
    return this.#queue.run(() => this.#transcribe(audio, options), options.signal);
  }

  async #transcribe(audio: AudioReader, options: TranscribeOptions): Promise<Transcript> {
    const { nSamples, samplingRate } = this.spec.mel;
    const audioMs = (audio.samples * 1000) / samplingRate;
    const lead = Math.min(Math.round(this.options.leadInSeconds * samplingRate), Math.floor(nSamples / 4));
    const span = nSamples - lead;
    const windows = Math.ceil(audio.samples / span);
    if (windows > 1) {
      this.options.logger.info(
        { audioMs, windows },
        "audio longer than 30 s: transcribing it in 30 s windows",
      );
    }
    const outcomes: WindowSummary[] = [];
    /** The free pass of a one-window transcript: what the guided pass (and `inspect`) go on from. */
    let only: FreePass | undefined;
    let previous = "";
    for (let w = 0; w < windows; w++) {
      const chunk = withLeadIn(await audio.read(span), lead);
      const prompt = [options.prompt ?? "", previous].filter((p) => p.trim()).join(" ");
      const { free, ...outcome } = await this.#window(
        chunk,
        prompt,
        options.signal,
        options.measureNoSpeech,
        // Only the first window's prompt is the caller's; later ones end with the text before.
        w === 0 ? options.retry : undefined,
      );
      // A window of several is done with once decoded: its decoder's caches (18 MB a window
      // on whisper-tiny) go now, not when the last window is; kept, a 10-minute file took
      // 865 MB of RSS against 516.
      if (windows === 1) only = free;
      else free.decoder.restart();
      outcomes.push(outcome);
      if (outcome.text) previous = outcome.text;
    }
    const transcript = combine(outcomes, audioMs, this.#language ?? "en");
    if (options.inspect && only) await options.inspect({ ...only, text: transcript.text });
    if (options.guide && only && transcript.text) {
      await this.#guide(transcript, only, options.guide, options.signal);
    }
    this.options.logger.debug(
      {
        text: transcript.text,
        dropped: transcript.dropped,
        noSpeechProb: rounded(transcript.noSpeechProb),
        avgLogprob: rounded(transcript.avgLogprob),
        encodeMs: Math.round(transcript.encodeMs),
        decodeMs: Math.round(transcript.decodeMs),
        ...(transcript.guided ? { source: transcript.source, guided: transcript.guided } : {}),
      },
      "transcribed",
    );
    return transcript;
  }

  /** The wake word's verifier: how well `audio` starts with `phrase` against what Whisper hears in it. */
  scorePhrase(audio: Float32Array, phrase: string): Promise<PhraseScores> {
    return this.#queue.run(async () => {
      const lead = Math.round(this.options.leadInSeconds * this.spec.mel.samplingRate);
      const { free, decoded } = await this.#window(withLeadIn(audio, lead), "", undefined);
      return scorePhrase(this.sessions, this.spec, this.tokenizer, free, decoded.tokens, phrase);
    });
  }

  /** True while a transcription (or a verification) is queued or running. */
  busy(): boolean {
    return this.#queue.pending > 0;
  }

  prepareGuide(guide: TranscriptGuide): void {
    this.#guided?.prepare(guide);
  }

  /** A guided pass with other settings, over this model (for measuring tools). */
  guidedPass(settings: GuidedSettings): GuidedPass {
    return new GuidedPass(this.sessions, this.spec, this.tokenizer, settings);
  }

  /** The guided pass over a one-window transcript: sets which text goes on, and why. */
  async #guide(transcript: Transcript, free: FreePass, guide: TranscriptGuide, signal?: AbortSignal) {
    if (!this.#guided) return;
    const started = performance.now();
    transcript.freeText = transcript.text;
    transcript.source = "free";
    let outcome: Awaited<ReturnType<GuidedPass["run"]>>;
    try {
      outcome = await this.#guided.run({ ...free, text: transcript.text }, guide, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      // The free text is still a transcript: a failed guided pass costs the guess, not the run.
      this.options.logger.warn({ err: error }, "guided decoding failed; the free text goes on");
      transcript.guided = { why: "failed", ms: performance.now() - started };
      return;
    }
    transcript.text = outcome.text;
    transcript.source = outcome.source;
    transcript.guided = {
      why: outcomeWhy(outcome),
      ms: outcome.ms,
      ...(outcome.steps !== undefined ? { steps: outcome.steps, decoderMs: outcome.decoderMs } : {}),
      ...(outcome.hypothesis ?? {}),
      ...(outcome.lastWordLead !== undefined ? { lastWordLead: outcome.lastWordLead } : {}),
    };
    const minScore = this.options.guided?.thresholds.askMinScore;
    const asked = outcome.unsure ?? transcript.guided;
    Object.assign(transcript, question(transcript.guided.why, asked, transcript.freeText, minScore, guide));
  }

  async #window(
    chunk: Float32Array,
    prompt: string,
    signal: AbortSignal | undefined,
    measureNoSpeech = false,
    retry?: TranscribeOptions["retry"],
  ): Promise<WindowOutcome> {
    signal?.throwIfAborted();
    const t0 = performance.now();
    const { featureSize, nbMaxFrames } = this.spec.mel;
    const frames = encoderFrames(chunk.length, this.spec.mel, this.options.encoderWindowFrames);
    const features = firstFrames(this.#mel.compute(chunk), featureSize, nbMaxFrames, frames);
    const hidden = await this.#run(signal, () => this.sessions.encode(features, featureSize, frames));
    const t1 = performance.now();
    let pass = await this.#decodeWindow(hidden, prompt, signal, measureNoSpeech);
    if (retry && !pass.dropped && copiesPrompt(pass.raw, prompt, retry.prefix)) {
      // Whisper went on with its prompt, not the audio (quality.ts, copiesPrompt): after the list
      // alone, made to have written what the audio starts with, it has none to go on with.
      const again = await this.#decodeWindow(hidden, retry.prompt, signal, measureNoSpeech, retry.prefix);
      const taken = !again.dropped && !copiesPrompt(again.raw, retry.prompt);
      this.options.logger.debug(
        { copied: pass.raw, again: again.raw, taken },
        "Whisper copied its prompt: decoded once more with the other prompt",
      );
      (taken ? pass : again).free.decoder.restart();
      if (taken) pass = again;
    }
    const { free, decoded, text, dropped } = pass;
    // Read again, the kept text followed the list alone.
    const read = free.startTokens && retry ? retry.prompt : prompt;
    free.listsPrompt = listsPromptNames(text, read, retry?.prefix);
    return { decoded, text, dropped, encodeMs: t1 - t0, decodeMs: performance.now() - t1, free };
  }

  /** One greedy pass over the encoder output after `prompt`, and Whisper's quality checks on it. */
  async #decodeWindow(
    hidden: FreePass["hidden"],
    prompt: string,
    signal: AbortSignal | undefined,
    measureNoSpeech: boolean,
    prefix?: string,
  ) {
    const promptTokens = this.tokenizer.promptTokens(
      prompt,
      Math.floor(this.spec.maxTargetPositions / 2) - 1,
    );
    const startTokens = prefix ? this.tokenizer.encode(` ${prefix.trim()}`) : undefined;
    const decoder = this.sessions.decoder(hidden);
    const decoded = await this.#run(signal, () =>
      greedyDecode(decoder, this.spec, {
        promptTokens,
        language: this.#language,
        maxTokens: this.options.maxTokens,
        signal,
        ...this.#marks,
        prefixTokens: startTokens,
      }),
    );
    const raw = this.tokenizer.decode(decoded.tokens).trim();
    // Measured after the text, and only when it can decide (the same value either way).
    const { thresholds } = this.options;
    if (
      decoded.noSpeechProb === null &&
      (measureNoSpeech || noSpeechMatters({ ...decoded, text: raw }, thresholds, prompt))
    ) {
      signal?.throwIfAborted();
      decoded.noSpeechProb = await this.#run(signal, () => probeNoSpeech(decoder, this.spec));
    }
    const dropped = dropReason({ ...decoded, text: raw }, this.options.thresholds, prompt);
    logWindowNotes(this.options.logger, decoded, raw, dropped, this.options.maxTokens);
    const text = dropped ? "" : raw;
    const free: FreePass = {
      text,
      // For measuring tools (GuidedSettings.afterNoSpeech); the daemon guides no dropped window.
      ...(dropped === "no-speech" ? { droppedText: raw } : {}),
      tokens: decoded.tokens.length,
      tokenIds: decoded.tokens,
      logprobs: decoded.logprobs,
      stopLogprobs: decoded.stopLogprobs,
      stateLead: decoded.rivalLead,
      avgLogprob: decoded.avgLogprob,
      language: decoded.language,
      promptTokens,
      ...(startTokens ? { startTokens } : {}),
      hidden,
      decoder,
    };
    return { decoded, raw, text, dropped, free };
  }

  /** onnxruntime failures become stt-failed; an abort (whatever its reason) passes through untouched. */
  async #run<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (signal?.aborted || error instanceof EdgeVoiceError) throw error;
      throw new EdgeVoiceError(
        "stt-failed",
        `Whisper (${this.options.modelId}) failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#queue.idle();
    await this.sessions.dispose();
  }
}
