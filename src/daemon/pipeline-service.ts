import { stateDir } from "../config/paths.js";
import type { Config } from "../config/schema.js";
import { hasLocalModels } from "../config/sections/satellite.js";
import type { EventBus } from "../events/bus.js";
import type { DeviceRegistry } from "../intent/registry.js";
import { modelStoreFromConfig } from "../models/startup.js";
import type { ModelStore } from "../models/store.js";
import { Pipeline } from "../pipeline/pipeline.js";
import type { CommandPublisher } from "../pipeline/publisher.js";
import type { RemoteSteps } from "../pipeline/remote.js";
import { runLimits } from "../pipeline/run-limits.js";
import type { LocalSkills } from "../pipeline/skills.js";
import { vocabularyPrompt } from "../stt/prompt.js";
import { componentLogger, type Logger } from "../util/logger.js";
import { endpointerSettings } from "../vad/endpointer.js";
import type { FeedbackService, RecordingsService } from "./attachments.js";
import type { ReloadAction, ReloadUnit } from "./reload.js";
import type { Service, ServiceContext } from "./service.js";
import { disposeStages, loadStages, reloadStages, type StageDeps, type Stages } from "./stages.js";

export interface PipelineServiceOptions {
  bus: EventBus;
  registry: DeviceRegistry;
  logger: Logger;
  /** Where models.dir and relative model paths are resolved, and the state directory's environment. */
  io: { cwd: string; env: NodeJS.ProcessEnv };
  /** The command output, fixed for the pipeline's life; absent with `--no-mqtt` (runs end `recognized`). */
  commands?: CommandPublisher;
  /** role satellite: the base does STT, intent and act (daemon/satellite.ts); with `--no-mqtt` it answers "no base". */
  remote?: RemoteSteps;
  feedback: FeedbackService;
  recordings: RecordingsService;
  /** The board's own skills (clock, device state, timers): their intents end `answered`. */
  skills?: LocalSkills;
  /** Another player the wake word is gated on (the timers' own, with feedback off). */
  alsoPlaying?: () => boolean;
  /** Input faster than real time (--input without --realtime): frames wait for each run's steps. */
  fasterThanRealTime?: boolean;
}

const STAGE_UNITS: ReloadUnit[] = [
  // The models directory or cache location decides which files every stage loads.
  { name: "wake", sections: ["models", "wake"] },
  { name: "vad", sections: ["models", "vad"] },
  { name: "stt", sections: ["models", "stt"] },
  { name: "intent", sections: ["models", "intent", "llm"] },
];
const PIPELINE_UNIT: ReloadUnit = {
  name: "pipeline",
  // Endpointing, pre-roll, speculation, the prompt's vocabulary, site and area, the satellite's
  // fallback: read live (a role or fallback that needs Whisper loads it: reload below).
  sections: ["vad", "stt", "site", "area", "intent", "devices", "conversation", "role", "satellite"],
  live: true,
  follows: STAGE_UNITS.map((u) => u.name),
};

/**
 * The model stages (wake word, VAD, Whisper, intent) and the pipeline that runs them. Start
 * verifies every configured model (one start lists every missing file), loads the stages
 * and builds the pipeline. A reload loads new stages beside the old ones, all or nothing,
 * swaps them in between two frames, then releases the old.
 */
export class PipelineService implements Service {
  readonly name = "pipeline";
  readonly units = [...STAGE_UNITS, PIPELINE_UNIT];
  readonly sections = [...new Set(this.units.flatMap((u) => u.sections))];
  #store: ModelStore | null = null;
  #stages: Stages | null = null;
  #pipeline: Pipeline | null = null;

  constructor(private readonly options: PipelineServiceOptions) {}

  /** The running pipeline (after start). */
  get pipeline(): Pipeline {
    if (!this.#pipeline) throw new Error("the pipeline service has not started");
    return this.#pipeline;
  }

  async start({ config }: ServiceContext): Promise<void> {
    const { bus, registry, logger, feedback, recordings } = this.options;
    this.#store = modelStoreFromConfig(config, this.options.io);
    const live = !(this.options.fasterThanRealTime ?? false);
    this.#stages = await loadStages(config, this.#deps(config, this.#store), registry, logger, bus, live);
    this.#pipeline = new Pipeline({
      ...pipelineSettings(config, registry, this.options.remote),
      bus,
      ...this.#stages,
      commands: this.options.commands,
      skills: this.options.skills,
      isGated: () => feedback.isPlaying() || (this.options.alsoPlaying?.() ?? false),
      onRunAudio: (runId, samples) => recordings.record(runId, samples),
      logger: componentLogger(logger, "pipeline"),
      awaitRunSteps: this.options.fasterThanRealTime ?? false,
    });
  }

  /** The pipeline while the service runs, else null (for parts that may outlive it). */
  get running(): Pipeline | null {
    return this.#pipeline;
  }

  /** If a new stage fails to load, everything stays as it was and the error goes up. */
  async reload({ config }: ServiceContext, plan: ReadonlyMap<string, ReloadAction>): Promise<void> {
    const { registry, logger } = this.options;
    const stages = this.#stages;
    if (!stages) return;
    // A satellite turned standalone (or given satellite.fallback: local) loads Whisper and
    // the intent stage; the other way round releases them.
    const local = hasLocalModels(config);
    const which = {
      wake: plan.has("wake"),
      vad: plan.has("vad"),
      transcriber: plan.has("stt") || (stages.transcriber !== null) !== local,
      intent: plan.has("intent") || (stages.intent !== null) !== local,
    };
    const restarting = Object.values(which).some(Boolean);
    const live = !(this.options.fasterThanRealTime ?? false);
    const store = restarting ? modelStoreFromConfig(config, this.options.io) : this.#store;
    const fresh = restarting
      ? await reloadStages(
          which,
          stages,
          config,
          this.#deps(config, store as ModelStore),
          registry,
          logger,
          this.options.bus,
          live,
        )
      : {};
    const replaced = Object.keys(fresh).map((key) => stages[key as keyof Stages]);
    this.#store = store;
    this.#stages = { ...stages, ...fresh };
    if (plan.has("pipeline"))
      await this.pipeline.reconfigure({
        ...pipelineSettings(config, registry, this.options.remote),
        ...fresh,
      });
    await Promise.allSettled(replaced.map((stage) => stage?.dispose()));
  }

  #deps(config: Config, store: ModelStore): StageDeps {
    const { env } = this.options.io;
    return { store, stateDir: stateDir(config.state_dir, env), env };
  }

  async stop(): Promise<void> {
    this.#pipeline?.abort();
    const stages = this.#stages;
    this.#stages = null;
    if (stages) await disposeStages(stages);
  }
}

/** The pipeline settings a config gives (everything but the stages and the bus). */
function pipelineSettings(config: Config, registry: DeviceRegistry, remote?: RemoteSteps) {
  const satellite = config.role === "satellite";
  return {
    remote: satellite ? (remote ?? null) : null,
    localFallback: satellite && config.satellite.fallback === "local",
    site: config.site,
    area: config.area,
    endpointer: endpointerSettings(config.vad),
    preRollSeconds: config.vad.pre_roll_seconds,
    // A satellite's Whisper (fallback) transcribes only when the base is gone: no early pass.
    speculative: config.stt.speculative && !satellite,
    limits: runLimits(config),
    followUpSeconds: config.conversation.answer_seconds,
    commandFollowUpSeconds: config.conversation.follow_up_seconds,
    sttPrompt: () => vocabularyPrompt(registry.all(), config.stt.initial_prompt),
  };
}
