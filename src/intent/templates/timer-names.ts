import { parseNumber, TENS_WORDS, UNIT_WORDS } from "../text/numbers.js";
import type { TemplateSet } from "./types.js";

/** A timer's free name is at most this many words: "pizza", "kids bath", "grandma's apple pie" is not. */
export const MAX_TIMER_LABEL_WORDS = 3;

/**
 * Words that are never part of a free timer name: the sentence's own words around it (verbs,
 * articles, "timer", "for", "called"), durations and numbers, and the words that pick a timer
 * another way ("the last one", "all timers"). Without them "set a timer for ten minutes"
 * could read "set a" as a name.
 */
const NOT_A_NAME = new Set([
  ...["a", "an", "the", "my", "me", "this", "that", "these", "those", "it", "its", "and", "or", "of"],
  ...["for", "to", "on", "in", "at", "by", "from", "off", "with", "called", "named", "timer", "timers"],
  ...["set", "start", "create", "make", "cancel", "stop", "delete", "remove", "end", "clear", "kill"],
  ...["pause", "resume", "unpause", "add", "take", "how", "much", "long", "left", "time", "is", "what"],
  ...["last", "latest", "newest", "all", "every", "each", "another", "other", "next", "first", "one"],
  ...["hour", "hours", "minute", "minutes", "second", "seconds", "min", "mins", "sec", "secs", "half"],
  ...["quarter", "please", "now", "again", ...UNIT_WORDS, ...TENS_WORDS, "hundred"],
]);

/**
 * A free timer name ("zucchini", "kids bath"): 1 to MAX_TIMER_LABEL_WORDS plain words, none
 * of them a sentence word or a number; null otherwise. Pure.
 */
export function readTimerLabel(words: readonly string[]): string | null {
  if (words.length === 0 || words.length > MAX_TIMER_LABEL_WORDS) return null;
  const plain = (w: string) => /^[a-z][a-z']*$/.test(w) && !NOT_A_NAME.has(w) && parseNumber([w]) === null;
  return words.every(plain) ? words.join(" ") : null;
}

/**
 * Any short name said before "timer" or after "called": `{timer_label}`, Home Assistant's free
 * `name` slot of the timer intents, bounded to a few plain words (readTimerLabel). The matcher
 * takes a listed name ({timer_name}) before a free one. Guided speech recognition knows only
 * the listed names: the sentence space holds {timer_label} as the {timer_name} list, so a name
 * outside it must be heard right by Whisper alone (it then needs no guided pass: the templates
 * understand it as it is). docs/timers.md.
 */
export const TIMER_NAME_TEMPLATES: TemplateSet = {
  intents: {
    HassStartTimer: {
      data: [
        {
          sentences: [
            "<start> [a|an|the|me a] {timer_label} timer (for|of) {duration}",
            "<start> [a|an|me a] {duration} {timer_label} timer",
            "<start> [a|an|me a] timer (for|of) {duration} (called|named) [the|my] {timer_label}",
            "<start> [a|an|me a] timer (called|named) [the|my] {timer_label} (for|of) {duration}",
          ],
        },
      ],
    },
    HassCancelTimer: { data: [{ sentences: ["<timer_stop> <my> {timer_label} timer"] }] },
    HassIncreaseTimer: {
      data: [
        {
          sentences: [
            "(add|put) [another|an extra|extra] {duration} [more] (to|on|onto) <my> {timer_label} timer",
          ],
        },
      ],
    },
    HassDecreaseTimer: {
      data: [{ sentences: ["(remove|subtract|take|knock) {duration} (from|off) <my> {timer_label} timer"] }],
    },
    HassTimerStatus: {
      data: [
        {
          sentences: [
            "[how much] time [is] (left|remaining) (on|for|in) <my> {timer_label} timer",
            "how (much time|long) [is] (left|remaining|to go) (on|for) <my> {timer_label} timer",
          ],
        },
      ],
    },
    HassPauseTimer: { data: [{ sentences: ["(pause|hold|freeze) <my> {timer_label} timer"] }] },
    HassUnpauseTimer: {
      data: [{ sentences: ["(unpause|resume|continue|restart|unfreeze) <my> {timer_label} timer"] }],
    },
  },
};
