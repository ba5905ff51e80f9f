/**
 * Which words of Whisper's free text say what or which ("kitchen", "lamp", "timer"), and
 * whether a grammar sentence keeps them: the guided pass takes no guess that loses what was
 * heard (guided-pass.ts, chooseTranscript's keepsWords and anchored). Plain string work, apart
 * from the guide's interfaces it serves.
 */

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
 * True when the grammar sentence keeps at least one of the words that say what or which in
 * the free text (a word of 3+ letters, not a plain word; near spellings count: "time" and
 * "timer", "like" and "lock"), or the free text has none. A near-miss of a command keeps its
 * nouns ("In the kitchen light" -> "Turn on the kitchen light"); a command for a device the
 * home does not have decodes to another device's sentence with none of them ("Turn on the
 * kitchen light" -> "Turn on the switch", measured at -1.31 against a free -0.40, inside
 * every score threshold), and acting on that would be a wrong action. When the free text
 * has words of a device's name or an area (`named`: TranscriptGuide.nameWords), the
 * sentence must keep one of them.
 */
export function keepsHeardWords(free: string, guided: string, named: readonly string[] = []): boolean {
  const heard = heardWords(free);
  if (heard.length === 0) return true;
  const said = words(guided);
  const kept = (word: string) => said.some((g) => nearWords(word, g));
  // A guess may mend how a command was said, not what it is about: "Hey Jarvis, hold up,
  // lamp." -> "Hey Jarvis, hold the timer." kept "hold" and lost the lamp (held out, for
  // *call the plumber*: a timer paused).
  if (named.length > 0 && !named.some(kept)) return false;
  return heard.some(kept) && !dropsAName(free, kept);
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
    /[\d']/.test(word) || vocabulary.has(word) || [...vocabulary].some((v) => nearWords(word, v));
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
    if (isHeardWord(word)) {
      run.push(word);
      continue;
    }
    if (endsBadly()) return true;
    run = [];
  }
  return endsBadly();
}

const words = (text: string) => text.toLowerCase().match(/[a-z0-9']+/g) ?? [];

/** The words of a free text that say what or which: 3+ letters, not a plain word. */
export function heardWords(free: string): string[] {
  return words(free).filter(isHeardWord);
}

const isHeardWord = (word: string) => word.length >= 3 && !PLAIN_WORDS.has(word);

/**
 * Equal, or one letter apart, or (4+ letters) one the start or the end of the other: "time"
 * and "timer", "room" heard of "bedroom" (which room, the scores decide among the names).
 */
function nearWords(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 4 && (long.startsWith(short) || long.endsWith(short))) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  // One substitution, insertion or deletion at the first difference.
  return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i);
}
