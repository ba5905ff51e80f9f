import { type AudioFrame, samplesToMs } from "./audio/format.js";
import { openAudioSource } from "./audio/open-source.js";
import { ensureWritableDir, stateDir } from "./config/paths.js";
import type { Config } from "./config/schema.js";
import { Attachments } from "./daemon/attachments.js";
import { describePlan, planReload } from "./daemon/reload.js";
import { disposeStages, loadStages, reloadStages, type Stages } from "./daemon/stages.js";
import { BoardTimers } from "./daemon/timers.js";
import { EdgeVoiceError, ExitCode } from "./errors.js";
import type { EventBus } from "./events/bus.js";
import { processMs } from "./events/bus.js";
import { DeviceRegistry } from "./intent/registry.js";
import { modelStoreFromConfig } from "./models/startup.js";
import { MqttService } from "./mqtt/service.js";
import { Pipeline } from "./pipeline/pipeline.js";
import { vocabularyPrompt } from "./stt/prompt.js";
import { SystemdNotifier, WatchdogSchedule, watchdogIntervalMs } from "./system/sd-notify.js";
import { componentLogger, type Logger } from "./util/logger.js";
import { endpointerSettings } from "./vad/endpointer.js";

export interface DaemonOptions {
  config: Config;
  bus: EventBus;
  logger: Logger;
  /** A WAV path, `-` for raw audio on stdin, or undefined for the microphone. */
  input?: string;
  /** Pace file input like a microphone. */
  realtime?: boolean;
  /** False with `--no-mqtt`: intents are recognized but nothing is published. */
  mqtt: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin?: NodeJS.ReadableStream;
  notifier?: SystemdNotifier;
}

/** How long a stop waits for the MQTT outbox to drain. */
const FLUSH_TIMEOUT_MS = 3000;

/**
 * The composition root. Ordered start: config (given) -> model verification -> model
 * loading -> MQTT -> audio. Ordered stop: audio -> the run in progress -> MQTT outbox
 * flush -> offline -> models. Start-up failures are fatal (and name what to fix); a
 * microphone or broker lost later is retried by its own stage while the rest runs on.
 */
export class Daemon {
  readonly #abort = new AbortController();
  readonly #notifier: SystemdNotifier;
  #source: AbortController | null = null;
  #restartAudio = false;
  #waitingPings: NodeJS.Timeout | undefined;
  #statsTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  #config: Config;
  /** The board's timers (null with timers.enabled off); kept across SIGHUP. */
  timers: BoardTimers | null = null;

  private constructor(
    private readonly options: DaemonOptions,
    readonly registry: DeviceRegistry,
    private stages: Stages,
    private mqtt: MqttService | null,
    readonly pipeline: Pipeline,
    notifier: SystemdNotifier,
    private attachments: Attachments,
  ) {
    this.#notifier = notifier;
    this.#config = options.config;
  }

  get config(): Config {
    return this.#config;
  }

  static async start(options: DaemonOptions): Promise<Daemon> {
    const { config, bus, logger } = options;
    const notifier = options.notifier ?? new SystemdNotifier({ env: options.env, logger });
    // Before the models load (seconds): a state directory that cannot hold the outbox is a config error.
    if (options.mqtt && config.mqtt.outbox) checkStateDir(stateDir(config.state_dir, options.env));
    void notifier.status("loading models");
    const registry = new DeviceRegistry(config.devices);
    const attachments = await Attachments.start(config, bus, registry, logger);
    let stages: Stages | null = null;
    let daemon: Daemon | null = null;
    const timers = BoardTimers.start(config, bus, logger, options.env, {
      feedbackPlayer: () => daemon?.attachments.feedback?.player ?? null,
      pipeline: () => daemon?.pipeline ?? null,
    });
    try {
      stages = await loadStages(config, modelStoreFromConfig(config, options), registry, logger, options.cwd);
      const pipeline = new Pipeline({
        ...pipelineSettings(config, registry),
        bus,
        ...stages,
        commands: null,
        // The timer skill alone until the composite of all local skills lands (src/skills/skill-set.ts).
        skills: timers?.skill,
        isGated: () => (daemon?.attachments.isPlaying() || timers?.isPlaying()) ?? false,
        onRunAudio: (runId, samples) => daemon?.attachments.record(runId, samples),
        logger: componentLogger(logger, "pipeline"),
      });
      daemon = new Daemon(options, registry, stages, null, pipeline, notifier, attachments);
      daemon.timers = timers;
      if (options.mqtt) await daemon.#startMqtt(config);
      return daemon;
    } catch (error) {
      if (stages) await disposeStages(stages);
      await timers?.dispose();
      await attachments.dispose();
      throw error;
    }
  }

  /**
   * Processes audio until the input ends (file, stdin) or stop() is called (microphone).
   * A SIGHUP that changes the audio settings reopens the source; sample positions carry on
   * from where the previous source stopped, so the pipeline's timeline never goes back.
   */
  async run(): Promise<void> {
    const { bus } = this.options;
    const watchdogMs = watchdogIntervalMs(this.options.env);
    const watchdog = watchdogMs ? new WatchdogSchedule(watchdogMs) : null;
    let offset = 0;
    let frames = 0;
    do {
      this.#restartAudio = false;
      this.#source = new AbortController();
      const signal = AbortSignal.any([this.#abort.signal, this.#source.signal]);
      const source = openAudioSource({
        input: this.options.input,
        realtime: this.options.realtime,
        audio: this.#config.audio,
        logger: this.options.logger,
        stdin: this.options.stdin,
        onMicrophoneState: (state, detail) => this.#onAudioState(state, detail),
      });
      if (frames === 0) bus.emit({ type: "audio-start", ...sourceFields(source.info) });
      const start = offset;
      for await (const frame of source.frames(signal)) {
        if (frames++ === 0) void this.#notifier.ready("listening");
        const shifted: AudioFrame = start
          ? { samples: frame.samples, startSample: frame.startSample + start }
          : frame;
        offset = shifted.startSample + shifted.samples.length;
        await this.pipeline.process(shifted);
        if (watchdog?.due(processMs())) void this.#notifier.watchdog();
      }
    } while (this.#restartAudio && !this.#abort.signal.aborted);
    if (this.#abort.signal.aborted) this.pipeline.abort();
    else await this.pipeline.finish();
    bus.emit({ type: "audio-end", audioMs: samplesToMs(offset), frames });
    await this.mqtt?.flush(FLUSH_TIMEOUT_MS);
  }

  /** Begins an ordered stop; run() returns once the audio loop has ended. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    void this.#notifier.stopping();
    this.#abort.abort();
  }

  /** Releases everything after run() returned: outbox flush, offline, models. */
  async close(): Promise<void> {
    this.stop();
    clearInterval(this.#waitingPings);
    clearInterval(this.#statsTimer);
    await this.mqtt?.flush(FLUSH_TIMEOUT_MS);
    await this.mqtt?.stop();
    await disposeStages(this.stages);
    await this.timers?.dispose();
    await this.attachments.dispose();
    await this.#notifier.flush();
  }

  /**
   * SIGHUP with a config already validated by the caller (an invalid one never gets here:
   * the old config stays). Parts whose settings changed restart; the rest keep running.
   * If a new stage fails to load, everything stays as it was.
   */
  async reload(next: Config): Promise<string> {
    const logger = this.options.logger;
    const plan = planReload(this.#config, next, this.options.mqtt);
    const store = modelStoreFromConfig(next, this.options);
    const which = { wake: plan.wake, vad: plan.vad, transcriber: plan.stt, intent: plan.intent };
    const fresh = await reloadStages(
      which,
      this.stages,
      next,
      store,
      this.registry,
      logger,
      this.options.cwd,
    );
    if (plan.log) logger.level = next.log.level;
    if (plan.timers) this.timers?.reconfigure(next);
    if (next.timers.enabled !== this.#config.timers.enabled)
      logger.warn(
        "timers.enabled takes effect at the next start (timers are not stopped or started by a reload)",
      );
    if (plan.devices) this.registry.replaceConfigDevices(next.devices);
    const replaced = Object.entries(fresh).map(([key]) => this.stages[key as keyof Stages]);
    this.stages = { ...this.stages, ...fresh };
    if (plan.pipeline || Object.keys(fresh).length > 0) {
      await this.pipeline.reconfigure({ ...pipelineSettings(next, this.registry), ...fresh });
    }
    await Promise.allSettled(replaced.map((stage) => stage.dispose()));
    this.#config = next;
    if (plan.attachments) {
      const previous = this.attachments;
      this.attachments = await Attachments.start(next, this.options.bus, this.registry, logger);
      await previous.dispose();
    }
    if (plan.mqtt && this.options.mqtt) {
      await this.mqtt?.stop();
      this.mqtt = null;
      await this.#startMqtt(next);
    }
    if (plan.audio && this.options.input === undefined) {
      this.#restartAudio = true;
      this.#source?.abort();
    }
    const summary = describePlan(plan);
    logger.info({ restarted: summary }, "configuration reloaded");
    return summary;
  }

  async #startMqtt(config: Config): Promise<void> {
    void this.#notifier.status("connecting to the MQTT broker");
    this.mqtt = await MqttService.start({
      config,
      bus: this.options.bus,
      registry: this.registry,
      control: this.pipeline,
      timers: this.timers?.control(config.site),
      stateDir: stateDir(config.state_dir, this.options.env),
      logger: componentLogger(this.options.logger, "mqtt"),
    });
    this.pipeline.setCommandPublisher(this.mqtt.commands);
    this.mqtt.onStateChange((state) => {
      if (state.state === "connected") void this.#notifier.status("listening");
      else if (state.state !== "stopped")
        void this.#notifier.status(`broker ${state.state}: ${state.message}`);
    });
    clearInterval(this.#statsTimer);
    const publish = () => this.mqtt?.publishStats(this.attachments.observability.snapshot());
    this.#statsTimer = setInterval(publish, config.metrics.stats_interval_seconds * 1000).unref();
    publish();
  }

  /**
   * A missing microphone is a state the daemon supervises, not a failure: it reports READY
   * (so systemd does not time the start out) with a status saying what it waits for, and
   * keeps the watchdog fed from the retry wait, since no frames flow to feed it.
   */
  #onAudioState(state: "open" | "waiting" | "closed", detail?: string): void {
    clearInterval(this.#waitingPings);
    this.#waitingPings = undefined;
    if (state === "open") void this.#notifier.status("listening");
    if (state !== "waiting") return;
    void this.#notifier.ready(`waiting for microphone${detail ? `: ${detail}` : ""}`);
    const every = watchdogIntervalMs(this.options.env);
    if (every) this.#waitingPings = setInterval(() => void this.#notifier.watchdog(), every).unref();
  }
}

/** The pipeline settings a config gives (everything but the stages and the bus). */
function pipelineSettings(config: Config, registry: DeviceRegistry) {
  return {
    site: config.site,
    area: config.area,
    endpointer: endpointerSettings(config.vad),
    preRollSeconds: config.vad.pre_roll_seconds,
    speculative: config.stt.speculative,
    limits: { sttSeconds: config.stt.timeout_seconds, intentSeconds: config.intent.timeout_seconds },
    sttPrompt: () => vocabularyPrompt(registry.all(), config.stt.initial_prompt),
  };
}

function sourceFields(info: { kind: "microphone" | "file" | "stdin"; name: string; inputFormat?: unknown }) {
  return { source: info.kind, name: info.name, inputFormat: info.inputFormat as never };
}

function checkStateDir(dir: string): void {
  try {
    ensureWritableDir(dir);
  } catch (error) {
    throw new EdgeVoiceError(
      "config-invalid",
      `state_dir ${dir} cannot be used: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        exitCode: ExitCode.config,
        hint: "set state_dir to a writable directory on a real file system (or set mqtt.outbox: false)",
      },
    );
  }
}
