/** When a grammar hypothesis replaces the free transcript (config stt.guided_*). */
export interface GuidedThresholds {
  /** Lowest average log-probability per token of the hypothesis. */
  minScore: number;
  /** ... and for a sensitive action (unlock, open the garage). */
  minScoreSensitive: number;
  /**
   * A guess that leads every sentence asking something else by at least this much may score
   * down to `clearMinScore` (below the bars above); absent or 0: no such exception.
   */
  clearMargin?: number | undefined;
  clearMinScore?: number | undefined;
  /** Lowest lead of its average log-probability over the next-best different sentence. */
  minMargin: number;
  /** How far below the free transcript's average log-probability it may be. */
  maxDrop: number;
  /**
   * How much likelier (total log-probability, nats) a command must be than the same
   * command with any other value of its number ("75" / "25", "15" / "50"); absent: not checked.
   */
  minNumberLead?: number | undefined;
  /**
   * How much likelier (total log-probability, nats) a command must be than its reversal
   * ("lock" / "unlock": TranscriptGuide.reversals); absent: not checked.
   */
  minActionLead?: number | undefined;
  /**
   * How much likelier (total log-probability, nats) a command said without a verb, ending in
   * "on" or "off", must be than the question whether it is (TranscriptGuide.questions: "is the kitchen
   * light on?"); below it the question goes on instead. Absent: not checked.
   */
  minQuestionLead?: number | undefined;
  /**
   * How much likelier (total log-probability, nats) an understood free text that picks its
   * devices by kind alone ("turn off the light") must be than the same text with any of the
   * home's names before its device word (TranscriptGuide.namings); absent: not checked.
   */
  minNameLead?: number | undefined;
  /**
   * How much likelier (log-probability, nats) a guess's "on" or "off" must be than the other
   * word where the guess took it (GuidedHypothesis.rivalLead), when the free text had neither
   * word: the state was then the grammar's pick, not something heard. Absent: not checked.
   */
  minStateLead?: number | undefined;
  /**
   * How far ahead per token (the margin) a guess must be when it names a device Whisper heard
   * only part of, and what was heard fits another of the home's devices as well ("room light"
   * of "bedroom light" and "living room light": TranscriptGuide.rivalNames). Absent: not checked.
   */
  minNameMargin?: number | undefined;
  /**
   * An understood free text whose last word follows a word no sentence ends on ("Turn on
   * the lights.") is taken only when that word led ending the sentence before it by this much
   * (nats; last-word.ts): Whisper completes a half sentence with the word that usually comes
   * next. A guess that only goes on from where such a free text stopped is refused too.
   * Absent: neither is checked.
   */
  minLastWordLead?: number | undefined;
  /**
   * A guess refused only for being unsure and scoring at least this much is asked back
   * ("did you mean ...?": ask-back.ts); absent: never asked.
   */
  askMinScore?: number | undefined;
}

/**
 * The score bar of a guess (guide.ts chooseTranscript), `margin` its lead over the next
 * sentence: lower for one far ahead of every other sentence of the home. Whisper scores a noisy
 * or accented "Cancel the timer." at -1.48 per token when nothing else it could be comes within
 * 3.4 of it; over every stored hearing-bench run (sessions 14-18), the guesses refused as
 * low-score at -1.0 to -1.5 with a lead of 1.5 or more were all right (8 clips), while below a
 * lead of 1.5 wrong ones appear ("... a hundred percent" for ten, lead 1.24). The other rules
 * (margin, drop, number and action checks) still apply to it.
 */
export function scoreBar(margin: number | null, minScore: number, thresholds: GuidedThresholds): number {
  const { clearMargin, clearMinScore } = thresholds;
  if (!clearMargin || clearMinScore === undefined || margin === null || margin < clearMargin) return minScore;
  return Math.min(minScore, clearMinScore);
}
