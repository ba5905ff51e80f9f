import { EdgeVoiceError } from "../errors.js";
import type { Logger } from "../util/logger.js";
import { CaptureConverter } from "./capture-converter.js";
import type { AudioFrame } from "./format.js";
import { Framer } from "./framer.js";
import { readChunks } from "./read-chunks.js";
import type { AudioSource, AudioSourceInfo } from "./source.js";
import { RAW_FORMAT, sniffStdin } from "./stdin-format.js";

/**
 * Raw s16le 16 kHz mono on a byte stream (`--input -`), e.g.
 * `arecord -f S16_LE -r 16000 -c 1 -t raw | edge-voice run --input -`. Raw audio has no
 * header to check, so its format is the caller's promise; a 16-bit WAV stream is recognized
 * by its header and converted (see sniffStdin). Pacing is the producer's: a pipe from a
 * recorder is already real time.
 */
export class StdinSource implements AudioSource {
  readonly info: AudioSourceInfo = { kind: "stdin", name: "stdin", inputFormat: RAW_FORMAT };

  constructor(
    private readonly stream: NodeJS.ReadableStream,
    private readonly logger?: Logger,
  ) {}

  async *frames(signal: AbortSignal): AsyncGenerator<AudioFrame> {
    const framer = new Framer();
    let converter: CaptureConverter | undefined;
    let head: Buffer = Buffer.alloc(0);
    try {
      try {
        for await (const chunk of readChunks(this.stream, signal)) {
          if (converter) {
            yield* framer.push(converter.push(chunk));
            continue;
          }
          head = Buffer.concat([head, chunk]);
          const started = await this.start(head, false);
          if (!started) continue;
          converter = started.converter;
          yield* framer.push(converter.push(started.audio));
        }
      } catch (error) {
        throw error instanceof EdgeVoiceError ? error : readError(error);
      }
      if (signal.aborted) return;
      if (!converter && head.length > 0) {
        const started = await this.start(head, true);
        converter = started?.converter;
        if (started) yield* framer.push(started.converter.push(started.audio));
      }
      if (converter) yield* framer.push(converter.finish());
      const last = framer.flush();
      if (last) yield last;
      if (converter?.hasPartialSample)
        this.logger?.warn("stdin ended in the middle of a sample; the odd byte was ignored");
    } finally {
      converter?.dispose();
    }
  }

  /** Decides the format from the first bytes: the converter and the head's audio, or undefined to wait for more. */
  private async start(
    head: Uint8Array,
    ended: boolean,
  ): Promise<{ converter: CaptureConverter; audio: Uint8Array } | undefined> {
    const start = sniffStdin(head, ended);
    if (!start) return undefined;
    this.info.inputFormat = start.format;
    if (start.headerBytes > 0)
      this.logger?.info({ format: start.format }, "stdin carries a WAV stream; reading its header");
    const converter = await CaptureConverter.create(start.format.sampleRate, start.format.channels);
    return { converter, audio: head.subarray(start.headerBytes) };
  }
}

function readError(error: unknown): EdgeVoiceError {
  return new EdgeVoiceError("input-unreadable", `cannot read audio from stdin: ${(error as Error).message}`, {
    hint: "Pipe raw 16 kHz mono s16le audio into --input -, e.g. arecord -f S16_LE -r 16000 -c 1 -t raw | edge-voice run --input -",
    cause: error,
  });
}
