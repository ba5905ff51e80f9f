import { checkWavHeader } from "../audio/wav.js";
import type { Config } from "../config/schema.js";
import { configWarnings } from "../config/warnings.js";
import type { Daemon } from "../daemon.js";
import { isEdgeVoiceError, usageError } from "../errors.js";
import { EventBus } from "../events/bus.js";
import { printEventsAsJsonLines } from "../events/json-lines.js";
import { createLogger, type Logger } from "../util/logger.js";
import { CONFIG_HELP, CONFIG_OPTIONS, type Command } from "./command.js";
import { loadConfigFor } from "./load-config.js";

/** After SIGTERM the daemon must be gone within this long (systemd's default stop timeout is 90 s; ours is 10 s). */
const STOP_DEADLINE_MS = 9000;

export const runCommand: Command = {
  name: "run",
  summary: "run the voice assistant (microphone, or a WAV file / stdin with --input)",
  help: `Usage: edge-voice run [--input FILE.wav|-] [--realtime] [--events json] [--no-mqtt] [--config FILE]

  --input FILE.wav    process this WAV (any PCM rate/channels/depth) instead of the microphone, as fast
                      as possible; exits 0 once the last run has finished and MQTT output is flushed
  --input -           raw 16 kHz mono s16le audio on stdin
  --realtime          pace --input at the speed of a microphone (latency figures mean what a person feels)
  --events json       print pipeline events as JSON lines on stdout (logs stay on stderr)
  --no-mqtt           recognize intents but publish nothing (no broker, embedded or external)
${CONFIG_HELP}

Signals: SIGTERM/SIGINT stop in order (audio, current run, MQTT flush, offline); SIGHUP reloads the config.
`,
  argumentHint: "to process a recording, write --input FILE.wav (or --input - for raw audio on stdin)",
  options: {
    ...CONFIG_OPTIONS,
    input: { type: "string", short: "i" },
    realtime: { type: "boolean" },
    events: { type: "string" },
    "no-mqtt": { type: "boolean" },
  },
  async run(args, io) {
    const events = args.values.events as string | undefined;
    if (events !== undefined && events !== "json") throw usageError(`--events takes "json", got "${events}"`);
    if (args.values.realtime && !args.values.input) throw usageError("--realtime only applies with --input");
    const input = args.values.input as string | undefined;
    // Raw audio on stdin is paced by whatever writes it; accepting the flag would promise pacing it does not do.
    if (args.values.realtime && input === "-")
      throw usageError(
        "--realtime paces a WAV file; audio on stdin comes as fast as its producer writes it",
        "pace the producer instead (a recorder already is; for a file: sox FILE -t raw - | pv -qL 32k | edge-voice run --input -), or use --input FILE.wav --realtime",
      );
    const loaded = loadConfigFor(args, io);
    const { config } = loaded;
    const logger = createLogger({ level: config.log.level, format: config.log.format });
    logger.info({ config: loaded.file ?? "built-in defaults", site: config.site }, "starting edge-voice");
    for (const warning of configWarnings(config)) logger.warn({ code: "config-warning" }, warning);
    const bus = new EventBus(undefined, (error, event) =>
      logger.error({ err: error, event: event.type }, "an event listener failed"),
    );
    if (events === "json") printEventsAsJsonLines(bus, io.stdout);
    let daemon: Daemon;
    try {
      // A missing or corrupt file is refused now, not after seconds of loading models.
      if (input !== undefined && input !== "-") await checkWavHeader(input);
      // Loaded here, not at the top: the stages pull in onnxruntime, llama.cpp and MQTT, which
      // `edge-voice --help` or `config --print` should not pay for.
      const { Daemon } = await import("../daemon.js");
      daemon = await Daemon.start({
        config,
        bus,
        logger,
        input,
        realtime: args.values.realtime === true,
        mqtt: args.values["no-mqtt"] !== true,
        env: io.env,
        cwd: io.cwd,
      });
    } catch (error) {
      if (isEdgeVoiceError(error)) bus.emit({ type: "error", code: error.code, message: error.message });
      throw error;
    }
    const stop = (signal: string) => {
      logger.info({ signal }, "stopping");
      daemon.stop();
      setTimeout(() => {
        logger.error("did not stop in time; exiting");
        process.exit(1);
      }, STOP_DEADLINE_MS).unref();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
    let reloading: Promise<unknown> = Promise.resolve();
    const reload = () => {
      reloading = reloading.then(() => reloadConfig(daemon, () => loadConfigFor(args, io).config, logger));
    };
    process.on("SIGHUP", reload);
    try {
      await daemon.run();
    } finally {
      process.off("SIGHUP", reload);
      await daemon.close();
    }
    logger.info("stopped");
    return 0;
  },
};

/** SIGHUP: an invalid new config is logged and rejected; the old one keeps running. */
async function reloadConfig(daemon: Daemon, load: () => Config, logger: Logger): Promise<void> {
  logger.info("SIGHUP: reloading the configuration");
  try {
    await daemon.reload(load());
  } catch (error) {
    const message = isEdgeVoiceError(error) ? error.message : String(error);
    logger.error({ err: message }, "new configuration rejected; keeping the running one");
  }
}
