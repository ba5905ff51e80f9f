import type { TranscriptGuide } from "./guide.js";
import type { FreePass } from "./guided-types.js";
import type { PhraseScores } from "./phrase-score.js";

export interface Transcript {
  /** Trimmed text; empty when the audio held no speech (silence, noise, or a rejected hallucination). */
  text: string;
  /** ISO 639-1 language code, from config or detected. */
  language: string;
  /** Null when a prompted window's text was confident enough that it decided nothing (not measured). */
  noSpeechProb: number | null;
  avgLogprob: number;
  encodeMs: number;
  decodeMs: number;
  /** Length of the transcribed audio. */
  audioMs?: number;
  /** Set when the model produced text that was thrown away: why (`text` is then empty). */
  dropped?: "no-speech" | "repetition" | "no-words";
  /** With a guide: where `text` came from, Whisper's free decoding or the home's sentences. */
  source?: "free" | "grammar";
  /** With a guide: the free decoding's text (`avgLogprob` is its score). */
  freeText?: string;
  /** The guided pass, when a guide was given: why its sentence was taken or not, and the sentence. */
  guided?: {
    why: string;
    ms: number;
    /** Decoder calls (one per token step, all hypotheses batched). */
    steps?: number;
    decoderMs?: number;
    /** The grammar's best sentence (absent when it found none) and its average log-probability. */
    text?: string;
    score?: number;
    /** Its lead over the next-best different sentence; null when there was none. */
    margin?: number | null;
    /** The free text's last word's lead over ending the sentence before it, when checked (last-word.ts). */
    lastWordLead?: number;
  };
  /** The grammar's refused sentence worth asking the person about ("did you mean ...?": ask-back.ts). */
  askBack?: string;
  /** A guess asked back for naming one of two devices what was heard fits (`ambiguous-name`): the others' names. */
  otherNames?: string[];
  /** A guess asked back for an "on" or "off" Whisper wrote by a hair (`ambiguous-state`): the same request the other way. */
  otherRequests?: string[];
}

export interface TranscribeOptions {
  signal?: AbortSignal;
  /** Vocabulary bias: device and area names (Whisper's initial prompt). */
  prompt?: string;
  /**
   * When Whisper only goes on with `prompt`'s list ("Hey Jarvis, kitchen light, living room
   * lamp," for a command it did not hear: quality.ts, copiesPrompt), the audio is decoded once
   * more after `prompt` here, as though Whisper had already written `prefix` (the wake phrase
   * the audio starts with), and what it writes after that goes on (without the prefix) unless
   * it copies this prompt too.
   */
  retry?: { prompt: string; prefix: string };
  /** The home's sentences: when the free text is not understood, a guided pass may replace it (stt.guided). */
  guide?: TranscriptGuide;
  /**
   * For measuring tools (bench/hearing-diagnose.ts): called with what the free pass of a
   * one-window transcript leaves (encoder output, caches, score), before the guided pass.
   */
  inspect?: (free: FreePass) => Promise<void>;
  /**
   * Measure the no-speech probability even where it decides nothing (`edge-voice transcribe
   * --json` shows it); otherwise a prompted window saves that decoder call on confident text.
   */
  measureNoSpeech?: boolean;
}

/**
 * 16 kHz mono float audio handed over in order as it is needed: a long recording is then read
 * a window at a time and never held whole (`edge-voice transcribe` on a file of an hour).
 */
export interface AudioReader {
  /** Samples in all. */
  readonly samples: number;
  /** The next `count` samples, fewer only where the audio ends. */
  read(count: number): Promise<Float32Array>;
}

/** Speech to text. Loaded once at start, reused for every run. */
export interface Transcriber {
  /** `audio` is 16 kHz mono float in [-1, 1]. */
  transcribe(audio: Float32Array, options?: TranscribeOptions): Promise<Transcript>;
  /** The same from audio read a window at a time, so its memory does not grow with its length. */
  transcribeFrom?(audio: AudioReader, options?: TranscribeOptions): Promise<Transcript>;
  /** Does the one-off work of guided decoding with this guide's alphabet now, off the audio path. */
  prepareGuide?(guide: TranscriptGuide): void;
  /** The wake word's verifier (wake.verifier): the phrase's score against what is heard in `audio`. */
  scorePhrase?(audio: Float32Array, phrase: string): Promise<PhraseScores>;
  /** True while a transcription is queued or running. */
  busy?(): boolean;
  /** Idempotent. */
  dispose(): Promise<void>;
}
