import pino, { type Logger } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  level: string;
  format: "auto" | "json" | "pretty";
  /** Defaults to stderr: stdout belongs to `--events json`. */
  destination?: NodeJS.WritableStream & { fd?: number };
}

/**
 * Structured JSON lines on stderr (journald keeps them as they are), or readable lines
 * when stderr is a terminal. One tagging rule: each component's factory tags its own logger
 * with `componentLogger(logger, name)`; callers pass the root logger (the CLI) or one
 * already tagged with that name (the daemon), which is kept as it is.
 * Audio is never logged; transcripts only at debug level (callers' duty, see README).
 */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.format === "pretty" || (options.format === "auto" && process.stderr.isTTY === true);
  if (pretty && !options.destination) {
    return pino({
      level: options.level,
      base: undefined,
      transport: {
        target: "pino-pretty",
        options: { destination: 2, colorize: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname" },
      },
    });
  }
  return pino(
    { level: options.level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** A child logger tagged with its component; a logger already tagged so is returned as it is. */
export function componentLogger(logger: Logger, component: string): Logger {
  if (logger.bindings().component === component) return logger;
  return logger.child({ component });
}
