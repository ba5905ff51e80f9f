import { chooseTranscript, droppedAsUnsure, type GuidedVerdict, type TranscriptGuide } from "./guide.js";
import { type LeadChecks, questionInstead } from "./guided-checks.js";
import type { FreePass, GuidedSettings, Hypothesis } from "./guided-types.js";
import { addsAll, dropsADeviceName, heardWords, keepsAnyHeardWord, keepsHeardWords } from "./heard-words.js";
import { completesHalfSentence, guessUnfinished } from "./last-word.js";
import type { NumberLead } from "./number-lead.js";
import { changesNumber, forHeardAsForty, hasNumber } from "./number-values.js";
import { hasStateWord } from "./state-words.js";

/** A search's best sentence with the decision on it and the leads that were checked for it. */
export type Judged = {
  verdict: GuidedVerdict;
  hypothesis: Hypothesis | null;
  lead: NumberLead | null;
  actionLead?: NumberLead;
  nameLead?: NumberLead;
  /** The taken guess's lead over the question about its device (questionChecked). */
  questionLead?: NumberLead;
  rescued?: boolean;
};

/**
 * Whether the grammar's sentence replaces the free text (chooseTranscript). Only a guess
 * that would be taken has its number and then its action checked: each check costs a few
 * batched decoder steps. `named`: the free text's name words a guess must keep one of.
 */
export async function judgeGuess(
  checks: LeadChecks,
  settings: GuidedSettings,
  free: FreePass,
  guide: TranscriptGuide,
  hypothesis: Hypothesis | null,
  named: readonly string[],
): Promise<Judged> {
  const decide = (numberLead: number | null, actionLead: number | null) =>
    chooseTranscript({
      freeUnderstood: false,
      freeScore: free.avgLogprob,
      guided: hypothesis,
      contradicts: hypothesis ? guide.contradicts(free.text, hypothesis.text) : false,
      keepsWords: hypothesis ? keepsHeardWords(free.text, hypothesis.text, named) : true,
      wakeAndNothingKept: hypothesis ? wakeAndNothingKept(guide, free.text, hypothesis.text) : false,
      freeListsPrompt: settings.listedPrompt !== 0 && free.listsPrompt === true,
      guessesWhich: hypothesis ? guessesWhich(guide, free.text, hypothesis.text) : false,
      anchored: heardWords(free.text).length > 0,
      sensitive: hypothesis ? guide.isSensitive(hypothesis.text) : false,
      thresholds: settings.thresholds,
      numberLead,
      numberHeard: hasNumber(free.text),
      numberChanged:
        settings.keepNumbers !== 0 && hypothesis ? changesNumber(free.text, hypothesis.text) : false,
      forAsForty: hypothesis ? forHeardAsForty(free.text, hypothesis.text) : false,
      actionLead,
      stateHeard: hasStateWord(free.text, settings.directionRivals !== 0),
      unfinished:
        settings.unfinished !== 0 && hypothesis ? guessUnfinished(free.text, hypothesis.text) : false,
      readsOtherwise: hypothesis ? readsOtherwise(guide, free.text, hypothesis.text) : false,
      completesHalf: hypothesis ? completesHalfSentence(free.text, hypothesis.text, isNameOf(guide)) : false,
      nameRivals: hypothesis ? (guide.rivalNames?.(free.text, hypothesis.text).length ?? 0) > 0 : false,
    });
  const verdict = decide(null, null);
  if (verdict.source !== "grammar" || !hypothesis) return { verdict, hypothesis, lead: null };
  const lead = await checks.numberIfOn(free, hypothesis.text, guide);
  const afterNumber = decide(lead?.lead ?? null, null);
  if (afterNumber.source !== "grammar") return { verdict: afterNumber, hypothesis, lead };
  const actionLead = await checks.actionIfOn(free, hypothesis.text, guide);
  return {
    verdict: decide(lead?.lead ?? null, actionLead?.lead ?? null),
    hypothesis,
    lead,
    ...(actionLead ? { actionLead } : {}),
  };
}

/**
 * A guess that picks its devices by kind ("turn on the light"), about to be taken, is held to
 * the check an understood free text gets (LeadChecks.name): its lead over itself with each of
 * the home's names. Said without a name, such guesses led by 11-13 nats on the clean bench;
 * "Hey Jarvis, turn on the door and light." for *the garden lights* (no such light here) was
 * guessed "... turn on the light." by 4.6 and lit the board's room (session 34). Below the bar
 * (stt.guided_min_name_lead) the guess is refused as `missed-name` and the free text goes on
 * (passedOn). A guess refused already is not checked: asking "did you mean turn on the
 * light?" about a half sentence ("Hey Jarvis, turn on the") is meant (last-word), and a "no"
 * costs nothing. GuidedSettings.guessNames 0: not checked (a bench peer).
 */
export async function nameChecked(
  checks: LeadChecks,
  settings: GuidedSettings,
  free: FreePass,
  guide: TranscriptGuide,
  judged: Judged,
): Promise<Judged> {
  const { verdict, hypothesis } = judged;
  const bar = settings.thresholds.minNameLead;
  if (!hypothesis || !bar || settings.guessNames === 0 || verdict.source !== "grammar") return judged;
  const nameLead = await checks.name(free, hypothesis.text, guide);
  if (!nameLead) return judged;
  if (nameLead.lead >= bar) return { ...judged, nameLead };
  return { ...judged, verdict: { source: "free", why: "missed-name" }, nameLead };
}

/**
 * A guess about to be taken that switches devices without a verb is held to the question
 * whether they are so (LeadChecks.questionIfOn), as an understood free text is: "Hey Jarvis, kitchen
 * light, home." for *is the kitchen light on* was guessed "... kitchen light, on." and lit it.
 * Below the bar the question goes on instead (questionAsked): it changes nothing.
 */
export async function questionChecked(
  checks: LeadChecks,
  free: FreePass,
  guide: TranscriptGuide,
  judged: Judged,
): Promise<Judged> {
  const { verdict, hypothesis } = judged;
  if (!hypothesis || verdict.source !== "grammar") return judged;
  const questionLead = await checks.questionIfOn(free, hypothesis.text, guide);
  return questionLead ? { ...judged, questionLead } : judged;
}

/** What a guess still meets before it is taken: the name check, then the question check. */
export async function finalChecks(
  checks: LeadChecks,
  settings: GuidedSettings,
  free: FreePass,
  guide: TranscriptGuide,
  judged: Judged,
): Promise<Judged> {
  return questionChecked(checks, free, guide, await nameChecked(checks, settings, free, guide, judged));
}

/** The question that goes on instead of the taken guess (questionChecked), or null. */
export function questionAsked(judged: Judged, bar: number | undefined): string | null {
  return questionInstead(judged.questionLead, bar);
}

/** True when the guess begins with the wake phrase (said in one breath) and keeps no word of `free` (keepsAnyHeardWord). */
export function wakeAndNothingKept(guide: TranscriptGuide, free: string, guessed: string): boolean {
  return !!guide.startsWithWake?.(guessed) && !keepsAnyHeardWord(free, guessed);
}

/**
 * True when the guess says which devices on its own: it says a device word heard without the
 * name heard before it, bare or with a name of its own (dropsADeviceName), or it says "all"
 * where nothing heard did (addsAll).
 */
export function guessesWhich(guide: TranscriptGuide, free: string, guessed: string): boolean {
  if (addsAll(free, guessed)) return true;
  if (!guide.nameWords) return false;
  return dropsADeviceName(free, guessed, isNameOf(guide), (word) => guide.isWholeName?.(word) ?? false);
}

/** A word of one of the home's device names, aliases or areas (TranscriptGuide.nameWords). */
const isNameOf = (guide: TranscriptGuide) => (word: string) => (guide.nameWords?.(word).length ?? 0) > 0;

/** True when the intent stage would act on the free text, and not as the guess asks (bench/replay-refusals.ts replays it). */
export function readsOtherwise(guide: TranscriptGuide, free: string, guessed: string): boolean {
  const read = guide.readsAs?.(free) ?? null;
  return read !== null && read !== guide.meaning(guessed);
}

/**
 * The text the pass hands on: the guess when taken; otherwise the free text, unless what
 * refused the guess leaves the free text no surer (a number or action Whisper nearly heard
 * otherwise: droppedAsUnsure), or the guess was refused as unsure and the intent stage's loose
 * reading of the free text asks for something else ("Hey Jarvis, I'm living room lamp, 15%"
 * read as 15, guessed "... 50%." and refused by its margin, said 50: the lamp went to 15 on
 * the hearing bench). Then "" (no command; the guess may still be asked back).
 */
export function passedOn(
  guide: TranscriptGuide,
  free: string,
  verdict: GuidedVerdict,
  hypothesis: Hypothesis | null,
): string {
  if (verdict.source === "grammar" && hypothesis) return hypothesis.text;
  // The name check (nameChecked) doubts the guess, not the free text: that goes on as after
  // any unsure refusal (a question for the fallback, "what's the weather like?", stays one).
  if (verdict.source === "free" && verdict.why !== "missed-name" && droppedAsUnsure(verdict.why)) return "";
  return hypothesis && readsOtherwise(guide, free, hypothesis.text) ? "" : free;
}
