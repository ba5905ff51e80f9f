/**
 * Errors a user can cause or fix carry a stable `code` (for scripts, the journal and
 * the `error` event), a message naming what is wrong, and a hint saying what to do.
 * The CLI prints those two lines and exits with `exitCode`; it never prints a stack
 * trace for an EdgeVoiceError.
 */

/** Exit codes of the `edge-voice` command (DESIGN.md). 78 is EX_CONFIG: systemd's RestartPreventExitStatus stops a restart loop on it. */
export const ExitCode = {
  ok: 0,
  runtime: 1,
  usage: 2,
  config: 78,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | "usage"
  | "config-invalid"
  | "config-unreadable"
  | "model-unknown"
  | "model-missing"
  | "model-corrupt"
  | "model-load-failed"
  | "wav-invalid"
  | "input-unreadable"
  | "mic-unavailable"
  | "mqtt-unreachable"
  | "mqtt-auth"
  | "wake-unavailable"
  | "stt-failed"
  | "stt-timeout"
  | "stt-self-test-failed"
  | "wake-self-test-failed"
  | "intent-failed"
  | "intent-timeout"
  | "llm-unavailable"
  | "llm-timeout"
  | "templates-invalid"
  | "mqtt-port-in-use"
  | "command-expired"
  | "command-dropped"
  | "publish-refused"
  | "model-manifest-invalid"
  /** A message on a control topic (set/mute, set/text, set/timer, Hermes toggles) was ignored: logged, held to 10 a minute. */
  | "control-invalid"
  /** A valid setting that is probably a mistake (an area no device is in): logged at start, said by config --check and doctor. */
  | "config-warning"
  /** The MQTT service stopped with messages the broker never acknowledged (kept on disk, or lost with mqtt.outbox false). */
  | "mqtt-undelivered"
  // role satellite (docs/rooms.md#limits-and-when-things-go-wrong): the command's run ends with them.
  | SatelliteErrorCode;

/** Why a satellite's command was not answered by its base (the `error` event of its run). */
export type SatelliteErrorCode =
  /** The base is offline (its last will), silent past satellite.base_timeout_seconds, or the broker is gone. */
  | "satellite-no-base"
  /** The base refused the session (queue-full, site-busy, too-long, stalled, audio-lost, invalid). */
  | "satellite-rejected"
  /** No answer within satellite.answer_timeout_seconds of the command's end. */
  | "satellite-base-timeout"
  /** The satellite shut down with a command in flight. */
  | "satellite-stopping";

export class EdgeVoiceError extends Error {
  override readonly name = "EdgeVoiceError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { hint?: string; exitCode?: ExitCode; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }

  get hint(): string | undefined {
    return this.options.hint;
  }

  get exitCode(): ExitCode {
    return this.options.exitCode ?? ExitCode.runtime;
  }
}

export function usageError(message: string, hint?: string): EdgeVoiceError {
  return new EdgeVoiceError("usage", message, { exitCode: ExitCode.usage, hint });
}

export function configError(message: string, hint?: string): EdgeVoiceError {
  return new EdgeVoiceError("config-invalid", message, { exitCode: ExitCode.config, hint });
}

export function isEdgeVoiceError(error: unknown): error is EdgeVoiceError {
  return error instanceof EdgeVoiceError;
}

/** A short message for any thrown value, for logs and `error` events. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
