import { type GuidedThresholds, scoreBar } from "./guided-thresholds.js";

/**
 * What grammar-guided decoding needs from the rest of the system, defined here so the
 * speech-to-text stage never imports the intent stage: the intent stage's sentence space
 * implements it (intent/sentence-space/space.ts) and the pipeline hands it over per call.
 */

/** A language of sentences walked one character at a time; `S` is its state. */
export interface TokenConstraint<S = unknown> {
  /** The state before any text. */
  readonly start: S;
  /** The characters a piece of text (one token's) stands for in the walk; null when it stands for nothing. */
  spell(text: string): string | null;
  /** The state after one spelled character; null when no sentence continues so. */
  step(state: S, char: string): S | null;
  /** The characters step() can take from `state` (others give null); absent: every one is tried. */
  nextChars?(state: S): ReadonlySet<string>;
  /** True when the text so far is a whole sentence. */
  isComplete(state: S): boolean;
  /** Equal for equal states (used to share work between hypotheses). */
  key(state: S): string;
}

export interface TranscriptGuide {
  readonly constraint: TokenConstraint;
  /** The commands alone, without fillers around them or follow-up shapes: the second search's space. */
  readonly commands?: TokenConstraint | undefined;
  /** True when the text is taken as it is (a template matches it): then no guided pass runs. */
  understands(text: string): boolean;
  /** True when taking `guided` instead of `free` would reverse the action (lock -> unlock). */
  contradicts(free: string, guided: string): boolean;
  /** True when the text asks for a sensitive action: a guess of one must clear a higher bar. */
  isSensitive(text: string): boolean;
  /**
   * What the text asks for, equal for sentences that ask the same ("timer for 10 minutes",
   * "timer for ten minutes"): the margin is taken over the next-best sentence that asks
   * for something else.
   */
  meaning(text: string): string;
  /**
   * True when the text acts on a device that guards the home (a lock, an alarm, a garage
   * door), either way: the second search never guesses such an action (held out, it turned
   * "I like the front door." for *unlock the front door* into "Lock, front door.").
   */
  guardsHome?(text: string): boolean;
  /**
   * The text with its action reversed where Whisper may have missed a syllable ("Lock ..." ->
   * "Unlock ..."), as sentences the templates read; empty when there is none. Such a command
   * is taken only if it is likelier than each of them (GuidedThresholds.minActionLead).
   */
  reversals?(text: string): string[];
  /**
   * The command with an "on" or "off" the other way, as sentences the templates read as
   * another command (no question); empty when there is none. An understood free text whose
   * state word hardly led the other (FreePass.stateLead) is asked back, not taken.
   */
  stateFlips?(text: string): string[];
  /**
   * The question whether what the command switches is in the state it asks for, when it is
   * said without a verb ("Hey Jarvis, kitchen light, on." -> "Hey Jarvis, is the kitchen light
   * on?"); empty for other commands. Such a command is taken only if it is likelier than the question
   * (GuidedThresholds.minQuestionLead); else the question goes on: it changes nothing.
   */
  questions?(text: string): string[];
  /**
   * The text with each of the home's names before the word that picks its devices, when it
   * picks them by kind alone ("Turn off the light." -> "Turn off the bedroom light."); empty
   * when it names one. Such a command is taken only if it is likelier than each of them
   * (GuidedThresholds.minNameLead): Whisper drops a name it heard poorly.
   */
  namings?(text: string): string[];
  /**
   * The words of the text that belong to a device's name, an alias or an area ("lamp",
   * "living", "room"): when Whisper heard one, a guess must keep one (keepsHeardWords).
   */
  nameWords?(text: string): string[];
  /** True when the word alone is a device's whole name or alias, or an area ("heating"; not "light"). */
  isWholeName?(word: string): boolean;
  /**
   * What the intent stage would do with the text as Whisper wrote it, misheard names read as
   * the nearest ("bed room lights" -> the bedroom light), as meaning() writes it; null: nothing.
   */
  readsAs?(text: string): string | null;
  /**
   * The home's other device names that what the free text heard of the guess's device name
   * fits as well ("room light" heard, "living room light" guessed: ["bedroom light"]); empty
   * when the guess's name was heard whole or nothing else fits.
   */
  rivalNames?(free: string, guessed: string): string[];
  /** True when the text begins with a wake phrase ("Hey Jarvis, turn on ..."). */
  startsWithWake?(text: string): boolean;
  /** True when the text is a wake phrase (or its end, "Jarvis") and nothing else, punctuation aside. */
  isWakeOnly?(text: string): boolean;
  /** The words a sentence is told apart by, for the beam's diversity: its first `words` (1) after the wake phrase and fillers. */
  group?(text: string, words?: number): string;
  /** How many filler words ("so", "thank you") the text has around its command: the search ranks them down. */
  fillers?(text: string): number;
  /** Every word its sentences are made of, as spelled ("turn", "kitchen", "21"): what a guess could keep of a free text. */
  words?(): ReadonlySet<string>;
}

export interface GuidedHypothesis {
  text: string;
  /** Average log-probability per token, end-of-text included (as the free pass's). */
  score: number;
  /** Lead over the next-best different sentence; null when the beam found no other. */
  margin: number | null;
  /** Its lowest token log-probability, end-of-text included (measuring tools read it). */
  worst?: number;
  /** Its smallest lead of an "on" or "off" over the other word, read in the search; absent: it has neither. */
  rivalLead?: number;
}

export type GuidedVerdict =
  | { source: "grammar" }
  | {
      source: "free";
      why:
        | "understood"
        | "no-hypothesis"
        | "contradicts"
        | "unfinished"
        | "other-words"
        | "low-score"
        | "low-margin"
        | "below-free"
        | "ambiguous-number"
        | "ambiguous-action"
        | "missed-name"
        | "ambiguous-state"
        | "ambiguous-name"
        | "last-word"
        | "number-not-heard"
        | "number-changed"
        | "reads-otherwise"
        | "guards-home";
    };

/**
 * True for the refusals that drop the text, understood or guessed: what it asks for may be
 * the neighbour Whisper nearly heard (a 15 for 50, a lock for unlock), and the intent stage's
 * fuzzy names would still read the free text ("Set room light to 14%." -> the bedroom light
 * at 14). The pipeline says "sorry, I didn't get that" for them rather than nothing.
 */
export function droppedAsUnsure(why: string | undefined): boolean {
  return why !== undefined && DROPPED_AS_UNSURE.has(why);
}

const DROPPED_AS_UNSURE = new Set([
  "ambiguous-number",
  "ambiguous-action",
  "missed-name",
  "number-changed",
  "reads-otherwise",
]);

/**
 * How much likelier per token (nats) a guess that keeps no word heard freely must be than the
 * free text. Out of grammar, "Hey Jarvis, call me, I'm not." (-0.9702) became "Hey Jarvis, hold
 * the timer." at -0.9700: a tie, within what the int8 decoder's float parts differ by from one
 * CPU to another; the right guesses of that kind on the hearing bench lead by 0.04 to 1.2.
 */
export const CLEAR_LEAD = 0.02;

/**
 * Which text goes on: the free transcript when the templates understand it; else the
 * grammar's best sentence when it is confident on its own (score), against the other
 * sentences (margin) and against what Whisper heard freely (drop). Out-of-grammar speech
 * ("what time is it") decodes freely with a good score and forced into the grammar with a
 * much worse one, which the drop catches.
 */
export function chooseTranscript(input: {
  freeUnderstood: boolean;
  freeScore: number;
  guided: GuidedHypothesis | null;
  contradicts: boolean;
  /** The grammar sentence keeps a word of what Whisper heard freely (keepsHeardWords). */
  keepsWords: boolean;
  /** The guess begins with the wake phrase (TranscriptGuide.startsWithWake) and keeps no word heard freely at all. */
  wakeAndNothingKept?: boolean;
  /** The free text only lists the prompt's names (FreePass.listsPrompt): its words are not what was heard. */
  freeListsPrompt?: boolean;
  /** The guess says which devices on its own: a name heard dropped or replaced, or "all" (guided-judge.ts guessesWhich). */
  guessesWhich?: boolean;
  /** The free text has a word that says what or which (heardWords); false: nothing heard anchors a guess, which is refused. */
  anchored?: boolean;
  sensitive: boolean;
  thresholds: GuidedThresholds;
  /** The guess's lead over its number's other values (number-lead.ts); null: none, or not scored yet. */
  numberLead?: number | null;
  /** The free text has a number (digits or number words); false: a number in the guess was not heard. */
  numberHeard?: boolean;
  /** The guess says a number the free text did not, where the free text had one (number-values.ts changesNumber). */
  numberChanged?: boolean;
  /** The guess's duration is a 4X heard after "of", which sounds as "for X" (number-values.ts forHeardAsForty). */
  forAsForty?: boolean;
  /** The guess's lead over its action reversed (lock / unlock); null: none, or not scored yet. */
  actionLead?: number | null;
  /** The free text says "on" or "off" (hasStateWord): a guess's state was heard, and `contradicts` guards it. */
  stateHeard?: boolean;
  /**
   * The guess ends where Whisper wrote a comma (endsUnfinished), or where its free text goes
   * on with words that say what or which (last-word.ts stopsShortOfHeard): it heard more than
   * the sentence says.
   */
  unfinished?: boolean;
  /** The intent stage reads the free text, misheard names and all, as another command than the guess (readsAs). */
  readsOtherwise?: boolean;
  /** The free text stops on "the" (or "to", "my"...), or on a name the guess adds a name to, and the guess only goes on from there (last-word.ts completesHalfSentence). */
  completesHalf?: boolean;
  /** What the free text heard of the guess's device name fits another device as well (TranscriptGuide.rivalNames). */
  nameRivals?: boolean;
}): GuidedVerdict {
  const { guided, thresholds } = input;
  if (input.freeUnderstood) return { source: "free", why: "understood" };
  if (!guided) return { source: "free", why: "no-hypothesis" };
  if (input.contradicts) return { source: "free", why: "contradicts" };
  // Unless Whisper itself finds the guess likelier than what it wrote freely: then the free
  // words are no evidence against it ("To another point, we need to go." at -1.32, "Turn on
  // the coffee maker." at -1.16 over the same audio, said so). A tie is no such finding. Nor
  // is the lead of a guess said in one breath with the wake phrase that keeps no word heard:
  // such leads were never what was said on the hearing benches ("Hey Jarvis, call me, I'm
  // a..." -> "Hey Jarvis, hold the timer.", a timer paused for *call the plumber*), where
  // after a pause they mostly were ("Don't forget to subscribe!" -> "Turn on the kitchen light.").
  // Nor is the lead of a guess that chose which devices itself: "join the garden light" ->
  // "turn on the light" lit the board's area, "bathroom light" -> "bedroom light" a room the
  // person did not name, "the hall, we're light" -> "all the light" every light in the home
  // (hearing benches, session 29-30: lights the home does not have). A free text that only
  // lists the prompt's names ("Hey Jarvis, kitchen light, bathroom" for *set the thermostat to
  // eighteen degrees*) heard nothing to keep, in one breath or not: the lead alone decides.
  const wakeRuleApplies = input.wakeAndNothingKept && !input.freeListsPrompt;
  if (
    !input.keepsWords &&
    (wakeRuleApplies || input.guessesWhich || guided.score < input.freeScore + CLEAR_LEAD)
  )
    return { source: "free", why: "other-words" };
  // A guess with no word heard freely to anchor it is the grammar's, not the person's: "3.5%"
  // -> "The bedroom lamp 30%" (-1.37), "15%" -> "Set, living room lamp to 15%" (said 50) and,
  // through the daemon, "Hey Jarvis," -> "Hey Jarvis, turn on the light." (said *turn on the*)
  // were wrong actions, and no such guess taken on the stored benches was right (session 26).
  // Asked back when sure enough, never acted on.
  if (input.anchored === false) return { source: "free", why: "other-words" };
  const minScore = input.sensitive ? thresholds.minScoreSensitive : thresholds.minScore;
  if (guided.score < scoreBar(guided.margin, minScore, thresholds))
    return { source: "free", why: "low-score" };
  if (guided.margin !== null && guided.margin < thresholds.minMargin)
    return { source: "free", why: "low-margin" };
  if (guided.score < input.freeScore - thresholds.maxDrop) return { source: "free", why: "below-free" };
  // The grammar ended the sentence where Whisper meant to go on ("I'm not kidding." ->
  // "Turn on, kitchen light," said: turn the kitchen light red): what it heard next is not
  // in the guess, so the guess is a part of the command at best. Checked after
  // the scores, so a poor guess is still refused as one (and the second search may run).
  if (input.unfinished) return { source: "free", why: "unfinished" };
  // The reverse: Whisper ended where the guess goes on ("Hey Jarvis, turn on the" -> "...
  // the light.", said *turn on the* and nothing more). The word added was the grammar's
  // likeliest, not one heard; the same doubt as an understood free text's last word.
  if (input.completesHalf && thresholds.minLastWordLead !== undefined)
    return { source: "free", why: "last-word" };
  if (input.numberChanged) return { source: "free", why: "number-changed" };
  if (input.forAsForty) return { source: "free", why: "ambiguous-number" };
  const { minNumberLead } = thresholds;
  if (minNumberLead !== undefined && input.numberLead != null && input.numberLead < minNumberLead)
    return { source: "free", why: "ambiguous-number" };
  const { minActionLead } = thresholds;
  if (minActionLead !== undefined && input.actionLead != null && input.actionLead < minActionLead)
    return { source: "free", why: "ambiguous-action" };
  // An "on" or "off" nobody heard ("bathroom light, home." -> "... on", said *off*) is the
  // grammar's pick between two words Whisper scored nearly alike; the search read how nearly
  // at the step that chose it, so the check costs no decoder call.
  const { minStateLead } = thresholds;
  if (
    minStateLead !== undefined &&
    !input.stateHeard &&
    guided.rivalLead !== undefined &&
    guided.rivalLead < minStateLead
  )
    return { source: "free", why: "ambiguous-state" };
  // Two readings of one utterance that disagree: the free text's, its names matched by their
  // letters ("Turn off the bed room lights." -> the bedroom light), and the guess, matched by
  // the audio ("Turn off, living room light.", 0.17 likelier per token, wrong on the bench).
  // Neither is sure enough to act on: both are dropped, and the person is asked again.
  if (input.readsOtherwise) return { source: "free", why: "reads-otherwise" };
  // After it: a reading of the free text that disagrees is no question to ask.
  // "Turn on room light." -> "Turn on, living room light." where the home has a bedroom light
  // too: which room the grammar's best guess picks (0.06 per token ahead, wrong on the noisy
  // bench) is a coin the audio barely weighs. Asked back unless it clearly leads.
  const { minNameMargin } = thresholds;
  if (
    minNameMargin !== undefined &&
    input.nameRivals &&
    (guided.margin === null || guided.margin < minNameMargin)
  )
    return { source: "free", why: "ambiguous-name" };
  // A guess that brings a number the free text never had ("The kitchen light is the same in
  // the night of the day." -> "Set the kitchen light to 35 percent.", said 75: a wrong action
  // on the hearing bench) picked the value from the grammar, not from what was heard. Last,
  // so that a guess refused only for this passed every other check and may be asked back:
  // most such free texts are Whisper going on with its prompt's list ("Hey Jarvis, kitchen
  // light, kitchen lamp, floor" for *dim the kitchen light to twenty percent*), and nothing
  // in them heard another number (docs/stt.md, session 45).
  if (input.numberLead != null && input.numberHeard === false)
    return { source: "free", why: "number-not-heard" };
  return { source: "grammar" };
}

/**
 * True when a guess ends in a comma: Whisper ended the sentence only because the grammar
 * allowed nothing more, while its own punctuation says more speech follows.
 */
export function endsUnfinished(text: string): boolean {
  return /,\s*$/.test(text);
}
