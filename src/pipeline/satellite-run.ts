import { SAMPLE_RATE } from "../audio/format.js";
import type { RunOutcome } from "../events/types.js";
import type { EndpointerSettings } from "../vad/endpointer.js";
import { AudioHistory } from "./audio-history.js";
import { LagMonitor } from "./lag-monitor.js";
import { PipelineRun, type RunParts } from "./pipeline-run.js";

/** A satellite's command, as the base received it (docs/rooms.md). */
export interface SatelliteCommand {
  /** The satellite's run id: the base's run takes it, so both boards' events share one id. */
  id: string;
  site: string;
  area: string | null;
  wakeWord: string | null;
  score: number | null;
  /** The command audio the satellite cut (16 kHz mono s16), wake phrase included when it was in the pre-roll. */
  audio: Int16Array;
}

/**
 * role base: a satellite's command run as if this board had heard it, with the satellite's
 * site and area: `run-start` (trigger `satellite`), `wake_word-end`, then the same STT and
 * intent steps, local skills and command output as a spoken run, under the same time limits.
 * The satellite streamed the audio and endpointed it; here it is one finished utterance in a
 * history of its own. Not shared with the base's own listening: no follow-up window (the
 * satellite would have to listen for it: not built), no conversation context across commands.
 */
export function satelliteRun(
  parts: RunParts,
  settings: EndpointerSettings,
  command: SatelliteCommand,
): { run: PipelineRun; ended: Promise<RunOutcome> } {
  const { audio, site, area, wakeWord, score } = command;
  const history = new AudioHistory(Math.max(1, audio.length));
  history.write(audio, 0);
  const own: RunParts = {
    ...parts,
    ...{ site, area, history, remote: null, speculative: false, previous: null },
    lag: new LagMonitor(parts.logger),
    remember: () => {},
    openFollowUp: () => {},
    ended: () => {},
  };
  const wake = wakeWord ? { wakeWord, score: score ?? 0, endSample: 0 } : null;
  const run = new PipelineRun(own, command.id, "satellite", { startSample: 0, settings }, wake);
  run.announce();
  const steps = async () => {
    const seconds = audio.length / SAMPLE_RATE;
    const text = await run.stt({ type: "end", seconds, reason: "silence" });
    if (text === null) return;
    if (!text) return run.end("no-speech");
    await run.understand(text, seconds);
  };
  void steps().catch(() => run.end("error"));
  return { run, ended: run.ended };
}
