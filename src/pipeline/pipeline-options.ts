import type { EventBus } from "../events/bus.js";
import type { IntentHandler } from "../intent/types.js";
import type { Transcriber } from "../stt/transcriber.js";
import type { Logger } from "../util/logger.js";
import type { StartTimer } from "../util/timer.js";
import type { VoiceActivityDetector } from "../vad/detector.js";
import type { EndpointerSettings } from "../vad/endpointer.js";
import type { WakeWordDetector } from "../wake/detector.js";
import type { BeforeAct } from "./pipeline-run.js";
import type { CommandPublisher } from "./publisher.js";
import type { RemoteSteps } from "./remote.js";
import type { RunLimits } from "./run-limits.js";
import type { LocalSkills } from "./skills.js";

/** What a `Pipeline` is built from: its stages, ports and settings (pipeline.ts re-exports it). */
export interface PipelineOptions {
  site: string;
  /** The room this board is in (config `area`), handed to the intent stage with each utterance. */
  area?: string | null;
  bus: EventBus;
  wake: WakeWordDetector;
  vad: VoiceActivityDetector;
  /** Null on a satellite without local models: the base transcribes (`remote`). */
  transcriber: Transcriber | null;
  /** Null on a satellite without local models: injected text is refused (`input-rejected`). */
  intent: IntentHandler | null;
  /** The command output, fixed for the pipeline's life; absent with `--no-mqtt`: a recognized intent ends the run as `recognized`. */
  commands?: CommandPublisher;
  endpointer: EndpointerSettings;
  /** Audio kept from before the wake word fired, so a quick command is not clipped. */
  preRollSeconds: number;
  speculative: boolean;
  /** Whisper's vocabulary prompt (device and area names), asked for at each run so it follows the registry. */
  sttPrompt: () => string;
  /** True while the device plays a sound (and its guard tail): no wake word (it never wakes itself), and a follow-up window waits. */
  isGated?: () => boolean;
  /** Called with each run's command audio (opt-in debug recordings). */
  onRunAudio?: (runId: string, samples: Int16Array) => void;
  logger: Logger;
  newRunId?: () => string;
  clock?: () => number;
  /** Injected texts that may wait for the site (default 16); more are refused with `input-rejected`. */
  maxPendingText?: number;
  /** How long a run waits for the broker's PUBACK before it ends as `queued` (default 1000 ms). */
  ackWaitMs?: number;
  /** Intents the board carries out itself (timers, the time, a device's state): `answered`, never published. */
  skills?: LocalSkills;
  /** Awaited by each run before it acts (room arbitration); see BeforeAct in pipeline-run.ts. */
  beforeAct?: BeforeAct;
  /** role satellite: spoken runs stream their command to a base, which acts (pipeline/remote.ts). */
  remote?: RemoteSteps | null;
  /** role satellite with satellite.fallback local: a command the base cannot take is transcribed and acted on here. */
  localFallback?: boolean;
  /** Time limits of a run's steps (stt.timeout_seconds, intent.timeout_seconds); default DEFAULT_RUN_LIMITS. */
  limits?: RunLimits;
  /** How long the board listens without the wake word after a skill's question (default 8 s). */
  followUpSeconds?: number;
  /** After any intent carried out (a command or an answer), listen this long without the wake word; 0 = off (default). */
  commandFollowUpSeconds?: number;
  /**
   * Input faster than real time (a file or stdin without --realtime): each frame waits for a
   * run's steps after its command's end, as if the board computed instantly, so what follows a
   * command (a follow-up, the next wake word) is heard the same on every machine. Off for a
   * microphone (and --realtime): then listening goes on while Whisper works.
   */
  awaitRunSteps?: boolean;
  /** Starts the time limits' and the PUBACK wait's timers (tests step a manual clock). */
  timer?: StartTimer;
}
