import type { VoiceActivityDetector } from "../vad/detector.js";
import type { EndpointerSettings } from "../vad/endpointer.js";
import type { AudioHistory } from "./audio-history.js";

/**
 * Where the command audio should begin. A wake word fires a little after it was said,
 * so a command spoken without a pause has already begun by then. Scanning the pre-roll
 * with the VAD finds the pause between wake word and command, if there was one: the
 * command starts after the last quiet window. With no pause, the whole pre-roll is kept
 * (the wake phrase's tail is stripped from the transcript later).
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
): Promise<number> {
  vad.reset();
  if (to <= from) return to;
  const windows = await vad.process({ samples: history.read(from, to), startSample: from });
  let start = from;
  for (const window of windows) {
    if (window.probability < settings.endThreshold) start = window.endSample;
  }
  return start;
}
