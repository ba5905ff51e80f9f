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
  /** The satellite's follow-up: the run (of this base, with the satellite's site) whose question it answers. */
  previousRunId?: string;
}

/** A satellite's command running on the base. */
export interface SatelliteRun {
  run: PipelineRun;
  ended: Promise<RunOutcome>;
  /** After the end: how long the satellite should listen for an answer (the run asked a question), else null. */
  followUpSeconds(): number | null;
}

/**
 * role base: a satellite's command run as if this board had heard it, with the satellite's
 * site and area: `run-start` (trigger `satellite`, or `follow-up` with `previousRunId` when it
 * answers a question), `wake_word-end`, then the same STT and intent steps, local skills and
 * command output as a spoken run, under the same time limits. The satellite streamed the audio
 * and endpointed it; here it is one finished utterance in a history of its own. A question it
 * asks (a skill's follow-up, a confirmation) is not a window on the base's own microphone: it
 * goes back to the satellite with the result (`followUpSeconds`), which listens for the answer.
 * Confirmations are kept per site by the intent stage, so the satellite's "yes" finds its own;
 * `parts.previous`/`remember` are the site's conversation ("turn it off"), kept by the pipeline.
 */
export function satelliteRun(
  parts: RunParts,
  settings: EndpointerSettings,
  command: SatelliteCommand,
): SatelliteRun {
  const { audio, site, area, wakeWord, score, previousRunId } = command;
  const history = new AudioHistory(Math.max(1, audio.length));
  history.write(audio, 0);
  let followUp: number | null = null;
  const own: RunParts = {
    ...parts,
    ...{ site, area, history, remote: null, speculative: false },
    lag: new LagMonitor(parts.logger),
    openFollowUp: (_run, seconds) => {
      followUp = seconds;
    },
    ended: () => {},
  };
  const wake = wakeWord ? { wakeWord, score: score ?? 0, endSample: 0 } : null;
  const trigger = previousRunId ? "follow-up" : "satellite";
  const listen = { startSample: 0, settings };
  const run = new PipelineRun(own, command.id, trigger, listen, wake, previousRunId);
  run.announce();
  const steps = async () => {
    const seconds = audio.length / SAMPLE_RATE;
    const text = await run.stt({ type: "end", seconds, reason: "silence" });
    if (text === null) return;
    if (!text) return run.end("no-speech");
    // Each command's audio clock starts at 0 here: the base's own monotonic clock keeps a
    // confirmation's window (audio and wall seconds) measurable across the satellite's runs.
    await run.understand(text, parts.clock() / 1000);
  };
  void steps().catch(() => run.end("error"));
  return { run, ended: run.ended, followUpSeconds: () => followUp };
}
