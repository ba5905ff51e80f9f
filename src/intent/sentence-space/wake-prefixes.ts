import { tokenize } from "../text/normalize.js";

/**
 * Words Whisper writes for the unstressed first word of a wake phrase: "Here Jarvis," and
 * "Okay, Jarvis," for *hey jarvis* (two of the six hearing-bench voices mostly say "Here").
 * The pipeline strips any one word before the phrase's last (stripWakePhrase); the sentence
 * space allows these few, so a guess can follow what Whisper hears there instead of forcing
 * "Hey" over it and starting the command misaligned ("Cancel the timer" at -2.1 per token
 * after "Here Jarvis, can't feel the timer.").
 */
const OPENERS = ["hey", "here", "hi", "okay", "a"];

/**
 * Every way a transcript may start with one of the wake phrases, longest first: the whole
 * phrase, its ends ("jarvis": the detector fires before the phrase is over, so the pre-roll
 * may hold only its end), and a two-word phrase or longer with another opener.
 */
export function wakePrefixes(wakePhrases: readonly string[]): string[][] {
  const out = new Map<string, string[]>();
  for (const words of wakePhrases.map((p) => tokenize(p))) {
    for (let i = 0; i < words.length; i++) out.set(words.slice(i).join(" "), words.slice(i));
    if (words.length < 2) continue;
    for (const opener of OPENERS) out.set([opener, ...words.slice(1)].join(" "), [opener, ...words.slice(1)]);
  }
  return [...out.values()].sort((a, b) => b.length - a.length);
}
