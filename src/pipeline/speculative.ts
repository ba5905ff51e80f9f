import type { TranscriptGuide } from "../stt/guide.js";
import type { Transcriber, Transcript } from "../stt/transcriber.js";

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

  constructor(private readonly transcriber: Transcriber) {}

  start(audio: Float32Array, coversTo: number, prompt: string, guide?: TranscriptGuide): void {
    this.cancel();
    const controller = new AbortController();
    this.#controller = controller;
    this.#coversTo = coversTo;
    this.#pending = this.transcriber.transcribe(audio, {
      prompt,
      signal: controller.signal,
      ...(guide ? { guide } : {}),
    });
    // A discarded pass may reject with an abort; nobody awaits it then.
    this.#pending.catch(() => {});
  }

  cancel(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.#pending = null;
    this.#coversTo = -1;
  }

  /** The running pass, if one covers the command up to `speechEndSample` (where the trailing silence began). */
  take(speechEndSample: number): Promise<Transcript> | null {
    const pending = this.#coversTo >= speechEndSample ? this.#pending : null;
    this.#controller = null;
    this.#pending = null;
    this.#coversTo = -1;
    return pending;
  }
}
