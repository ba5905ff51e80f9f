import { describe, expect, it } from "vitest";
import { sentenceSpace } from "../../../src/intent/create.js";
import type { TranscriptGuide } from "../../../src/stt/guide.js";
import { guessesWhich, passedOn } from "../../../src/stt/guided-judge.js";
import { homeConfig, homeRegistry } from "../intent/home.js";

describe("passedOn: the text a guided pass hands on", () => {
  // The intent stage reads "15%" in the free text as the lamp at 15, the guess as the lamp at 50.
  const guide = {
    readsAs: (text: string) => (/15/.test(text) ? "lamp 15" : null),
    meaning: (text: string) => (/50/.test(text) ? "lamp 50" : /15/.test(text) ? "lamp 15" : text),
  } as unknown as TranscriptGuide;
  const free = "Hey Jarvis, I'm living room lamp, 15%";
  const guess = { text: "Hey Jarvis, living room lamp, 50%.", score: -0.55, margin: 0.04 };

  it("is the guess when it is taken", () => {
    expect(passedOn(guide, free, { source: "grammar" }, guess)).toBe(guess.text);
  });

  it("drops the free text when the refused guess's reading and the free text's disagree", () => {
    expect(passedOn(guide, free, { source: "free", why: "low-margin" }, guess)).toBe("");
  });

  it("drops it after a number or action Whisper nearly heard otherwise", () => {
    expect(passedOn(guide, "Turn on the lamp.", { source: "free", why: "ambiguous-number" }, null)).toBe("");
  });

  it("hands the free text on when nothing reads it otherwise (the fallback may answer it)", () => {
    const chat = "Hey Jarvis, how are you doing?";
    expect(passedOn(guide, chat, { source: "free", why: "other-words" }, guess)).toBe(chat);
    expect(passedOn(guide, chat, { source: "free", why: "no-hypothesis" }, null)).toBe(chat);
    const same = { ...guess, text: "Hey Jarvis, living room lamp, 15%." };
    expect(passedOn(guide, free, { source: "free", why: "low-margin" }, same)).toBe(free);
  });
});

describe("guessesWhich: the guess says which devices on its own", () => {
  const config = homeConfig();
  const guide = sentenceSpace(config, homeRegistry(config)).get();

  it.each([
    // A name the home lacks, dropped or replaced by one of its own.
    ["Hey Jarvis, turn on the garden light.", "Hey Jarvis, turn on the light.", true],
    ["Hey Jarvis, turn on the garden light.", "Hey Jarvis, turn on the hall light.", true],
    ["Hey Jarvis, turn on the lights.", "Hey Jarvis, turn on all the lights.", true],
    // Another of the home's names heard: the scores choose between its devices.
    ["Hey Jarvis, turn on the kitchen light.", "Hey Jarvis, turn on the hall light.", false],
    // Every name kept, or a word that names a device alone.
    ["Hey Jarvis, turn on the hall light.", "Hey Jarvis, turn on the hall light.", false],
    ["Hey Jarvis, the thermostat.", "Hey Jarvis, set the thermostat to 21 degrees.", false],
  ])("%j -> %j: %s", (free, guessed, expected) => {
    expect(guessesWhich(guide, free, guessed)).toBe(expected);
  });
});
