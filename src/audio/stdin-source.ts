import { EdgeVoiceError } from "../errors.js";
import type { Logger } from "../util/logger.js";
import type { AudioFrame } from "./format.js";
import { Framer } from "./framer.js";
import { readChunks } from "./read-chunks.js";
import { S16leDecoder } from "./s16le.js";
import type { AudioSource, AudioSourceInfo } from "./source.js";

/**
 * Raw s16le 16 kHz mono on a byte stream (`--input -`), e.g.
 * `arecord -f S16_LE -r 16000 -c 1 -t raw | edge-voice run --input -`. There is no header
 * to check, so the format is the caller's promise. Pacing is the producer's: a pipe from a
 * recorder is already real time.
 */
export class StdinSource implements AudioSource {
  readonly info: AudioSourceInfo = {
    kind: "stdin",
    name: "stdin",
    inputFormat: { sampleRate: 16_000, channels: 1, bitsPerSample: 16, encoding: "pcm" },
  };

  constructor(
    private readonly stream: NodeJS.ReadableStream,
    private readonly logger?: Logger,
  ) {}

  async *frames(signal: AbortSignal): AsyncGenerator<AudioFrame> {
    const decoder = new S16leDecoder();
    const framer = new Framer();
    try {
      for await (const chunk of readChunks(this.stream, signal)) {
        yield* framer.push(decoder.decode(chunk));
      }
    } catch (error) {
      throw new EdgeVoiceError(
        "input-unreadable",
        `cannot read audio from stdin: ${(error as Error).message}`,
        {
          hint: "Pipe raw 16 kHz mono s16le audio into --input -, e.g. arecord -f S16_LE -r 16000 -c 1 -t raw | edge-voice run --input -",
          cause: error,
        },
      );
    }
    if (signal.aborted) return;
    const last = framer.flush();
    if (last) yield last;
    if (decoder.hasPartialSample)
      this.logger?.warn("stdin ended in the middle of a sample; the odd byte was ignored");
  }
}
