import type { TranscriptGuide } from "../stt/guide.js";
import type { TranscribeOptions, Transcriber, Transcript } from "../stt/transcriber.js";

/**
 * The person waits through the endpointing silence anyway, so transcription starts when
 * that silence begins. If speech resumes the work is discarded; if the endpoint fires,
 * its result is the transcript (the silence after it holds no words to add).
 */
export class SpeculativeTranscription {
  #controller: AbortController | null = null;
  #pending: Promise<Transcript> | null = null;
  /** Stream position where the audio handed to the speculative pass ends. */
  #coversTo = -1;
  /** The running pass's transcript once it has resolved. */
  #settled: Transcript | null = null;

  constructor(
    private readonly transcriber: Transcriber,
    /** Called when the running pass has resolved (not for a pass cancelled or taken before). */
    private readonly onSettled: () => void = () => {},
  ) {}

  /** `runSignal`: the run's, so a pass already taken still stops when its run is aborted. */
  start(
    audio: Float32Array,
    coversTo: number,
    prompt: Pick<TranscribeOptions, "prompt" | "retry">,
    guide?: TranscriptGuide,
    runSignal?: AbortSignal,
  ): void {
    this.cancel();
    const controller = new AbortController();
    this.#controller = controller;
    this.#coversTo = coversTo;
    const pending = this.transcriber.transcribe(audio, {
      ...prompt,
      signal: runSignal ? AbortSignal.any([controller.signal, runSignal]) : controller.signal,
      ...(guide ? { guide } : {}),
    });
    this.#pending = pending;
    this.#settled = null;
    pending.then(
      (transcript) => {
        if (this.#pending !== pending) return;
        this.#settled = transcript;
        this.onSettled();
      },
      // A discarded pass may reject with an abort; nobody awaits it then.
      () => {},
    );
  }

  cancel(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.#pending = null;
    this.#settled = null;
    this.#coversTo = -1;
  }

  /** The pass's transcript if it has already resolved and covers the command up to `speechEndSample`. */
  settled(speechEndSample: number): Transcript | null {
    return this.#coversTo >= speechEndSample ? this.#settled : null;
  }

  /** The running pass, if one covers the command up to `speechEndSample` (where the trailing silence began). */
  take(speechEndSample: number): Promise<Transcript> | null {
    const pending = this.#coversTo >= speechEndSample ? this.#pending : null;
    this.#controller = null;
    this.#pending = null;
    this.#settled = null;
    this.#coversTo = -1;
    return pending;
  }
}
