import { describe, expect, it } from "vitest";
import {
  LEAD_SECONDS,
  startBeforeSpeech,
  wakeOpensReply,
  wakePhraseStart,
} from "../../../src/pipeline/pre-roll.js";
import { spokenWakePhrase, stripWakePhrase } from "../../../src/pipeline/wake-phrase.js";

const W = 512;
const FROM = 16000;

/** VAD windows of 512 samples from FROM with the given probabilities. */
function windows(probabilities: number[]) {
  return probabilities.map((probability, i) => ({ endSample: FROM + (i + 1) * W, probability }));
}
const speech = (n: number) => Array<number>(n).fill(0.9);
const quiet = (n: number) => Array<number>(n).fill(0.05);

describe("wakePhraseStart: where the last stretch of speech before the detection began", () => {
  it.each([
    ["quiet, then the wake phrase running on", [...quiet(10), ...speech(30)], FROM + 10 * W - 1600],
    [
      "quiet, the phrase, a pause (the detector fired in it)",
      [...quiet(8), ...speech(20), ...quiet(5)],
      FROM + 8 * W - 1600,
    ],
    [
      "a short dip between words belongs to the phrase",
      [...quiet(8), ...speech(6), ...quiet(2), ...speech(10)],
      FROM + 8 * W - 1600,
    ],
    ["the lead never goes before the pre-roll", [...quiet(5), ...speech(20)], FROM + 5 * W - 1600],
  ])("%s", (_name, probabilities, expected) => {
    expect(wakePhraseStart(windows(probabilities), FROM, 0.35)).toBe(expected);
  });

  it.each([
    ["speech all through the pre-roll", speech(30)],
    ["a quiet start too short to be a pause", [...quiet(3), ...speech(30)]],
    ["nothing but quiet", quiet(20)],
    ["no windows", []],
  ])("%s: null (the phrase's start is not in the pre-roll)", (_name, probabilities) => {
    expect(wakePhraseStart(windows(probabilities), FROM, 0.35)).toBeNull();
  });
});

describe("startBeforeSpeech: a command without the wake phrase starts shortly before its speech", () => {
  const S = 16000;
  const lead = LEAD_SECONDS * S;
  it.each([
    ["a follow-up spoken 2.8 s into its window", 0, 2.8 * S, 0, 2.8 * S - lead],
    ["speech already under way when the run began keeps its pre-roll", 0.5 * S, 2 * S, 2 * S, 0.5 * S],
    ["never before a start already moved past the wake word's tail", 1.9 * S, 2 * S, 1 * S, 1.9 * S],
  ])("%s", (_name, commandStart, speechStart, runStart, expected) => {
    expect(startBeforeSpeech(commandStart, speechStart, runStart)).toBe(expected);
  });
});

describe("wakeOpensReply: the wake word said at the start of a follow-up's reply", () => {
  const S = 16000;
  it.each([
    ["before the reply's speech was heard", 5 * S, 0, false, true],
    ["a second into the reply's audio", 4.7 * S, 3.7 * S, true, true],
    ["two seconds in, at the edge", 5.7 * S, 3.7 * S, true, true],
    ["three seconds in: words of the reply", 6.7 * S, 3.7 * S, true, false],
  ])("%s", (_name, detectionEnd, commandStart, speechStarted, expected) => {
    expect(wakeOpensReply(detectionEnd, commandStart, speechStarted)).toBe(expected);
  });
});

describe("the wake phrase in Whisper's prompt and transcript", () => {
  it("spells a model id as the words people say", () => {
    expect(spokenWakePhrase("hey_jarvis")).toBe("Hey Jarvis");
    expect(spokenWakePhrase("hey_mycroft_v0.1")).toBe("Hey Mycroft");
    expect(spokenWakePhrase("alexa")).toBe("Alexa");
  });

  it("spells a Porcupine keyword, built in or from a .ppn file's name", () => {
    expect(spokenWakePhrase("jarvis")).toBe("Jarvis");
    expect(spokenWakePhrase("hey google")).toBe("Hey Google");
    expect(spokenWakePhrase("hey-robot_en_linux_v3_0_0")).toBe("Hey Robot");
    expect(spokenWakePhrase("picovoice_en_raspberry-pi_v2_1_0")).toBe("Picovoice");
    expect(stripWakePhrase("Hey robot, lock the door.", "hey-robot_en_linux_v3_0_0")).toBe("lock the door.");
  });

  it.each([
    ["Hey Jarvis. Turn on the kitchen light.", "Turn on the kitchen light."],
    ["Hey Jarvis, turn on the kitchen light.", "turn on the kitchen light."],
    ["Hey, Jarvis! Turn on the kitchen light.", "Turn on the kitchen light."],
    ["Jarvis, turn on the kitchen light.", "turn on the kitchen light."],
    ["Hey Jarvis.", ""],
    ["Here Jarvis, bedroom light, 40%", "bedroom light, 40%"],
    ["Hair, Jarvis. Lock the door.", "Lock the door."],
    ["I told Jarvis about the meeting", "I told Jarvis about the meeting"],
    ["Turn on the kitchen light.", "Turn on the kitchen light."],
  ])("%s -> %s", (heard, command) => {
    expect(stripWakePhrase(heard, "hey_jarvis")).toBe(command);
  });
});
