import type { RecognizedIntent } from "../intent/types.js";

/**
 * The pipeline's port for intents the board carries out itself instead of publishing a device
 * command: timers (the daemon runs them), the time and date, a device's state ("is the front door
 * locked"). Owned here, like `publisher.ts`, so the pipeline never imports the rooms that
 * implement it. A run whose intent a skill handles ends as `answered`; its reply rides on
 * `intent-end.speech`, which feedback speaks and MQTT publishes (hermes/tts/say).
 */
export interface LocalSkills {
  /** True when this board carries the intent out (it is then never published as a device command). */
  handles(intent: RecognizedIntent): boolean;
  perform(intent: RecognizedIntent, context: SkillContext): Promise<SkillAnswer>;
  /**
   * Whether carrying `intent` out at `site` now would do anything ("pause the timer" with no
   * timer running would not). Asked before a guess is asked back; absent, it would.
   */
  wouldAct?(intent: RecognizedIntent, site: string): boolean;
}

export interface SkillContext {
  runId: string;
  site: string;
  /** The room of the board that heard it (config `area`), for "set a timer" or "what's the temperature" without a room. */
  area: string | null;
  /** Aborted when the run is (shutdown, SIGHUP, a run timeout): a skill stops its work. */
  signal?: AbortSignal;
}

export interface SkillAnswer {
  /** What to say back ("the front door is locked", "your pasta timer has 4 minutes left"); null says nothing. */
  speech: string | null;
  /** The reply asks a question: the board listens for the answer without the wake word. */
  expectsReply?: boolean;
}
