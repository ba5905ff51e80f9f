import type { EventBase } from "./base.js";

// The intent stage's events (src/intent/). Part of the union in types.ts.

export type RejectReason =
  | "not-recognized"
  | "needs-confirmation"
  | "not-allowed"
  | "confirmation-expired"
  | "cancelled"
  /** A sensitive action requested or confirmed by text (MQTT set/text): only a spoken request may (intent.allow_sensitive_from_text). */
  | "voice-only";

export interface IntentStartEvent extends EventBase {
  type: "intent-start";
  runId: string;
}

export interface IntentEndEvent extends EventBase {
  type: "intent-end";
  runId: string;
  intent: string;
  targets: string[];
  slots: Record<string, unknown>;
  source: "template" | "llm";
  ms: number;
  confidence?: number;
  /** The reply for the person (spoken with feedback.speech, published on hermes/tts/say); absent when there is nothing to say. */
  speech?: string;
}

export interface IntentRejectedEvent extends EventBase {
  type: "intent-rejected";
  runId: string;
  reason: RejectReason;
  intent?: string;
  targets?: string[];
  /** The intent's slots when it is known (what a yes to `needs-confirmation` would carry out: the 10 of a 10-minute timer). */
  slots?: Record<string, unknown>;
  /** `needs-confirmation` of a guess: the sentence speech to text guessed, asked back ("did you mean ...? say yes"). */
  guessed?: string;
  /**
   * With `guessed`, when the guess named one of several devices what was heard fits (the
   * bedroom light of "room light"): the same request about each other one, offered in the
   * question ("... say yes, or say turn on the living room light"); saying one carries it out.
   */
  alternatives?: string[];
}
