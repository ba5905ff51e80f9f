import { endsUnfinished } from "./guide.js";
import type { FreePass } from "./guided-types.js";
import { heardWords, words } from "./heard-words.js";
import type { WhisperTokenizer } from "./tokenizer.js";

/**
 * Written where a sentence ends as it stands. "..." too: Whisper writes it after a half
 * sentence ("Turn on the...").
 */
const STOPS = [".", "...", "!", "?"];

/** End-of-text and the tokens of STOPS that are one token each (all of them, for Whisper's vocabulary). */
export function sentenceStops(tokenizer: WhisperTokenizer, eot: number): number[] {
  const out = [eot];
  for (const stop of STOPS) {
    const ids = tokenizer.encode(stop);
    if (ids.length === 1 && ids[0] !== undefined) out.push(ids[0]);
  }
  return out;
}

/** What the free pass's greedy decoding leaves for the check (decode.ts greedyDecode). */
export type ScoredTokens = Pick<FreePass, "tokenIds" | "logprobs" | "stopLogprobs">;

export interface LastWordLead {
  /**
   * Log-probability of the last word and all that follows it (its punctuation, end-of-text)
   * minus that of ending the sentence before it. An upper bound of the ending's own total:
   * what would follow "." there (end-of-text, near 0) is not scored.
   */
  lead: number;
  /** The text before the last word, as Whisper wrote it, untrimmed of its punctuation. */
  before: string;
  word: string;
}

/**
 * How much likelier the free text's last word was than the sentence ending before it, read
 * from the free pass's own rows. Whisper completes a half sentence from what usually follows:
 * "Turn on the..." said, "Turn on the lights." written; the audio of the missing word is
 * not there, so the word leads its stop by little. Null when the text did not end with
 * end-of-text, has no word before the last, or the scores are absent.
 */
export function lastWordLead(free: ScoredTokens, tokenText: (id: number) => string): LastWordLead | null {
  const { tokenIds: ids, logprobs, stopLogprobs } = free;
  if (!ids || !logprobs || !stopLogprobs || logprobs.length !== ids.length + 1) return null;
  let end = ids.length;
  while (end > 0 && !hasWordCharacter(tokenText(ids[end - 1] as number))) end--;
  let start = end - 1;
  while (start > 0 && !/^\s/.test(tokenText(ids[start] as number))) start--;
  if (start <= 0 || end === 0) return null;
  const stop = stopLogprobs[start];
  if (stop === undefined) return null;
  let own = 0;
  for (let i = start; i < logprobs.length; i++) own += logprobs[i] as number;
  const text = (from: number, to: number) =>
    ids
      .slice(from, to)
      .map((id) => tokenText(id))
      .join("");
  return { lead: own - stop, before: text(0, start).trim(), word: text(start, end).trim() };
}

/**
 * Words a sentence does not end on: an article, a possessive, a preposition, "and". A
 * sentence cut after a noun ("Turn off the bedroom.") reads as whole to Whisper as well, so
 * the last word of "Turn off the bedroom fan." leads its stop by little (0.2-1.5 nats on the
 * hearing clips, said and heard right); after "the" a word heard leads by 3.7 or more.
 */
const DANGLING = new Set([
  "the",
  "a",
  "an",
  "my",
  "our",
  "your",
  "all",
  "to",
  "of",
  "in",
  "into",
  "at",
  "for",
  "and",
  "or",
  "with",
]);

/** True when `text` stops on a word that leaves its sentence unfinished ("Turn on the", "Set the..."). */
export function endsDangling(text: string): boolean {
  const last = words(text).at(-1);
  return last !== undefined && DANGLING.has(last);
}

/**
 * True when Whisper's free text stops on a dangling word ("Hey Jarvis, turn on the") and
 * the guess only goes on from there ("Hey Jarvis, turn on the light."): where Whisper ended
 * the sentence, the grammar finished it, and the word it added is its likeliest, not one
 * heard (the half sentence *turn on the* switched on a light through the daemon). Likewise a
 * free text that stops on a name (`isName`: TranscriptGuide.nameWords) where the guess goes on
 * with another: "please turn on the bedroom." -> "please turn on the bedroom lamp." (said *the
 * bedroom fan*, a wrong action through the daemon, session 29); "kitchen light," -> "kitchen
 * light, on." adds no name and stays the scores' to judge.
 */
export function completesHalfSentence(
  free: string,
  guess: string,
  isName: (word: string) => boolean = () => false,
): boolean {
  const heard = words(free);
  const guessed = words(guess);
  // The free text's last words, found in the guess with more after them.
  const tail = heard.slice(-3);
  const at = lastRunAt(guessed, tail, guessed.length - tail.length - 1);
  if (at < 0) return false;
  if (endsDangling(free)) return true;
  return isName(heard.at(-1) ?? "") && isName(guessed[at + tail.length] ?? "");
}

/**
 * True when a guess is at best the start of what was said: it ends in a comma (guide.ts
 * endsUnfinished), on a word no sentence ends on ("Hey Jarvis, turn off, light, and" for
 * "Here Jarvis, turn off the lights and kitchen.": the trailing "and" is a filler the grammar
 * allows, and the board's own area went dark on the hearing bench), or where the free text
 * goes on (stopsShortOfHeard).
 */
export function guessUnfinished(free: string, guess: string): boolean {
  return endsUnfinished(guess) || endsDangling(guess) || stopsShortOfHeard(free, guess);
}

/**
 * True when the guess ends where the free text goes on with words that say what or which:
 * "Hey Jarvis, turn on the light in the bathroom." -> "Hey Jarvis, turn on the light" (the
 * grammar has no bathroom, so the search ended early) switched on the board's own area's
 * lights, four wrong actions on the hearing bench (session 26). The guess is the part of a
 * command at best, as one ending in a comma is (guide.ts endsUnfinished).
 */
export function stopsShortOfHeard(freeText: string, guess: string): boolean {
  // "20%" guessed is "20 percent" heard: the grammar writes the sign, Whisper either.
  const free = freeText.replaceAll("%", " percent");
  const guessed = words(guess.replaceAll("%", " percent")).map(singular);
  if (guessed.length < 2) return false;
  const tail = guessed.slice(-3);
  // Sentence by sentence, from the last: a guess ending where Whisper ended a sentence ("What
  // time is it?" of "What time is it? I think it's half past seven.") dropped nothing of it.
  const sentences = free.split(/[.?!]+/).reverse();
  for (const sentence of sentences) {
    const said = words(sentence);
    const heard = said.map(singular);
    // The last place the guess's end was heard: what follows it there was dropped.
    const at = lastRunAt(heard, tail, heard.length - tail.length);
    if (at < 0) continue;
    const dropped = heardWords(said.slice(at + tail.length).join(" "));
    return dropped.some((word) => !COURTESY.has(word));
  }
  return dropsAfterLastWord(free, guessed);
}

/**
 * The guess's last word alone, found in the free text with words after it that the guess
 * has nowhere: "Hey Jarvis, join the lights in the bedroom." -> "Hey Jarvis, turn on the
 * light" lit the living room on the noisy hearing bench; the verb was misheard, so its last
 * three words were never heard together. Words the guess keeps elsewhere are not dropped:
 * "Turn the light on in the kitchen." is "Turn on the kitchen light.".
 */
function dropsAfterLastWord(free: string, guessed: readonly string[]): boolean {
  const last = guessed.at(-1);
  if (last === undefined || endsDangling(last)) return false;
  const kept = new Set(guessed);
  for (const sentence of free.split(/[.?!]+/).reverse()) {
    const said = words(sentence);
    const at = said.map(singular).lastIndexOf(last);
    if (at < 0) continue;
    return heardWords(said.slice(at + 1).join(" ")).some(
      (word) => !COURTESY.has(word) && !kept.has(singular(word)),
    );
  }
  return false;
}

/** The last index, at most `latest`, where `run` stands in `list` word for word; -1: nowhere. */
function lastRunAt(list: readonly string[], run: readonly string[], latest: number): number {
  for (let at = latest; at >= 0; at--) {
    if (run.every((word, i) => list[at + i] === word)) return at;
  }
  return -1;
}

/**
 * Words after a command that say nothing of which thing it acts on: "..., thanks", and a
 * level's unit ("to 100" guessed of "100 percent" heard; the number checks judge the value).
 */
const COURTESY = new Set(["thanks", "thank", "cheers", "mate", "buddy", "man", "sir", "percent"]);

/** "lights" heard is the guess's "light": the grammar picks the number its sentence has. */
function singular(word: string): string {
  return word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word;
}

function hasWordCharacter(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}
