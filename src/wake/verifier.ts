/**
 * The verifier port of the two-stage wake word: something that can say how well a stretch of
 * audio matches a phrase. Implemented by Whisper (stt/phrase-score.ts, through the
 * transcriber); the daemon wires the two, so wake/ never imports stt/.
 */
export interface PhraseScores {
  /** Average log-probability per token of the phrase, forced as the start of the transcript. */
  phrase: number;
  /** ... of what the model itself heard over as many tokens (the "something else" alternative). */
  heard: number;
  /** The free transcript (for logs and events); without a letter or digit: no speech heard. */
  text: string;
}

export interface PhraseVerifier {
  /** `audio`: 16 kHz mono float in [-1, 1]. */
  scorePhrase(audio: Float32Array, phrase: string): Promise<PhraseScores>;
  /** True while it has other work (a command being transcribed): a candidate then is not verified. */
  busy(): boolean;
}

/** How a candidate ended: verified, rejected on its scores, never scored, or verified too late to wake. */
export type CandidateOutcome = "verified" | "rejected" | "busy" | "no-speech" | "failed" | "late";

/**
 * Whether the phrase clearly wins: its score per token against what Whisper heard freely,
 * which is at least as likely token by token whenever Whisper heard something else. A margin
 * near 0 means Whisper's own reading is the phrase; `minMargin` (negative) is how far below
 * the phrase may fall and still count.
 */
export function phraseWins(scores: PhraseScores, minMargin: number): boolean {
  return Number.isFinite(scores.phrase) && scores.phrase - scores.heard >= minMargin;
}

/** Whether Whisper heard any words at all (a letter or a digit) in the candidate's audio. */
export function heardWords(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}
