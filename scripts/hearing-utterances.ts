// What the hearing fixtures say, and what each should do in examples/home.yaml with the board's
// `area: living room` (bench/hearing.ts and scripts/make-hearing-fixtures.ts use this list;
// test/unit/intent/hearing-utterances.test.ts checks every expectation against the templates).

export interface Expected {
  intent: string;
  targets: string[];
  /** Key slots that must match (brightness, temperature, color, hours/minutes/seconds). */
  slots?: Record<string, string | number>;
}

export interface Utterance {
  text: string;
  /** null: out of grammar; executing anything is a wrong action. */
  expect: Expected | null;
}

/** The room the bench's board is in: "turn on the light" means its lamp. */
export const BENCH_AREA = "living room";

const on = (targets: string[]): Expected => ({ intent: "HassTurnOn", targets });
const off = (targets: string[]): Expected => ({ intent: "HassTurnOff", targets });
const light = (target: string, slots: Record<string, string | number>): Expected => ({
  intent: "HassLightSet",
  targets: [target],
  slots,
});
const temperature = (value: number): Expected => ({
  intent: "HassClimateSetTemperature",
  targets: ["thermostat"],
  slots: { temperature: value },
});
const timer = (slots: Record<string, number>): Expected => ({ intent: "HassStartTimer", targets: [], slots });

const IN_GRAMMAR: Array<[string, Expected]> = [
  ["turn on the kitchen light", on(["kitchen_light"])],
  ["turn off the kitchen light", off(["kitchen_light"])],
  ["switch on the living room lamp", on(["living_room_lamp"])],
  ["switch off the living room lamp", off(["living_room_lamp"])],
  ["turn on the bedroom light", on(["bedroom_light"])],
  ["turn off the bedroom light", off(["bedroom_light"])],
  ["turn on the bedroom fan", on(["bedroom_fan"])],
  ["turn off the bedroom fan", off(["bedroom_fan"])],
  ["turn on the coffee maker", on(["coffee_maker"])],
  ["turn off the coffee maker", off(["coffee_maker"])],
  ["kitchen light on", on(["kitchen_light"])],
  ["bedroom light off", off(["bedroom_light"])],
  ["turn the floor lamp on", on(["living_room_lamp"])],
  ["turn the cooker light off", off(["kitchen_light"])],
  ["please turn on the bedroom fan", on(["bedroom_fan"])],
  ["could you switch off the coffee maker", off(["coffee_maker"])],
  ["shut off the kitchen lights", off(["kitchen_light"])],
  ["put the bedroom light on", on(["bedroom_light"])],
  ["turn the bedroom light on", on(["bedroom_light"])],
  ["switch the coffee maker off", off(["coffee_maker"])],
  ["kill the bedroom fan", off(["bedroom_fan"])],
  ["turn on the coffee maker please", on(["coffee_maker"])],
  ["turn off the lights in the kitchen", off(["kitchen_light"])],
  ["turn on the lights in the bedroom", on(["bedroom_light"])],
  ["turn off the lights in the living room", off(["living_room_lamp"])],
  ["turn on the fan in the bedroom", on(["bedroom_fan"])],
  ["turn on the kitchen lights", on(["kitchen_light"])],
  ["turn off the bedroom lights", off(["bedroom_light"])],
  ["turn on the light", on(["living_room_lamp"])],
  ["turn off the lights", off(["living_room_lamp"])],
  ["turn off all the lights", off(["bedroom_light", "kitchen_light", "living_room_lamp"])],
  ["set the bedroom light to forty percent", light("bedroom_light", { brightness: 40 })],
  ["set the living room lamp to fifty percent", light("living_room_lamp", { brightness: 50 })],
  ["dim the kitchen light to twenty percent", light("kitchen_light", { brightness: 20 })],
  ["set the kitchen light to seventy five percent", light("kitchen_light", { brightness: 75 })],
  ["set the bedroom light to ten percent", light("bedroom_light", { brightness: 10 })],
  ["brighten the living room lamp to one hundred percent", light("living_room_lamp", { brightness: 100 })],
  ["set the floor lamp to thirty percent", light("living_room_lamp", { brightness: 30 })],
  ["set the brightness of the kitchen light to sixty percent", light("kitchen_light", { brightness: 60 })],
  ["set the kitchen light to full brightness", light("kitchen_light", { brightness: 100 })],
  ["turn the kitchen light red", light("kitchen_light", { color: "red" })],
  ["set the living room lamp to blue", light("living_room_lamp", { color: "blue" })],
  ["make the bedroom light green", light("bedroom_light", { color: "green" })],
  ["set the thermostat to twenty one degrees", temperature(21)],
  ["set the thermostat to eighteen degrees", temperature(18)],
  ["set the temperature to twenty two degrees", temperature(22)],
  ["set the heating to nineteen degrees", temperature(19)],
  ["make it twenty degrees in the living room", temperature(20)],
  ["set the living room temperature to twenty three degrees", temperature(23)],
  ["close the garage door", off(["garage_door"])],
  ["open the garage door", on(["garage_door"])],
  ["shut the garage door", off(["garage_door"])],
  ["lock the front door", on(["front_door"])],
  ["unlock the front door", off(["front_door"])],
  ["set a timer for five minutes", timer({ minutes: 5 })],
  ["set a timer for ten minutes", timer({ minutes: 10 })],
  ["start a timer for thirty seconds", timer({ seconds: 30 })],
  ["set a timer for one hour", timer({ hours: 1 })],
  ["set a timer for two minutes", timer({ minutes: 2 })],
  ["set a timer for fifteen minutes", timer({ minutes: 15 })],
  ["set a timer for an hour and a half", timer({ hours: 1, minutes: 30 })],
  ["twenty minute timer", timer({ minutes: 20 })],
  ["cancel the timer", { intent: "HassCancelTimer", targets: [] }],
  ["stop the timer", { intent: "HassCancelTimer", targets: [] }],
];

const OUT_OF_GRAMMAR = [
  "what is the weather like today",
  "tell me a joke",
  "how are you doing",
  "who won the game last night",
  "I am going to bed now",
  "the kitchen is a mess",
  "play some music",
  "order a pizza",
  "what is the capital of France",
  "remind me to call my mother",
  "turn on the",
  "set the",
  "I think the light",
  "what is on TV tonight",
  "add milk to the shopping list",
  "how much is the fish",
  "my car is broken",
  "good morning to you",
  "read me the news",
  "call the plumber",
  "where are my keys",
  "the garden needs water",
  // Devices the home does not have, each a sound or a word away from one it has: a guess must
  // not turn the bathroom light the person asked for into the bedroom light. Appended, so the
  // clips before them keep their names (and stored bench rows stay comparable).
  "turn on the bathroom light",
  "turn off the porch light",
  "switch on the television",
  "open the back door",
  "turn on the bathroom fan",
  "turn off the hallway light",
  "close the kitchen window",
  "turn on the garden lights",
];

// Questions the home answers. A guess is most tempted by them (short, generic: "how much is the
// fish" was guessed "how much time is left?"), so the bench needs questions really asked to tell
// what a rule against guessed questions costs. Appended after the rest, so earlier clips keep
// their names.
const QUESTIONS: Array<[string, Expected]> = [
  ["what time is it", { intent: "HassGetCurrentTime", targets: [] }],
  ["what is the date today", { intent: "HassGetCurrentDate", targets: [] }],
  ["how much time is left on the timer", { intent: "HassTimerStatus", targets: [] }],
  ["is the front door locked", { intent: "HassGetState", targets: ["front_door"] }],
  ["what is the temperature in the living room", { intent: "HassGetState", targets: ["thermostat"] }],
  // Said in one breath with the wake phrase (index 99): "Hey Jarvis, kitchen light, on."
  ["is the kitchen light on", { intent: "HassGetState", targets: ["kitchen_light"] }],
  ["is the bedroom fan on", { intent: "HassGetState", targets: ["bedroom_fan"] }],
  ["is the living room lamp off", { intent: "HassGetState", targets: ["living_room_lamp"] }],
  ["are the lights in the kitchen on", { intent: "HassGetState", targets: ["kitchen_light"] }],
];

// Commands said as a state question's words without its "is": the question check must let
// them through (appended after the questions).
const SHORT_COMMANDS: Array<[string, Expected]> = [
  ["lights off", off(["living_room_lamp"])],
  ["the lights in the kitchen on", on(["kitchen_light"])],
];

export const UTTERANCES: Utterance[] = [
  ...IN_GRAMMAR.map(([text, expect]) => ({ text, expect })),
  ...OUT_OF_GRAMMAR.map((text) => ({ text, expect: null })),
  ...QUESTIONS.map(([text, expect]) => ({ text, expect })),
  ...SHORT_COMMANDS.map(([text, expect]) => ({ text, expect })),
];

const NUMBER_WORD =
  /^(\d+%?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a|an)$/;

/**
 * Where a person may pause inside a command (the early endpoint must not cut there): before
 * its number ("set the bedroom light to | forty percent"), else before its last two words
 * ("turn on the | kitchen light"). Null for commands of fewer than four words. Pure.
 */
export function midPauseSplit(text: string): [before: string, after: string] | null {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length < 4) return null;
  const number = words.findIndex((w, i) => i > 1 && NUMBER_WORD.test(w.toLowerCase()));
  const at = number > 1 ? number : words.length - 2;
  return [words.slice(0, at).join(" "), words.slice(at).join(" ")];
}
