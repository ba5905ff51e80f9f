import { openAudioSource } from "./audio/open-source.js";
import type { AudioSource } from "./audio/source.js";
import type { Config } from "./config/schema.js";
import { disposeStages, loadStages, type Stages } from "./daemon/stages.js";
import type { EventBus } from "./events/bus.js";
import { processMs } from "./events/bus.js";
import { DeviceRegistry } from "./intent/registry.js";
import { modelStoreFromConfig } from "./models/startup.js";
import { MqttService } from "./mqtt/service.js";
import { Pipeline } from "./pipeline/pipeline.js";
import { vocabularyPrompt } from "./pipeline/vocabulary.js";
import { stateDir } from "./system/paths.js";
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

/** How long a clean stop waits for the MQTT outbox to drain. */
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
  #stopped = false;

  private constructor(
    private readonly options: DaemonOptions,
    readonly registry: DeviceRegistry,
    private readonly stages: Stages,
    private readonly mqtt: MqttService | null,
    readonly pipeline: Pipeline,
    notifier: SystemdNotifier,
  ) {
    this.#notifier = notifier;
  }

  static async start(options: DaemonOptions): Promise<Daemon> {
    const { config, bus, logger } = options;
    const notifier = options.notifier ?? new SystemdNotifier({ env: options.env, logger });
    void notifier.status("loading models");
    const registry = new DeviceRegistry(config.devices);
    const store = modelStoreFromConfig(config, options);
    const stages = await loadStages(config, store, registry, logger, options.cwd);
    let mqtt: MqttService | null = null;
    let pipeline: Pipeline | null = null;
    try {
      pipeline = new Pipeline({
        site: config.site,
        bus,
        ...stages,
        commands: null,
        endpointer: endpointerSettings(config.vad),
        preRollSeconds: config.vad.pre_roll_seconds,
        speculative: config.stt.speculative,
        sttPrompt: () => vocabularyPrompt(registry.all(), config.stt.initial_prompt),
        logger: componentLogger(logger, "pipeline"),
      });
      if (options.mqtt) {
        void notifier.status("connecting to the MQTT broker");
        mqtt = await MqttService.start({
          config,
          bus,
          registry,
          control: pipeline,
          stateDir: stateDir(config.state_dir, options.env),
          logger: componentLogger(logger, "mqtt"),
        });
        pipeline.setCommandPublisher(mqtt.commands);
      }
    } catch (error) {
      await disposeStages(stages);
      throw error;
    }
    return new Daemon(options, registry, stages, mqtt, pipeline, notifier);
  }

  /** Processes audio until the input ends (file, stdin) or stop() is called (microphone). */
  async run(): Promise<void> {
    const { bus, logger, input, realtime, config } = this.options;
    const source: AudioSource = openAudioSource({
      input,
      realtime,
      audio: config.audio,
      logger: componentLogger(logger, "audio"),
      stdin: this.options.stdin,
      onState: (state, detail) => this.#onAudioState(state, detail),
    });
    const watchdogMs = watchdogIntervalMs(this.options.env);
    const watchdog = watchdogMs ? new WatchdogSchedule(watchdogMs) : null;
    bus.emit({
      type: "audio-start",
      source: source.info.kind,
      name: source.info.name,
      inputFormat: source.info.inputFormat,
    });
    let frames = 0;
    let samples = 0;
    for await (const frame of source.frames(this.#abort.signal)) {
      if (frames === 0) void this.#notifier.ready("listening");
      frames++;
      samples = frame.startSample + frame.samples.length;
      await this.pipeline.process(frame);
      if (watchdog?.due(processMs())) void this.#notifier.watchdog();
    }
    if (this.#abort.signal.aborted) this.pipeline.abort();
    else await this.pipeline.finish();
    bus.emit({ type: "audio-end", audioMs: samples / 16, frames });
    await this.mqtt?.flush(FLUSH_TIMEOUT_MS);
  }

  /** Ordered stop; idempotent. run() returns once the audio loop has ended. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    void this.#notifier.stopping();
    this.#abort.abort();
  }

  /** Releases everything after run() returned. */
  async close(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    await this.mqtt?.flush(FLUSH_TIMEOUT_MS);
    await this.mqtt?.stop();
    await disposeStages(this.stages);
    await this.#notifier.flush();
  }

  #onAudioState(state: "open" | "waiting" | "closed", detail?: string): void {
    if (state === "waiting")
      void this.#notifier.status(`waiting for microphone${detail ? `: ${detail}` : ""}`);
    if (state === "open") void this.#notifier.status("listening");
  }
}
