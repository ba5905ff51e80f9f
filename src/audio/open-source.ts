import type { Config } from "../config/schema.js";
import { usageError } from "../errors.js";
import { componentLogger, type Logger } from "../util/logger.js";
import { MicrophoneSource, type MicrophoneSourceOptions } from "./microphone-source.js";
import type { AudioSource } from "./source.js";
import { StdinSource } from "./stdin-source.js";
import { WavFileSource } from "./wav-file-source.js";

export interface OpenAudioSourceOptions {
  /** undefined = the microphone, "-" = raw s16le 16 kHz mono on stdin, anything else = a WAV file. */
  input?: string;
  /** Pace a WAV file at real time (the microphone and stdin are paced by nature). */
  realtime?: boolean;
  audio: Config["audio"];
  logger: Logger;
  /** Defaults to process.stdin. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Microphone state changes (open / waiting / closed), for STATUS= and metrics. */
  onMicrophoneState?: MicrophoneSourceOptions["onState"];
}

/**
 * The audio source `edge-voice run` reads, chosen by `--input`. Throws EdgeVoiceError at once
 * for a WAV file that is missing or unusable, and for `-` when stdin is a terminal.
 */
export function openAudioSource(options: OpenAudioSourceOptions): AudioSource {
  const logger = componentLogger(options.logger, "audio");
  if (options.input === undefined)
    return MicrophoneSource.fromConfig(options.audio, logger, options.onMicrophoneState);
  if (options.input === "-") {
    const stdin = options.stdin ?? process.stdin;
    if (stdin.isTTY)
      throw usageError(
        "--input - reads raw audio from stdin, but stdin is a terminal",
        "Pipe 16 kHz mono s16le audio in, e.g. arecord -f S16_LE -r 16000 -c 1 -t raw | edge-voice run --input -",
      );
    return new StdinSource(stdin, logger);
  }
  return new WavFileSource(options.input, { realtime: options.realtime ?? false });
}
