import { SAMPLE_RATE } from "../audio/format.js";
import type { VadWindow, VoiceActivityDetector } from "../vad/detector.js";
import type { EndpointerSettings } from "../vad/endpointer.js";
import type { AudioHistory } from "./audio-history.js";

/** A quiet stretch at least this long before the wake phrase marks where the phrase began. */
const PHRASE_GAP_SECONDS = 0.15;
/** Quiet kept before the wake phrase, so its first sound is not clipped. */
const PHRASE_LEAD_SECONDS = 0.1;
/** Quiet kept before a command's speech when its audio holds no wake phrase (startBeforeSpeech). */
export const LEAD_SECONDS = 0.3;

export interface CommandStart {
  /** Stream position where the command audio handed to Whisper begins. */
  start: number;
  /** True when that audio begins with the whole wake phrase ("hey jarvis, turn on ..."). */
  withWakePhrase: boolean;
}

/**
 * Where the command audio should begin. A wake word fires a little after it was said (or,
 * on some voices, before its last syllable is over), so a command spoken without a pause
 * has already begun by then, and audio cut at the detection starts inside a word ("-vis
 * turn on the kitchen light"), which whisper-tiny turns into other words ("kitchen light.",
 * "Our restaurant location light."). Measured on espeak-ng voices, Whisper hears the whole
 * utterance right when it gets all of it, wake phrase included, and its prompt names the
 * wake phrase: "Hey Jarvis, turn on the kitchen light." The phrase is stripped from the
 * transcript afterwards (wake-phrase.ts).
 *
 * So the pre-roll is scanned with the VAD for the start of the last stretch of speech before
 * the detection (the wake phrase, and whatever of the command ran on from it): the command
 * audio starts just before it. When the pre-roll is too short to hold that start (speech all
 * through it), the older rule applies: start after the last quiet window, or at the pre-roll's
 * beginning (and WakeTail may still move the start past the wake word's tail).
 *
 * The VAD is left warmed up on the pre-roll, which ends where the run's audio begins:
 * Silero reads the first windows after a reset as quiet even in the middle of a word.
 */
export async function findCommandStart(
  vad: VoiceActivityDetector,
  history: AudioHistory,
  from: number,
  to: number,
  settings: Pick<EndpointerSettings, "endThreshold">,
): Promise<CommandStart> {
  vad.reset();
  if (to <= from) return { start: to, withWakePhrase: false };
  const windows = await vad.process({ samples: history.read(from, to), startSample: from });
  const phrase = wakePhraseStart(windows, from, settings.endThreshold);
  if (phrase !== null) return { start: phrase, withWakePhrase: true };
  let start = from;
  for (const window of windows) {
    if (window.probability < settings.endThreshold) start = window.endSample;
  }
  return { start, withWakePhrase: false };
}

/**
 * Start (with a little lead) of the last stretch of speech in the windows, when a quiet
 * stretch of at least PHRASE_GAP_SECONDS precedes it inside them; null otherwise. Pure.
 */
export function wakePhraseStart(
  windows: readonly VadWindow[],
  from: number,
  endThreshold: number,
): number | null {
  const speaking = (i: number) => (windows[i]?.probability ?? 0) >= endThreshold;
  let first = windows.length - 1;
  while (first >= 0 && !speaking(first)) first--;
  if (first < 0) return null;
  // Walk back through the stretch (short dips between words belong to it) to a long enough quiet.
  for (let i = first - 1; i >= -1; i--) {
    if (i >= 0 && speaking(i)) {
      first = i;
      continue;
    }
    const speechStart = first > 0 ? (windows[first - 1] as VadWindow).endSample : from;
    const quietStart = i > 0 ? (windows[i - 1] as VadWindow).endSample : from;
    if (speechStart - quietStart >= PHRASE_GAP_SECONDS * SAMPLE_RATE) {
      return Math.max(from, speechStart - Math.round(PHRASE_LEAD_SECONDS * SAMPLE_RATE));
    }
  }
  return null;
}

/**
 * Where the command audio begins once its speech has started at `speechStart`, for audio
 * that does not begin with the wake phrase (a follow-up, whose window opened when the board
 * finished speaking; a command after a long pause): LEAD_SECONDS before the speech, as a
 * wake run's begins, never before `commandStart`. whisper-tiny wrote other words for the same
 * follow-up after 2.6 s of quiet than after 2.8 s (docs/listening.md). Speech already under
 * way when the run began at `runStart` (a command run on from the wake word, kept with its
 * pre-roll) is not cut. Pure.
 */
export function startBeforeSpeech(commandStart: number, speechStart: number, runStart: number): number {
  if (speechStart <= runStart) return commandStart;
  return Math.max(commandStart, speechStart - Math.round(LEAD_SECONDS * SAMPLE_RATE));
}

/** How far into a reply's audio the wake word may end and still open it: "hey jarvis" takes under a second. */
const REPLY_WAKE_SECONDS = 2;

/**
 * True when a wake word that fired at `detectionEnd` while a reply was listened for (a
 * follow-up) opens the reply: before its speech was heard, or within REPLY_WAKE_SECONDS of
 * where its audio begins (`commandStart`). Later, "hey jarvis" is words of the reply. Pure.
 */
export function wakeOpensReply(detectionEnd: number, commandStart: number, speechStarted: boolean): boolean {
  return !speechStarted || detectionEnd - commandStart <= REPLY_WAKE_SECONDS * SAMPLE_RATE;
}
