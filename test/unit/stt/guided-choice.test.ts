import { describe, expect, it } from "vitest";
import { chooseTranscript, droppedAsUnsure, endsUnfinished } from "../../../src/stt/guide.js";
import { guidedFields } from "../../../src/stt/guided-fields.js";
import type { GuidedThresholds } from "../../../src/stt/guided-thresholds.js";
import {
  couldKeepHeardWords,
  dropsADeviceName,
  keepsAnyHeardWord,
  keepsHeardWords,
} from "../../../src/stt/heard-words.js";
import { hasNumber } from "../../../src/stt/number-values.js";
import { hasStateWord } from "../../../src/stt/state-words.js";

const thresholds: GuidedThresholds = {
  minScore: -1.2,
  minScoreSensitive: -0.6,
  minMargin: 0.05,
  maxDrop: 0.6,
};
/** With the clear-lead exception: a guess 1.5 ahead of every other sentence may score down to -1.5. */
const clear: GuidedThresholds = { ...thresholds, clearMargin: 1.5, clearMinScore: -1.5 };
const hyp = (score: number, margin: number | null = 0.3) => ({
  text: "turn on the kitchen light",
  score,
  margin,
});

describe("chooseTranscript", () => {
  const base = {
    freeUnderstood: false,
    freeScore: -0.7,
    contradicts: false,
    keepsWords: true,
    sensitive: false,
    thresholds,
  };
  const rows: Array<[string, Partial<Parameters<typeof chooseTranscript>[0]>, string]> = [
    [
      "free text understood: it wins whatever the grammar says",
      { freeUnderstood: true, guided: hyp(-0.1) },
      "understood",
    ],
    ["no sentence found", { guided: null }, "no-hypothesis"],
    ["confident near-miss", { guided: hyp(-0.9) }, "grammar"],
    ["just at the score threshold", { guided: hyp(-1.2) }, "grammar"],
    ["below the score threshold", { guided: hyp(-1.25) }, "low-score"],
    ["a close second sentence", { guided: hyp(-0.9, 0.01) }, "low-margin"],
    [
      "below the score threshold, but far ahead of every other sentence",
      {
        freeScore: -1.3,
        guided: hyp(-1.45, 1.6),
        thresholds: clear,
      },
      "grammar",
    ],
    [
      "far ahead, but below even the clear lead's bar",
      {
        freeScore: -1.3,
        guided: hyp(-1.55, 2),
        thresholds: clear,
      },
      "low-score",
    ],
    [
      "ahead, but not clearly enough to go below the bar",
      {
        freeScore: -1.3,
        guided: hyp(-1.45, 1.4),
        thresholds: clear,
      },
      "low-score",
    ],
    [
      "no second sentence is no clear lead",
      {
        freeScore: -1.3,
        guided: hyp(-1.45, null),
        thresholds: clear,
      },
      "low-score",
    ],
    [
      "a sensitive guess far ahead: the clear bar, not the sensitive one",
      {
        freeScore: -1.3,
        guided: hyp(-1.45, 1.6),
        sensitive: true,
        thresholds: clear,
      },
      "grammar",
    ],
    [
      "far ahead but far below the free text: still below-free",
      {
        freeScore: -0.5,
        guided: hyp(-1.45, 1.6),
        thresholds: clear,
      },
      "below-free",
    ],
    ["no second sentence at all", { guided: hyp(-0.9, null) }, "grammar"],
    [
      "far below what Whisper heard freely (out of grammar)",
      { freeScore: -0.3, guided: hyp(-1.0) },
      "below-free",
    ],
    ["better than the free text", { freeScore: -1.6, guided: hyp(-1.0) }, "grammar"],
    ["flips the action (lock -> unlock)", { guided: hyp(-0.2), contradicts: true }, "contradicts"],
    [
      "keeps none of the words heard (another device)",
      { guided: hyp(-0.9), keepsWords: false },
      "other-words",
    ],
    [
      "keeps none of the words heard, but likelier than them to Whisper itself",
      { freeScore: -1.3, guided: hyp(-1.1), keepsWords: false },
      "grammar",
    ],
    [
      "said in one breath with the wake phrase, keeps nothing heard: its lead over the free text is no evidence",
      { freeScore: -0.92, guided: hyp(-0.82), keepsWords: false, wakeAndNothingKept: true },
      "other-words",
    ],
    [
      "said in one breath, keeps a word heard but not what it acts on: the lead counts as before",
      { freeScore: -0.92, guided: hyp(-0.82), keepsWords: false, wakeAndNothingKept: false },
      "grammar",
    ],
    [
      'in one breath, after a free text that only lists the prompt\'s names ("kitchen light, bathroom"): the lead counts',
      {
        freeScore: -1.28,
        guided: hyp(-0.3),
        keepsWords: false,
        wakeAndNothingKept: true,
        freeListsPrompt: true,
      },
      "grammar",
    ],
    [
      "a list of the prompt's names, but a guess no likelier than it",
      {
        freeScore: -0.4,
        guided: hyp(-0.43),
        keepsWords: false,
        wakeAndNothingKept: true,
        freeListsPrompt: true,
      },
      "other-words",
    ],
    [
      "a list of the prompt's names, and a guess that chose which devices itself",
      { freeScore: -1.28, guided: hyp(-0.3), keepsWords: false, guessesWhich: true, freeListsPrompt: true },
      "other-words",
    ],
    [
      "chose which devices itself (a name dropped, or all): its lead over the free text is no evidence",
      { freeScore: -0.8, guided: hyp(-0.76), keepsWords: false, guessesWhich: true },
      "other-words",
    ],
    [
      "keeps none of the words heard, and no likelier than them: a tie is no lead",
      { freeScore: -0.9702, guided: hyp(-0.97), keepsWords: false },
      "other-words",
    ],
    ["sensitive and not confident enough", { guided: hyp(-0.9), sensitive: true }, "low-score"],
    ["sensitive and confident", { guided: hyp(-0.5), sensitive: true }, "grammar"],
    [
      'nothing heard freely to anchor the guess ("3.5%", "Hey Jarvis,"): not acted on',
      { guided: hyp(-0.9), anchored: false },
      "other-words",
    ],
    ["nothing heard freely, however confident", { guided: hyp(-0.3), anchored: false }, "other-words"],
    ["anchored, at the same score", { guided: hyp(-0.9), anchored: true }, "grammar"],
    [
      "its number barely likelier than the confusable one (15 / 50)",
      { guided: hyp(-0.5), numberLead: 0.4, thresholds: { ...thresholds, minNumberLead: 1 } },
      "ambiguous-number",
    ],
    [
      "its number clearly likelier than the confusable one",
      { guided: hyp(-0.5), numberLead: 3, thresholds: { ...thresholds, minNumberLead: 1 } },
      "grammar",
    ],
    [
      "no confusable number in it",
      { guided: hyp(-0.5), numberLead: null, thresholds: { ...thresholds, minNumberLead: 1 } },
      "grammar",
    ],
    [
      "a lock barely likelier than the unlock it may have been",
      { guided: hyp(-0.5), actionLead: 0.5, thresholds: { ...thresholds, minActionLead: 2 } },
      "ambiguous-action",
    ],
    [
      "a lock clearly likelier than its unlock",
      { guided: hyp(-0.5), actionLead: 6, thresholds: { ...thresholds, minActionLead: 2 } },
      "grammar",
    ],
    ["action check off (no minActionLead)", { guided: hyp(-0.5), actionLead: -3 }, "grammar"],
    [
      "an on nobody heard, barely likelier than off where the search took it",
      { guided: { ...hyp(-0.5), rivalLead: 0.47 }, thresholds: { ...thresholds, minStateLead: 0.5 } },
      "ambiguous-state",
    ],
    [
      "an on nobody heard, clearly likelier than off",
      { guided: { ...hyp(-0.5), rivalLead: 2.1 }, thresholds: { ...thresholds, minStateLead: 0.5 } },
      "grammar",
    ],
    [
      "an on the free text heard (contradicts guards a flip): no state check",
      {
        guided: { ...hyp(-0.5), rivalLead: 0.1 },
        stateHeard: true,
        thresholds: { ...thresholds, minStateLead: 0.5 },
      },
      "grammar",
    ],
    [
      "a guess with no on or off (no rivalLead)",
      { guided: hyp(-0.5), thresholds: { ...thresholds, minStateLead: 0.5 } },
      "grammar",
    ],
    ["state check off (no minStateLead)", { guided: { ...hyp(-0.5), rivalLead: 0.1 } }, "grammar"],
    [
      "a name heard in part that fits another device, barely ahead of it",
      { guided: hyp(-0.4, 0.06), nameRivals: true, thresholds: { ...thresholds, minNameMargin: 0.35 } },
      "ambiguous-name",
    ],
    [
      "... with no sentence of another meaning found at all",
      { guided: hyp(-0.4, null), nameRivals: true, thresholds: { ...thresholds, minNameMargin: 0.35 } },
      "ambiguous-name",
    ],
    [
      "... clearly ahead of it",
      { guided: hyp(-0.4, 1.5), nameRivals: true, thresholds: { ...thresholds, minNameMargin: 0.35 } },
      "grammar",
    ],
    [
      "a name the audio leaves no rival for",
      { guided: hyp(-0.4, 0.06), nameRivals: false, thresholds: { ...thresholds, minNameMargin: 0.35 } },
      "grammar",
    ],
    ["name check off (no minNameMargin)", { guided: hyp(-0.4, 0.06), nameRivals: true }, "grammar"],
    ["number check off (no minNumberLead)", { guided: hyp(-0.5), numberLead: -2 }, "grammar"],
    [
      "a number in the guess the free text never had",
      {
        guided: hyp(-0.5),
        numberLead: 3,
        numberHeard: false,
        thresholds: { ...thresholds, minNumberLead: 1 },
      },
      "number-not-heard",
    ],
    [
      "a number the free text never had, and barely likelier than another: not one to ask back",
      {
        guided: hyp(-0.5),
        numberLead: 0.4,
        numberHeard: false,
        thresholds: { ...thresholds, minNumberLead: 1 },
      },
      "ambiguous-number",
    ],
    [
      "a number the free text never had, in a guess naming one of two devices by a hair",
      {
        guided: hyp(-0.5, 0.06),
        numberLead: 3,
        numberHeard: false,
        nameRivals: true,
        thresholds: { ...thresholds, minNumberLead: 1, minNameMargin: 0.35 },
      },
      "ambiguous-name",
    ],
    [
      "a guess that changes the number the free text heard (10 heard, 14 guessed)",
      {
        guided: hyp(-0.5),
        numberLead: 3,
        numberHeard: true,
        numberChanged: true,
        thresholds: { ...thresholds, minNumberLead: 1 },
      },
      "number-changed",
    ],
    [
      'a duration of 4X heard after "of": it may be "for X"',
      { guided: hyp(-0.5), numberHeard: true, forAsForty: true },
      "ambiguous-number",
    ],
    [
      "a number heard freely, led clearly",
      {
        guided: hyp(-0.5),
        numberLead: 3,
        numberHeard: true,
        thresholds: { ...thresholds, minNumberLead: 1 },
      },
      "grammar",
    ],
    [
      "no number in the guess: nothing to have heard",
      {
        guided: hyp(-0.5),
        numberLead: null,
        numberHeard: false,
        thresholds: { ...thresholds, minNumberLead: 1 },
      },
      "grammar",
    ],
    ["a confident guess Whisper meant to go on after", { guided: hyp(-0.5), unfinished: true }, "unfinished"],
    [
      "a confident guess the free text's own reading disagrees with (bed room -> living room)",
      { guided: hyp(-0.2), readsOtherwise: true },
      "reads-otherwise",
    ],
    [
      "a poor guess is refused as poor, whatever the free text reads",
      { guided: hyp(-1.3), readsOtherwise: true },
      "low-score",
    ],
    ["a poor guess is refused as poor, ended or not", { guided: hyp(-1.3), unfinished: true }, "low-score"],
    [
      "a confident guess that finishes the half sentence Whisper heard ('turn on the' -> '... the light.')",
      { guided: hyp(-0.5), completesHalf: true, thresholds: { ...thresholds, minLastWordLead: 3 } },
      "last-word",
    ],
    [
      "... taken with the last-word check off",
      { guided: hyp(-0.5), completesHalf: true, thresholds: { ...thresholds, minLastWordLead: undefined } },
      "grammar",
    ],
    [
      "... and refused as poor when it is",
      { guided: hyp(-1.3), completesHalf: true, thresholds: { ...thresholds, minLastWordLead: 3 } },
      "low-score",
    ],
    [
      "an unfinished guess is refused before its number is weighed",
      { guided: hyp(-0.5), unfinished: true, numberLead: 3, thresholds: { ...thresholds, minNumberLead: 1 } },
      "unfinished",
    ],
    [
      "other refusals come first: a low score with a clear number",
      { guided: hyp(-1.3), numberLead: 5, thresholds: { ...thresholds, minNumberLead: 1 } },
      "low-score",
    ],
  ];
  for (const [name, input, expected] of rows) {
    it(name, () => {
      const verdict = chooseTranscript({ ...base, guided: null, ...input });
      expect(verdict.source === "grammar" ? "grammar" : verdict.why).toBe(expected);
    });
  }
});

describe("endsUnfinished", () => {
  it.each([
    ["Turn on, kitchen light,", true],
    ["Turn on, switch, ", true],
    ["Turn on the kitchen light.", false],
    ["Set the kitchen light to 75%", false],
    ["Turn on, the fan in the bedroom", false],
    ["Hey Jarvis, turn on the light?", false],
  ])("%j: %s", (text, expected) => {
    expect(endsUnfinished(text)).toBe(expected);
  });
});

describe("guidedFields", () => {
  it("reports the chosen text's score and the grammar's sentence", () => {
    const fields = guidedFields({
      text: "Turn on the kitchen light.",
      avgLogprob: -1.4567,
      source: "grammar",
      freeText: "In the kitchen light.",
      guided: { why: "accepted", ms: 84.4, text: "Turn on the kitchen light.", score: -0.81234, margin: 0.3 },
    });
    expect(fields).toEqual({
      freeText: "In the kitchen light.",
      source: "grammar",
      score: -0.812,
      freeScore: -1.457,
      margin: 0.3,
      guidedText: "Turn on the kitchen light.",
      guidedScore: -0.812,
      guidedWhy: "accepted",
      guidedMs: 84,
    });
  });

  it("keeps the free score when the free text goes on, and says `free` without a guided pass", () => {
    const fields = guidedFields({
      text: "What time is it?",
      avgLogprob: -0.4,
      source: "free",
      freeText: "What time is it?",
      guided: { why: "below-free", ms: 90, text: "Turn on the TV", score: -2.5, margin: null },
    });
    expect(fields?.score).toBe(-0.4);
    expect(fields?.margin).toBeUndefined();
    expect(guidedFields({ text: "hi", avgLogprob: -0.2 })).toEqual({
      freeText: "hi",
      source: "free",
      score: -0.2,
      freeScore: -0.2,
    });
  });
});

describe("couldKeepHeardWords", () => {
  const vocabulary = new Set([
    "turn",
    "on",
    "off",
    "the",
    "kitchen",
    "light",
    "timer",
    "set",
    "for",
    "minutes",
    "21",
  ]);
  it.each([
    // A word of the grammar, or near one ("time" and "timer"), could be kept.
    ["In the kitchen light,", true],
    ["Time for a moment.", true],
    ["I think the lights.", true],
    // Nothing heard that any sentence has: only a guess likelier than the free text could be taken.
    ["What is on TV tonight?", false],
    ["Play some music.", false],
    ["Hey Jarvis, hello, hello.", false],
    // Nothing heard at all (plain words only): the decision has nothing to keep either way.
    ["Turn it on, please.", true],
    // Digits and contractions may be written otherwise than the grammar spells them.
    ["Make it 100 now.", true],
    ["Sam's gone.", true],
  ])("%j: %s", (free, expected) => {
    expect(couldKeepHeardWords(free, vocabulary)).toBe(expected);
  });
});

describe("droppedAsUnsure", () => {
  it("drops the text on doubt about what was asked, not on a poor guess", () => {
    for (const why of ["ambiguous-number", "ambiguous-action", "number-changed", "reads-otherwise"])
      expect(droppedAsUnsure(why), why).toBe(true);
    for (const why of ["low-score", "other-words", "ambiguous-state", "understood", undefined])
      expect(droppedAsUnsure(why), why).toBe(false);
  });
});

describe("keepsAnyHeardWord", () => {
  it("asks only whether some word heard is near a word of the guess", () => {
    // "bathroom" is no "bedroom", but "light" was heard: kept, though keepsHeardWords refuses it.
    expect(keepsAnyHeardWord("Hey Jarvis, bathroom light, off.", "Hey Jarvis, bedroom light off.")).toBe(
      true,
    );
    expect(keepsHeardWords("Hey Jarvis, bathroom light, off.", "Hey Jarvis, bedroom light off.")).toBe(false);
    expect(
      keepsAnyHeardWord(
        "Here's Jarvis, which, of course, make a lot.",
        "Hey Jarvis, switch the coffee maker off.",
      ),
    ).toBe(true);
    expect(keepsAnyHeardWord("Hey Jarvis, call me, I'm a...", "Hey Jarvis, hold the timer.")).toBe(false);
    expect(keepsAnyHeardWord("Hey Jarvis, quiet, warm, warm.", "Hey Jarvis, hold the timer.")).toBe(false);
    // Only the verb kept, its own object brought.
    expect(keepsAnyHeardWord("Here Jarvis, hold the plumber.", "Hey Jarvis, hold the timer.")).toBe(false);
    expect(keepsAnyHeardWord("Hey Jarvis, shot the car in floor.", "Hey Jarvis, shut the garage door.")).toBe(
      true,
    );
    expect(keepsAnyHeardWord("Hey Jarvis, thanks.", "Hey Jarvis, turn on the light.")).toBe(false);
    expect(keepsAnyHeardWord("Hey Jarvis.", "Hey Jarvis, turn on the light.")).toBe(true);
  });
});

describe("dropsADeviceName", () => {
  const names = new Set([
    "kitchen",
    "light",
    "lights",
    "cooker",
    "bedroom",
    "fan",
    "living",
    "room",
    "lamp",
    "heating",
    "floor",
  ]);
  const isName = (word: string) => names.has(word);
  it.each([
    // The board's area would say which light: the garden light heard becomes the living room's.
    ["Hey Jarvis, join the garden light.", "Hey Jarvis, turn on the light.", true],
    ["Hey Jarvis, kitchen lights", "Hey Jarvis, turn on the lights.", true],
    ["Here Jarvis, kitchen light, living room.", "Hey Jarvis, turn on the lights in the bedroom.", true],
    // A name of its own where the person said one the home lacks: which device, the audio cannot say.
    ["Hey Jarvis, turn on the bathroom light.", "Hey Jarvis, turn on, bedroom light.", true],
    ["Hey Jarvis, turn the cooking light off.", "Hey Jarvis, turn the cooker light off.", true],
    // Another of the home's names heard in its place: a choice the scores judge.
    ["Here Jarvis, kitchen light,", "Hey Jarvis, put the bedroom light on.", false],
    // The guess's name was heard too, elsewhere.
    ["Hey Jarvis, kitchen light, flour light,", "Hey Jarvis, kitchen light, full brightness.", false],
    // The name kept, or nothing heard before the device word.
    ["Hey Jarvis, kitchen light.", "Hey Jarvis, turn on the kitchen light.", false],
    ["Hey Jarvis, the light.", "Hey Jarvis, turn on the light.", false],
    // A number before it is no name, and "room" heard is no bare "bedroom".
    ["Hey Jarvis, turn on the light, living room.", "Hey Jarvis, turn on the lights in the bedroom.", false],
    ["Hey Jarvis, 15 lights", "Hey Jarvis, turn on the lights.", false],
    // A word that names a device alone needs no name before it.
    ["Hey Jarvis, kitchen lighting, heating", "Hey Jarvis, set the heating to 19 degrees.", false],
  ])("%j -> %j: %s", (free, guided, drops) => {
    expect(dropsADeviceName(free, guided, isName, (word) => word === "heating")).toBe(drops);
  });
});

describe("keepsHeardWords", () => {
  it.each([
    ["In the kitchen light,", "Turn on the kitchen light.", true],
    ["Like the front door.", "Lock the front door.", true],
    ["Time for 10 minutes.", "Set a timer for 10 minutes.", true],
    ["Set it time for four minutes.", "Set a timer for four minutes.", true],
    ["Set the thermostat at 21 degrees.", "Set the thermostat to 21 degrees.", true],
    ["Turn on.", "Turn on the kitchen light.", true],
    ["Turn on the kitchen light.", "Turn on the switch.", false],
    ["Turn off the whole thing like this.", "Turn off the hallway light.", false],
    // A name dropped before the word kept: the area's lights instead of the one named.
    ["Turn off the battery light.", "Turn off the lights", false],
    ["Turn off the battery light.", "Turn off the bathroom light.", false],
    // "all" heard says which: the area's light alone is not all the lights.
    ["Hey Jarvis, join all the lights.", "Hey Jarvis, turn off the light.", false],
    ["Hey Jarvis, join all the lights.", "Hey Jarvis, turn off all the lights.", true],
    // Nor may a guess bring its own "all": every light for the hallway's.
    ["Here Jarvis turn off the hall, we're light.", "Hey Jarvis, turn off, all the light.", false],
    ["have a floor lamp 30%.", "Set the floor lamp to 30%.", true],
    ["Actually living room lamp, 15%.", "Set the living room lamp to 50%.", true],
    ["living room temperature, 3 degrees.", "Set the living room temperature to 23 degrees.", true],
    // A number word is no name: "ten" heard, "10" guessed (the number checks judge the value).
    ["Hey Jarvis, time for ten minutes.", "Hey Jarvis, timer for 10 minutes.", true],
    ["living room, three degrees.", "Set the living room temperature to 23 degrees.", true],
    // An ending Whisper added to the guess's word.
    ["Hey Jarvis, cancelled timer.", "Hey Jarvis, cancel timer", true],
    // Pronouns are no anchor: "I'm" is one letter from "I'd".
    ["I'm looking for a door.", "I'd like you to turn it down.", false],
    ["I'm like the front door.", "Lock the front door.", true],
    // Nor a name before the verb it says: "we'll" dropped before "switch" is no device lost.
    ["We'll switch off the coffee maker.", "Now switch off the coffee maker.", true],
    ["They've switched off the coffee maker.", "Switch off the coffee maker.", true],
    // A word heard of a longer name: which room the scores decide.
    ["Room light on.", "The bedroom light on.", true],
    ["Put the memory light on.", "Put the bedroom light on.", false],
    // A verb kept and its object guessed: the thing acted on came from the grammar.
    ["Hey Jarvis, hold me down.", "Hey, Jarvis, hold the timer.", false],
    ["Open the gate.", "Open the garage door.", false],
    ["Shut the garbage door.", "Shut the garage door.", true],
    ["Could you switch off the car and make up?", "Could you switch off the coffee maker?", true],
    // A longer word heard is not kept by a part of it: "bedroom" is not the "room" of the living room.
    ["Save the bedroom light for 40%", "Set, living room light to 40 percent.", false],
    ["Turn on the coffeemaker.", "Turn on the coffee maker.", true],
    ["Turn on the bed room light.", "Turn on the bedroom light.", true],
    // Nothing but the verb heard: nothing to keep but the verb, as for "Turn on.".
    ["Lock it.", "Lock the front door.", true],
    ["Pause.", "Pause the timer.", true],
  ])("%j -> %j: %s", (free, guided, keeps) => {
    expect(keepsHeardWords(free, guided)).toBe(keeps);
  });

  it.each([
    // Held out (*call the plumber*): the verb kept, the lamp lost; a timer would have paused.
    ["Hey Jarvis, hold up, lamp.", "Hey Jarvis, hold the timer.", ["lamp"], false],
    [
      "Hey Jarvis, hold the floor, living room.",
      "Hey Jarvis, hold the timer.",
      ["floor", "living", "room"],
      false,
    ],
    ["Hey Jarvis, hold the floor lamp up.", "Hey Jarvis, turn the floor lamp up.", ["floor", "lamp"], true],
    // One of the names is enough: which one the scores decide.
    ["In the kitchen light,", "Turn on the kitchen light.", ["kitchen", "light"], true],
    ["Time for 10 minutes.", "Set a timer for 10 minutes.", [], true],
  ])("%j -> %j, names %j: %s", (free, guided, named, keeps) => {
    expect(keepsHeardWords(free, guided, named)).toBe(keeps);
  });
});

describe("hasNumber", () => {
  it.each([
    ["Set the kitchen light to 75%.", true],
    ["set the lamp to fifty percent", true],
    ["Timer for an hour and a half.", true],
    ["The kitchen light is the same in the night of the day.", false],
    ["Set the kitchen light for the first time.", false],
    ["Turn on the fan.", false],
  ])("%j: %s", (text, expected) => {
    expect(hasNumber(text)).toBe(expected);
  });
});

describe("hasStateWord", () => {
  it.each([
    ["Turn on the kitchen light.", true],
    ["Kitchen light OFF", true],
    ["bathroom light, home.", false],
    ["Put the oven one", false],
    ["Set the timer for ten minutes.", false],
    ["Turn the cooker light up.", true],
    ["Turn down the heating", true],
    ["Update the uptown lights", false],
  ])("%j: %s", (text, expected) => {
    expect(hasStateWord(text)).toBe(expected);
  });

  it("reads on and off alone without the direction words (the bench peer)", () => {
    expect(hasStateWord("Turn the cooker light up.", false)).toBe(false);
    expect(hasStateWord("Turn the cooker light on.", false)).toBe(true);
  });
});
