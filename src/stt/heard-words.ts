/**
 * Which words of Whisper's free text say what or which ("kitchen", "lamp", "timer"), and
 * whether a grammar sentence keeps them: the guided pass takes no guess that loses what was
 * heard (guided-pass.ts, chooseTranscript's keepsWords and anchored). Plain string work, apart
 * from the guide's interfaces it serves.
 */

import { TENS_WORDS, UNIT_WORDS } from "../util/number-words.js";

/** Words that say nothing about what or which: articles, fillers, the commands' verbs, the wake phrase. */
const PLAIN_WORDS = new Set(
  [
    "the and for please turn set make put can you could would will this that these those with from into onto its it's all off what hey jarvis now",
    // Pronouns say nothing of the device either: "I'm" one letter from "I'd" let "I'm looking
    // for a door" become "I'd like you to turn it down" (a lamp dimmed, on the hearing bench).
    // Every pronoun's contractions: "we'll" was a name before "switch" (dropsAName), so "We'll
    // switch off the coffee maker." refused "Now switch off the coffee maker." (held out).
    "i'm i'd i'll i've you're you'd you'll you've your we're we'd we'll we've our they're they'd they'll they've their",
    "he's he'd he'll she's she'd she'll it'll that's there's here's let's",
  ]
    .join(" ")
    .split(" "),
);

/**
 * The commands' other verbs. Heard, they still say what or which (the timer is paused, the
 * door locked), but a guess that keeps only its verb and brings its own object guessed the
 * thing acted on: "Hey Jarvis, hold me down." became "Hey, Jarvis, hold the timer." (held
 * out, for *call the plumber*), and "Open the gate." would open the garage door.
 */
const VERBS = new Set(
  [
    "switch shut kill hold pause freeze stop cancel start activate run create change adjust dim brighten",
    "resume unpause continue restart unfreeze add remove subtract take knock increase extend lengthen",
    "decrease reduce shorten cut raise lift lower open close lock unlock disarm check show tell",
  ]
    .join(" ")
    .split(" "),
);

/**
 * True when the grammar sentence keeps at least one of the words that say what or which in
 * the free text (a word of 3+ letters, not a plain word; near spellings count: "time" and
 * "timer", "like" and "lock"), or the free text has none. A near-miss of a command keeps its
 * nouns ("In the kitchen light" -> "Turn on the kitchen light"); a command for a device the
 * home does not have decodes to another device's sentence with none of them ("Turn on the
 * kitchen light" -> "Turn on the switch", measured at -1.31 against a free -0.40, inside
 * every score threshold), and acting on that would be a wrong action. When the free text
 * has words of a device's name or an area (`named`: TranscriptGuide.nameWords), the
 * sentence must keep one of them; when it has any word besides the commands' verbs, the
 * sentence must keep what it acts on, not only its verb (keepsAnObject).
 */
export function keepsHeardWords(free: string, guided: string, named: readonly string[] = []): boolean {
  const heard = heardWords(free);
  if (heard.length === 0) return true;
  const said = words(guided);
  // Two words of the guess written as one count too: "coffeemaker" heard is "coffee maker" kept.
  const spellings = [...said, ...namePairs(said)];
  const kept = (word: string) => spellings.some((g) => nearWords(word, g));
  // A guess may mend how a command was said, not what it is about: "Hey Jarvis, hold up,
  // lamp." -> "Hey Jarvis, hold the timer." kept "hold" and lost the lamp (held out, for
  // *call the plumber*: a timer paused).
  if (named.length > 0 && !named.some(kept)) return false;
  if (heard.some((word) => !VERBS.has(word)) && !keepsAnObject(free, spellings)) return false;
  return heard.some(kept) && !dropsAName(free, kept) && !dropsAll(free, said) && !addsAll(free, guided);
}

/**
 * True when the free text says "all" and the guess does not: "Hey Jarvis, join all the
 * lights." -> "Hey Jarvis, turn off the light." (said *turn off all the lights*) acted on the
 * board's area alone, a wrong action on the hearing bench. "all" says which, though as a
 * plain word it anchors nothing.
 */
function dropsAll(free: string, said: readonly string[]): boolean {
  return words(free).includes("all") && !saysAll(said);
}

const ALL_WORDS = new Set(["all", "every", "everything", "everywhere"]);
const saysAll = (list: readonly string[]) => list.some((word) => ALL_WORDS.has(word));

/**
 * True when the guess says "all" (or "every") and the free text does not: "Here Jarvis turn
 * off the hall, we're light." -> "Hey Jarvis, turn off, all the light." switched off every
 * light for a hallway light the home does not have (hearing bench, session 29). No guess that
 * brought its own "all" was right on the stored decode runs.
 */
export function addsAll(free: string, guided: string): boolean {
  return saysAll(words(guided)) && !saysAll(words(free));
}

/**
 * True when the guess keeps some word heard freely that is not one of the commands' verbs
 * (near enough), or what it acts on ("make" heard of the coffee maker), or there is no such
 * word: keepsHeardWords without its further rules. "Here Jarvis, hold the plumber." ->
 * "Hey Jarvis, hold the timer." keeps only its verb: nothing.
 */
export function keepsAnyHeardWord(free: string, guided: string): boolean {
  const heard = heardWords(free).filter((word) => !VERBS.has(word));
  const said = words(guided);
  const spellings = [...said, ...namePairs(said)];
  if (heard.length === 0 || keepsAnObject(free, spellings)) return true;
  return heard.some((word) => spellings.some((g) => nearWords(word, g)));
}

/** A word that can say what is acted on: neither one of the commands' verbs nor a plain word. */
const isObjectWord = (word: string | undefined): word is string =>
  word !== undefined && !VERBS.has(word) && !PLAIN_WORDS.has(word);

/** Adjacent words of a name written as one: "coffee maker" -> "coffeemaker" (not "hold the" -> "holdthe"). */
function namePairs(said: readonly string[]): string[] {
  return said
    .slice(1)
    .flatMap((word, i) => (isObjectWord(said[i]) && isObjectWord(word) ? [`${said[i]}${word}`] : []));
}

/**
 * True when a word of the guess that is neither a verb nor a plain word was heard, near
 * enough, in the free text: its object, not only its verb ("make" heard is the "maker" of the
 * coffee maker, though "make" alone is a plain word).
 */
function keepsAnObject(free: string, spellings: readonly string[]): boolean {
  const objects = spellings.filter(isObjectWord);
  return words(free).some((word) => word.length >= 3 && objects.some((g) => nearWords(word, g)));
}

/**
 * True when a sentence made of `vocabulary` (TranscriptGuide.words) could keep a word heard
 * in `free`, or nothing was heard: false when no heard word is near any of them ("What is on
 * TV tonight?" in a home of lights and timers), so no guess keeps one and only a guess Whisper
 * finds likelier than its own text could be taken (chooseTranscript's other-words). Words with
 * a digit or an apostrophe always count: a guess may write them otherwise than the graph spells.
 */
export function couldKeepHeardWords(free: string, vocabulary: ReadonlySet<string>): boolean {
  const heard = heardWords(free);
  if (heard.length === 0) return true;
  const keepable = (word: string) =>
    /[\d']/.test(word) ||
    vocabulary.has(word) ||
    // Either way round: "coffeemaker" heard may be kept by two words of the graph (keepsHeardWords' pairs).
    [...vocabulary].some((v) => nearWords(word, v) || nearWords(v, word));
  return heard.some(keepable);
}

/**
 * True when the free text names something the guess leaves out: in a run of words that say
 * what or which, the last is kept but the one before it is not. "Turn off the battery light"
 * -> "turn off the lights" keeps "light" and drops the name before it, and acting on the
 * lights of the board's area is a wrong action (measured on the hearing bench); "have a floor
 * lamp 30%" -> "set the floor lamp to 30%" keeps both. Only the word right before the last one
 * counts, so a filler further ahead ("actually living room lamp") is no name.
 */
function dropsAName(free: string, kept: (word: string) => boolean): boolean {
  let run: string[] = [];
  const endsBadly = () =>
    run.length >= 2 && kept(run[run.length - 1] as string) && !kept(run[run.length - 2] as string);
  for (const word of words(free)) {
    // A number is no name: "ten minutes" heard, "10 minutes" guessed keeps it, and the number
    // checks judge its value (number-values.ts changesNumber). "Time for ten minutes." ->
    // "Timer for 10 minutes." was refused here on the hearing bench.
    if (isHeardWord(word) && !isNumberWord(word)) {
      run.push(word);
      continue;
    }
    if (endsBadly()) return true;
    run = [];
  }
  return endsBadly();
}

/**
 * True when the guess keeps a word of a device's name heard freely ("light") but not the word
 * heard right before it, and says which device itself. Bare, it leaves the board's area to
 * say which: "Hey Jarvis, join the garden light." -> "Hey Jarvis, turn on the light." (a home
 * without a garden light, on the hearing bench, session 29). With a name of its own, not heard,
 * in the place of a word that names nothing in the home, it picks a device the person may not
 * have: "turn on the bathroom light." -> "turn on, bedroom light." led Whisper's free text and
 * lit the bedroom for a bathroom the home lacks (daemon bench, session 29), where "bathroom
 * light, 40%" -> "set the bedroom light to 40%" was right. The audio cannot tell them apart,
 * so such a guess is asked back, not taken on its lead. A home name heard in its place
 * ("kitchen light" -> "bedroom light") is a choice between the home's devices: the scores judge it.
 * `isName`: a word of a device's name, alias or area (TranscriptGuide.nameWords);
 * `isWholeName`: such a word that names one alone ("heating"), which needs no name before it.
 */
export function dropsADeviceName(
  free: string,
  guided: string,
  isName: (word: string) => boolean,
  isWholeName: (word: string) => boolean = () => false,
): boolean {
  const heardText = words(free);
  const said = words(guided);
  const kept = (word: string) => said.some((g) => nearWords(word, g));
  const heardSomewhere = (word: string) => heardText.some((w) => nearWords(w, word));
  // The device word itself, singular or plural ("room" heard is no "bedroom"), and whether the
  // guess names it otherwise than the person did.
  const picksItself = (word: string, dropped: string) => {
    const j = said.findIndex((g) => g === word || g === `${word}s` || `${g}s` === word);
    const found = said[j];
    if (found === undefined || !isName(found) || isWholeName(found)) return false;
    const before = said[j - 1] ?? "";
    if (!isName(before)) return true;
    return !isName(dropped) && !heardSomewhere(before);
  };
  let previous: string | null = null;
  for (const word of heardText) {
    const heard = isHeardWord(word) && !isNumberWord(word);
    if (heard && previous !== null && !kept(previous) && picksItself(word, previous)) return true;
    previous = heard ? word : null;
  }
  return false;
}

/** Endings that change a word's tense or number, not what it names ("cancel" -> "cancelled"). */
const INFLECTIONS = new Set(["s", "es", "d", "ed", "led", "ing", "ling"]);

/** Lower-cased words as the checks compare them (letters, digits, apostrophes). */
export const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9']+/g) ?? [];

/** The words of a free text that say what or which: 3+ letters, not a plain word. */
export function heardWords(free: string): string[] {
  return words(free).filter(isHeardWord);
}

const isHeardWord = (word: string) => word.length >= 3 && !PLAIN_WORDS.has(word);

const NUMBER_WORDS = new Set<string>([...UNIT_WORDS, ...TENS_WORDS, "hundred"]);
const isNumberWord = (word: string) => /^\d+$/.test(word) || NUMBER_WORDS.has(word);

/**
 * Equal, or one letter apart, or (4+ letters) `heard` the start or the end of `guessed`:
 * "time" kept as "timer", "room" heard of "bedroom" (which room, the scores decide among the
 * names). Not the other way: a guess that keeps only a part of a longer word heard dropped
 * what the rest said, and "Save the bedroom light for 40%" kept "bedroom" as the "room" of
 * "Set, living room light to 40 percent." (a wrong action on the hearing bench, session 20).
 */
function nearWords(heard: string, guessed: string): boolean {
  if (heard === guessed) return true;
  // The guess's word with an ending Whisper added: "cancelled" heard of *cancel the timer*.
  if (guessed.length >= 4 && heard.startsWith(guessed) && INFLECTIONS.has(heard.slice(guessed.length)))
    return true;
  if (
    heard.length >= 4 &&
    guessed.length > heard.length &&
    (guessed.startsWith(heard) || guessed.endsWith(heard))
  )
    return true;
  if (Math.abs(heard.length - guessed.length) > 1) return false;
  let i = 0;
  while (i < heard.length && heard[i] === guessed[i]) i++;
  // One substitution, insertion or deletion at the first difference.
  return (
    heard.slice(i + 1) === guessed.slice(i + 1) ||
    heard.slice(i) === guessed.slice(i + 1) ||
    heard.slice(i + 1) === guessed.slice(i)
  );
}
