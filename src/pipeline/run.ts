import { SAMPLE_RATE } from "../audio/format.js";
import { Endpointer, type EndpointerSettings } from "../vad/endpointer.js";
import type { WakeTail } from "./wake-tail.js";

/** One utterance, from its trigger (wake word, injected text, follow-up) to its end. */
export interface Run {
  id: string;
  trigger: "wake-word" | "text" | "follow-up";
  wakeWord?: string;
  /** The wake phrase as words ("Hey Jarvis") when the command audio begins with it; else null. */
  wakePhrase: string | null;
  /** Stream position the endpointer's seconds count from (the wake word's end). */
  startSample: number;
  /** Where the command audio handed to STT begins (includes the pre-roll when speech ran on). */
  commandStart: number;
  startedAt: number;
  endpointer: Endpointer;
  speechStarted: boolean;
  speechEndSample: number;
  /** Until this stream position the command start may still move past the wake word's tail (see wake-tail.ts). */
  tail: WakeTail | null;
}

export function newRun(
  id: string,
  trigger: Run["trigger"],
  startSample: number,
  startedAt: number,
  settings: EndpointerSettings,
): Run {
  return {
    id,
    trigger,
    startSample,
    commandStart: startSample,
    startedAt,
    endpointer: new Endpointer(settings),
    speechStarted: false,
    speechEndSample: 0,
    tail: null,
    wakePhrase: null,
  };
}

/** Enough audio for the pre-roll, the longest wait for speech and the longest command. */
export function historySamples(options: { endpointer: EndpointerSettings; preRollSeconds: number }): number {
  const { endpointer, preRollSeconds } = options;
  const seconds = preRollSeconds + endpointer.maxCommandSeconds + endpointer.noSpeechTimeoutSeconds + 2;
  return Math.ceil(seconds * SAMPLE_RATE);
}
