import { describe, expect, it } from "vitest";
import { askBack, namesAlsoHeard, question } from "../../../src/stt/ask-back.js";

describe("askBack: which refused guess is asked back", () => {
  const guess = (why: string, score: number, text = "Cancel the timer.") => ({ why, text, score });

  it.each([
    ["other-words", -1.0, "Cancel the timer."],
    ["low-score", -1.1, "Cancel the timer."],
    ["low-margin", -0.6, "Cancel the timer."],
    ["below-free", -0.9, "Cancel the timer."],
    // An on or off nobody heard, nearly as likely the other way: a yes or a no settles it.
    ["ambiguous-state", -0.6, "Cancel the timer."],
    // Which of two rooms a name heard in part was: the person says.
    ["ambiguous-name", -0.4, "Cancel the timer."],
    // A free text whose last word Whisper may have added to a half sentence.
    ["last-word", -0.4, "Cancel the timer."],
    // A number the free text never had, the guess passing every other check: nothing heard
    // says another number (most such free texts are the prompt's list going on).
    ["number-not-heard", -0.5, "Cancel the timer."],
    // Too unsure to ask about.
    ["other-words", -1.11, null],
    // The free text heard otherwise: asking would offer what Whisper heard against.
    ["contradicts", -0.5, null],
    ["number-changed", -0.5, null],
    ["reads-otherwise", -0.5, null],
    ["ambiguous-action", -0.5, null],
    // Taken, or nothing to take.
    ["accepted", -0.5, null],
    ["understood", -0.5, null],
  ])("%s at %d -> %s", (why, score, expected) => {
    expect(askBack(guess(why, score), -1.1)).toBe(expected);
  });

  it("never a sentence ending where Whisper heard more", () => {
    expect(askBack(guess("low-score", -0.9, "Turn on, kitchen light,"), -1.1)).toBeNull();
  });

  it("off without a bar, and nothing without a guess", () => {
    expect(askBack(guess("low-score", -0.5), undefined)).toBeNull();
    expect(askBack({ why: "no-hypothesis" }, -1.1)).toBeNull();
    expect(askBack(undefined, -1.1)).toBeNull();
  });
});

describe("namesAlsoHeard: the other names a question about a name heard in part offers", () => {
  const guide = {
    rivalNames: (free: string, guessed: string) =>
      free.includes("room light") && guessed.includes("bedroom") ? ["living room light"] : [],
  };

  it("for a guess asked back as ambiguous-name: what the guide finds", () => {
    expect(
      namesAlsoHeard("ambiguous-name", "Turn on room light.", "Turn on the bedroom light.", guide),
    ).toEqual(["living room light"]);
  });

  it("none for any other question, nor without the free text", () => {
    expect(namesAlsoHeard("other-words", "Turn on room light.", "Turn on the bedroom light.", guide)).toEqual(
      [],
    );
    expect(namesAlsoHeard("ambiguous-name", undefined, "Turn on the bedroom light.", guide)).toEqual([]);
    expect(namesAlsoHeard("ambiguous-name", "Turn on room light.", "Turn on the bedroom light.", {})).toEqual(
      [],
    );
  });
});

describe("question: what a transcript asks, and the names it offers", () => {
  const guide = { rivalNames: () => ["living room light"] };
  it("the refused sentence, with the other names only for a name heard in part", () => {
    const guess = { text: "Turn on the bedroom light.", score: -0.4 };
    expect(question("ambiguous-name", guess, "Turn on room light.", -1.1, guide)).toEqual({
      askBack: "Turn on the bedroom light.",
      otherNames: ["living room light"],
    });
    expect(question("low-margin", guess, "Turn on room light.", -1.1, guide)).toEqual({
      askBack: "Turn on the bedroom light.",
    });
  });

  it("a doubted 'on' or 'off' offers the request the other way, and only then", () => {
    const flips = { stateFlips: (text: string) => [text.replace(" off ", " on ")] };
    const off = { text: "Turn off the fan.", score: -0.3 };
    expect(question("ambiguous-state", off, "Turn off the fan.", -1.1, flips)).toEqual({
      askBack: "Turn off the fan.",
      otherRequests: ["Turn on the fan."],
    });
    expect(question("low-score", off, "Turn of the fan.", -1.1, flips)).toEqual({
      askBack: "Turn off the fan.",
    });
    expect(question("ambiguous-state", off, "Turn off the fan.", -1.1, {})).toEqual({
      askBack: "Turn off the fan.",
    });
  });

  it("nothing when the refusal is no doubt a question settles, or asking is off", () => {
    const guess = { text: "Turn on the bedroom light.", score: -0.4 };
    expect(question("contradicts", guess, "Turn off the light.", -1.1, guide)).toEqual({});
    expect(question("ambiguous-name", guess, "Turn on room light.", undefined, guide)).toEqual({});
  });
});
