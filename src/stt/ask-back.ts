import { endsUnfinished, type TranscriptGuide } from "./guide.js";
import type { Transcript } from "./transcriber.js";

/**
 * The refusals that say only "not sure enough": the guess kept too few of the words heard
 * freely (`other-words`), scored too low, led its rivals by too little, fell too far below
 * the free text, or took an "on" or "off" the free text did not have by a hair over the other
 * (`ambiguous-state`), or named one of two devices a name heard in part fits, by a hair
 * (`ambiguous-name`); or the free text is understood, but the last word it cannot do without
 * may be Whisper's own completion of a half sentence (`last-word`); or the guess passed every
 * other check but brings a number the free text had none of (`number-not-heard`: mostly Whisper
 * going on with its prompt's list instead of hearing the command). Nothing in the free text
 * contradicts it (an action, a number), so the person can be asked whether it is what they
 * said. The others say the free text heard something else (`contradicts`, `number-changed`, `reads-otherwise`, `ambiguous-*`): asking about the
 * guess would offer what Whisper itself heard against.
 */
const UNSURE_ONLY = new Set([
  "other-words",
  "low-score",
  "low-margin",
  "below-free",
  "ambiguous-state",
  "ambiguous-name",
  "last-word",
  "number-not-heard",
]);

/**
 * The guided pass's refused guess worth asking back ("did you mean ...?") instead of saying
 * "sorry": refused only for being unsure, scored at least `minScore` per token, and a whole
 * sentence (not one ending where Whisper heard more). Null: nothing to ask; `minScore`
 * undefined turns asking off. Pure.
 *
 * Why ask at all: on the hearing bench (docs/stt.md, session 21) the guesses refused this way
 * at -1.1 or better were right 19 times and wrong 10 (of 432 clips): acting on them would make
 * 10 wrong actions, dropping them loses 19 right commands; a question costs one "yes" and a
 * wrong one only a "no".
 */
export function askBack(
  guided: { why: string; text?: string | undefined; score?: number | undefined } | undefined,
  minScore: number | undefined,
): string | null {
  if (minScore === undefined || !guided?.text || guided.score === undefined) return null;
  if (!UNSURE_ONLY.has(guided.why) || guided.score < minScore) return null;
  return endsUnfinished(guided.text) ? null : guided.text;
}

/**
 * The home's other device names that what was heard fits as well, for a guess asked back
 * because it named one of them by a hair (`ambiguous-name`): "did you mean turn on the bedroom
 * light? say yes, or say the living room light". Empty for any other question.
 */
export function namesAlsoHeard(
  why: string,
  free: string | undefined,
  asked: string,
  guide: Pick<TranscriptGuide, "rivalNames">,
): string[] {
  if (why !== "ambiguous-name" || free === undefined) return [];
  return guide.rivalNames?.(free, asked) ?? [];
}

/**
 * The asked request the other way round, for an "on" or "off" Whisper wrote by a hair over
 * the other word (`ambiguous-state`): "did you mean turn off the fan? say yes, or say turn on
 * the fan". Whisper cannot be trusted to hear "no, on" (whisper-tiny wrote "No." for it in 4
 * of 5 espeak-ng voices, and nothing at all for "on" or "off" said alone: docs/conversation.md),
 * but a whole request it is guided to hear. Empty for any other question.
 */
export function requestsAlsoHeard(
  why: string,
  asked: string,
  guide: Pick<TranscriptGuide, "stateFlips">,
): string[] {
  return why === "ambiguous-state" ? (guide.stateFlips?.(asked) ?? []) : [];
}

/**
 * A transcript's question, when it has one (Transcript.askBack, .otherNames, .otherRequests):
 * the sentence refused for `why` asked back, and the other names or requests it offers.
 * Empty: nothing to ask.
 */
export function question(
  why: string,
  asked: { text?: string | undefined; score?: number | undefined },
  free: string | undefined,
  minScore: number | undefined,
  guide: Pick<TranscriptGuide, "rivalNames" | "stateFlips">,
): Pick<Transcript, "askBack" | "otherNames" | "otherRequests"> {
  const text = askBack({ why, ...asked }, minScore);
  if (!text) return {};
  const otherNames = namesAlsoHeard(why, free, text, guide);
  const otherRequests = requestsAlsoHeard(why, text, guide);
  return {
    askBack: text,
    ...(otherNames.length > 0 ? { otherNames } : {}),
    ...(otherRequests.length > 0 ? { otherRequests } : {}),
  };
}
