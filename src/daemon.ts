import { ensureWritableDir, stateDir } from "./config/paths.js";
import type { Config } from "./config/schema.js";
import { FeedbackService, MetricsService, RecordingsService } from "./daemon/attachments.js";
import { AudioInput } from "./daemon/audio.js";
import { MicrophoneSupervisor } from "./daemon/microphone.js";
import { MqttOutput } from "./daemon/mqtt-output.js";
import { PipelineService } from "./daemon/pipeline-service.js";
import { describePlan } from "./daemon/reload.js";
import { RoomsService } from "./daemon/rooms.js";
import { BaseService, SatelliteService } from "./daemon/satellite.js";
import { type Service, ServiceList } from "./daemon/service.js";
import { ConfigDevices, LogLevel } from "./daemon/settings.js";
import { boardSkills } from "./daemon/skills.js";
import { BoardTimers } from "./daemon/timers.js";
import { EdgeVoiceError, ExitCode } from "./errors.js";
import type { EventBus } from "./events/bus.js";
import { processMs } from "./events/bus.js";
import { DeviceRegistry } from "./intent/registry.js";
import type { PipelineControl } from "./pipeline/control.js";
import type { Pipeline } from "./pipeline/pipeline.js";
import { DeviceStateStore } from "./skills/state-store.js";
import { SystemdNotifier, WatchdogSchedule, watchdogIntervalMs } from "./system/sd-notify.js";
import type { Logger } from "./util/logger.js";

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
 * The composition root: an ordered list of services (daemon/service.ts). Start: log level
 * -> devices -> metrics, feedback, recordings (optional) -> timers -> model stages and the pipeline
 * -> MQTT -> audio input. Stop runs in reverse. A required service that fails to start is
 * fatal (its error names what to fix); a microphone or broker lost later is retried by its
 * own part while the rest runs on. SIGHUP restarts or reloads only the services whose
 * config sections changed (daemon/reload.ts).
 */
export class Daemon {
  readonly #notifier: SystemdNotifier;
  #stopped = false;
  #config: Config;

  private constructor(
    private readonly options: DaemonOptions,
    private readonly services: ServiceList,
    private readonly stages: PipelineService,
    private readonly mqtt: MqttOutput | null,
    private readonly audio: AudioInput,
    notifier: SystemdNotifier,
  ) {
    this.#notifier = notifier;
    this.#config = options.config;
  }

  get config(): Config {
    return this.#config;
  }

  get pipeline(): Pipeline {
    return this.stages.pipeline;
  }

  static async start(options: DaemonOptions): Promise<Daemon> {
    const { config, env } = options;
    const notifier = options.notifier ?? new SystemdNotifier({ env, logger: options.logger });
    // Before the models load (seconds): a state directory that cannot hold the outbox is a config error.
    if (options.mqtt && config.mqtt.outbox) checkStateDir(stateDir(config.state_dir, env));
    void notifier.status("loading models");
    const parts = composeServices(options, notifier);
    await parts.services.start({ config });
    return new Daemon(options, parts.services, parts.stages, parts.mqtt, parts.audio, notifier);
  }

  /** Processes audio until the input ends (file, stdin) or stop() is called (microphone). */
  async run(): Promise<void> {
    const watchdogMs = watchdogIntervalMs(this.options.env);
    const watchdog = watchdogMs ? new WatchdogSchedule(watchdogMs) : null;
    let first = true;
    for await (const frame of this.audio.frames()) {
      if (first) void this.#notifier.ready("listening");
      first = false;
      await this.pipeline.process(frame);
      if (watchdog?.due(processMs())) void this.#notifier.watchdog();
    }
    if (this.audio.stopped) this.pipeline.abort();
    else await this.pipeline.finish();
    this.options.bus.emit({ type: "audio-end", ...this.audio.consumed });
    await this.mqtt?.flush(FLUSH_TIMEOUT_MS);
  }

  /** Begins an ordered stop; run() returns once the audio loop has ended. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    void this.#notifier.stopping();
    void this.audio.stop();
  }

  /** Releases everything after run() returned: outbox flush, then the services in reverse order. */
  async close(): Promise<void> {
    this.stop();
    await this.mqtt?.flush(FLUSH_TIMEOUT_MS);
    await this.services.stop();
    await this.#notifier.close();
  }

  /**
   * SIGHUP with a config already validated by the caller (an invalid one never gets here:
   * the old config stays). Services whose settings changed restart or reload; the rest keep
   * running. If a new model stage fails to load, everything stays as it was.
   */
  async reload(next: Config): Promise<string> {
    const plan = this.services.plan(this.#config, next);
    await this.services.reload({ config: next }, plan);
    this.#config = next;
    const summary = describePlan(plan);
    this.options.logger.info({ restarted: summary }, "configuration reloaded");
    return summary;
  }
}

/**
 * The daemon's services, in start order; constructors only store what they are given, so
 * this builds nothing yet. Exported for the reload plan's tests.
 */
export function composeServices(options: DaemonOptions, notifier: SystemdNotifier) {
  const { bus, logger, env } = options;
  const registry = new DeviceRegistry();
  const metrics = new MetricsService(bus, logger);
  const feedback = new FeedbackService(bus, registry, logger);
  const recordings = new RecordingsService(logger);
  // Before the pipeline, which is built with their skill; kept across SIGHUP (timers run on).
  const timers = new BoardTimers({
    bus,
    logger,
    env,
    hooks: { feedbackPlayer: () => feedback.player, pipeline: () => stages.running },
  });
  // The board's own skills, and the devices' last states MQTT fills for them.
  const states = new DeviceStateStore();
  const skills = boardSkills(options.config, registry, states, timers);
  // The command output exists before the pipeline (its outbox queues while offline); the
  // control topics reach the pipeline once its service has started.
  const control = (): PipelineControl => stages.pipeline;
  const mqtt = options.mqtt
    ? new MqttOutput({ bus, registry, logger, env, notifier, metrics, control, states, timers })
    : null;
  const satellite = new SatelliteService(feedback, logger);
  const stages: PipelineService = new PipelineService({
    bus,
    registry,
    logger,
    io: { cwd: options.cwd, env },
    commands: mqtt ?? undefined,
    // With --no-mqtt a satellite has no base: its commands end "no base" (or, with
    // satellite.fallback: local, are transcribed here), as when the base is gone.
    remote: satellite,
    feedback,
    recordings,
    skills,
    alsoPlaying: () => timers.isPlaying(),
    fasterThanRealTime: options.input !== undefined && options.realtime !== true,
  });
  const microphone = new MicrophoneSupervisor(bus, notifier, watchdogIntervalMs(env));
  const audio = new AudioInput({ ...options, microphone });
  const list: Service[] = [
    new LogLevel(logger),
    new ConfigDevices(registry),
    metrics,
    feedback,
    recordings,
    timers,
    stages,
  ];
  if (mqtt) list.push(mqtt, new RoomsService(() => stages.pipeline, logger));
  if (mqtt) list.push(satellite, new BaseService(() => stages.pipeline, bus, logger));
  list.push(audio);
  return { services: new ServiceList(list, logger), stages, mqtt, audio };
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
