import type { TemplateSet } from "./types.js";

type Intents = NonNullable<TemplateSet["intents"]>;
type Lists = NonNullable<TemplateSet["lists"]>;

/**
 * Timers (run by the board: src/skills/timers/). Learned from home-assistant/intents'
 * timer sentences; a timer's name is a closed list ({timer_name}, extendable in a templates
 * file) where Home Assistant takes any words, so guided speech recognition can know them.
 */
export const TIMER_INTENTS: Intents = {
  HassStartTimer: {
    data: [
      {
        sentences: [
          "<start> [a|an|the|me a] timer (for|of) {duration}",
          "<start> [a|an|me a] {duration} timer",
          "timer (for|of) {duration}",
          "{duration} timer",
          "<start> [a|an] timer {duration}",
          "<start> [a|an|the|me a] {timer_name} timer (for|of) {duration}",
          "<start> [a|an|me a] {duration} {timer_name} timer",
          "{timer_name} timer (for|of) {duration}",
          "{duration} {timer_name} timer",
          "<start> [a|an|me a] timer (for|of) {duration} (for|called|named) [the|my] {timer_name}",
          "<start> [a|an|me a] timer <in_area> (for|of) {duration}",
        ],
      },
    ],
  },
  HassCancelTimer: {
    data: [
      {
        sentences: [
          "<timer_stop> <my> timer",
          "<timer_stop> <my> {timer_name} timer",
          "<timer_stop> <my> {duration} timer",
          "<timer_stop> <my> {area} timer",
        ],
      },
      { sentences: ["<timer_stop> <my> (last|latest|newest) [timer|one]"], slots: { which: "last" } },
      {
        sentences: [
          "<timer_stop> (all|all the|all my|every|each) (timer|timers)",
          "<timer_stop> <my> timers",
        ],
        slots: { which: "all" },
      },
    ],
  },
  HassIncreaseTimer: {
    data: [
      {
        sentences: [
          "(add|put) [another|an extra|extra] {duration} [more] (to|on|onto) <my> [{timer_name}] timer",
          "(increase|extend|lengthen) <my> [{timer_name}] timer by {duration}",
          "add [another|an extra|extra] {duration} [more]",
        ],
      },
    ],
  },
  HassDecreaseTimer: {
    data: [
      {
        sentences: [
          "(remove|subtract|take|knock) {duration} (from|off) <my> [{timer_name}] timer",
          "(decrease|reduce|shorten|cut) <my> [{timer_name}] timer by {duration}",
        ],
      },
    ],
  },
  HassTimerStatus: {
    data: [
      {
        sentences: [
          "[how much] time [is] (left|remaining) (on|for|in) <my> [{timer_name}|{duration}] (timer|timers)",
          "how (much time|long) [is] (left|remaining|to go)",
          "how (much time|long) [is] (left|remaining|to go) (on|for) <my> [{timer_name}|{duration}] (timer|timers)",
          "how long (until|till|before) <my> [{timer_name}] timer (ends|is done|goes off|rings)",
          "[what is|whats] [the] status of <my> [{timer_name}] (timer|timers)",
          "[{timer_name}] (timer|timers) status",
          "(what|which) timers (are|do i have) [running|set|on]",
          "(check|show) <my> [{timer_name}] (timer|timers)",
        ],
      },
    ],
  },
  HassPauseTimer: {
    data: [
      {
        sentences: [
          "(pause|hold|freeze) <my> [{timer_name}|{duration}] timer",
          "(pause|hold) all [the|my] timers",
        ],
      },
    ],
  },
  HassUnpauseTimer: {
    data: [
      {
        sentences: [
          "(unpause|resume|continue|restart|unfreeze) <my> [{timer_name}|{duration}] timer",
          "(unpause|resume|continue) all [the|my] timers",
        ],
      },
    ],
  },
};

export const TIMER_LISTS: Lists = {
  // What people call kitchen timers ("the pasta timer"); a templates file can add its own.
  timer_name: {
    values: [
      ...["pasta", "egg", "eggs", "rice", "pizza", "bread", "cake", "cookie", "cookies", "tea", "coffee"],
      ...["oven", "roast", "chicken", "potato", "potatoes", "soup", "sauce", "steak", "fish", "dough"],
      ...["laundry", "washing", "dryer", "dishwasher", "parking", "nap", "homework", "workout", "break"],
      ...["medicine", "bath", "kids", "bedtime", "cooking", "baking", "kitchen", "tv", "game"],
    ],
  },
};
