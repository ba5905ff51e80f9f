import type { EventBase } from "./base.js";

// Endpointing's and speech recognition's events (src/vad/, src/stt/). Part of the union in types.ts.

export interface VadStartEvent extends EventBase {
  type: "stt-vad-start";
  runId: string;
  audioMs: number;
}

export interface VadEndEvent extends EventBase {
  type: "stt-vad-end";
  runId: string;
  audioMs: number;
}

export interface SttStartEvent extends EventBase {
  type: "stt-start";
  runId: string;
  /** Length of the command audio handed to STT. */
  audioMs: number;
}

export interface SttEndEvent extends EventBase {
  type: "stt-end";
  runId: string;
  /** The text that goes on to the intent stage (the free or the grammar-guided one). */
  text: string;
  language: string;
  /** Decode time as the person felt it: from the endpoint to the text being ready. */
  ms: number;
  /** Time spent transcribing (encoder + decoder), a speculative pass included: Hermes textCaptured `seconds`. */
  sttMs?: number;
  /** Whisper's mean token probability (exp of the average log-probability), 0-1: Hermes `likelihood`. */
  confidence?: number;
  /** Which text was chosen, `free` or `grammar` (always `free` with stt.guided off). */
  source?: "free" | "grammar";
  /** Whisper's free decoding, whichever was chosen. */
  freeText?: string;
  /** Average log-probability per token of `text`, and of `freeText`. */
  score?: number;
  freeScore?: number;
  /** The grammar sentence's lead over the next-best different sentence (absent when there was none). */
  margin?: number;
  /** The grammar's best sentence when the guided pass ran (chosen or not), its score, and why. */
  guidedText?: string;
  guidedScore?: number;
  /** `accepted`, or why not: `understood` (the free text is), `low-score`, `low-margin`, `below-free`, `contradicts`, `other-words`, `unfinished` (a guess ending in a comma, or where the free text goes on: Whisper heard more), `ambiguous-number` (the text is dropped: a 15/50 Whisper was not sure of, heard or guessed), `ambiguous-action` (a lock that might be an unlock: the text is dropped), `missed-name` (a command that picks devices by kind alone, "turn off the light", understood or guessed, where a name of the home before the device word was nearly as likely: an understood text is dropped; a guess is not taken and the free text goes on), `ambiguous-state` (an on or off nearly as likely the other way: a guess's, the free text having neither, or the understood free text's own, then dropped: asked back), `ambiguous-name` (a guess that named one of two devices a name heard in part fits, "room light" as the living room's or the bedroom's, by too little: asked back), `last-word` (an understood free text whose last word, which the command needs, hardly led the sentence ending before it: Whisper may have finished a half sentence; asked back), `number-not-heard` (a guess's number the free text never had), `number-changed` (a guess whose number the free text heard otherwise: the text is dropped), `reads-otherwise` (the intent stage reads the free text as another command than the guess: the text is dropped), `no-hypothesis`, `failed` (the free text goes on). */
  guidedWhy?: string;
  /** Time of the guided pass (included in `ms`). */
  guidedMs?: number;
}
