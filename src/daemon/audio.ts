import type { Readable } from "node:stream";
import { type AudioFrame, samplesToMs } from "../audio/format.js";
import { openAudioSource } from "../audio/open-source.js";
import type { Config } from "../config/schema.js";
import type { EventBus } from "../events/bus.js";
import type { Logger } from "../util/logger.js";
import type { MicrophoneSupervisor } from "./microphone.js";
import type { Service, ServiceContext } from "./service.js";

export interface AudioInputOptions {
  bus: EventBus;
  logger: Logger;
  microphone: MicrophoneSupervisor;
  /** A WAV path, `-` for raw audio on stdin, or undefined for the microphone. */
  input?: string;
  /** Pace file input like a microphone. */
  realtime?: boolean;
  stdin?: NodeJS.ReadableStream;
}

/**
 * The audio input: the source `--input` names, read by `frames()`. A SIGHUP that changes
 * audio.* reopens the microphone between two frames; sample positions carry on from where
 * the previous source stopped, so the pipeline's timeline never goes back.
 */
export class AudioInput implements Service {
  readonly name = "audio";
  readonly sections = ["audio"] as const;
  readonly live = true;
  readonly #ended = new AbortController();
  #source: AbortController | null = null;
  #reopen = false;
  #audio: Config["audio"] | null = null;
  #offset = 0;
  #frames = 0;

  constructor(private readonly options: AudioInputOptions) {}

  /** Input read so far: ms of 16 kHz audio and frames. */
  get consumed(): { audioMs: number; frames: number } {
    return { audioMs: samplesToMs(this.#offset), frames: this.#frames };
  }

  /** True once stop() was called (a signal), false when the input simply ended. */
  get stopped(): boolean {
    return this.#ended.signal.aborted;
  }

  async start({ config }: ServiceContext): Promise<void> {
    this.#audio = config.audio;
  }

  async reload({ config }: ServiceContext): Promise<void> {
    this.#audio = config.audio;
    // A file or stdin is read to its end as it is: only the microphone reopens.
    if (this.options.input !== undefined) return;
    this.#reopen = true;
    this.#source?.abort();
  }

  /** The input's frames until it ends (file, stdin) or stop() is called (microphone). */
  async *frames(): AsyncGenerator<AudioFrame> {
    const { bus, input } = this.options;
    do {
      this.#reopen = false;
      this.#source = new AbortController();
      const signal = AbortSignal.any([this.#ended.signal, this.#source.signal]);
      const source = openAudioSource({
        input,
        realtime: this.options.realtime,
        audio: this.#audio as Config["audio"],
        logger: this.options.logger,
        stdin: this.options.stdin,
        onMicrophoneState: (state, detail) => this.options.microphone.onState(state, detail),
      });
      if (this.#frames === 0) bus.emit({ type: "audio-start", ...sourceFields(source.info) });
      const start = this.#offset;
      for await (const frame of source.frames(signal)) {
        this.#frames++;
        const shifted: AudioFrame = start
          ? { samples: frame.samples, startSample: frame.startSample + start }
          : frame;
        this.#offset = shifted.startSample + shifted.samples.length;
        yield shifted;
      }
    } while (this.#reopen && !this.#ended.signal.aborted);
  }

  /** Ends frames() at the next frame; idempotent. */
  async stop(): Promise<void> {
    this.#ended.abort();
    this.options.microphone.stop();
    // The stdin source leaves the stream open when aborted (read-chunks.ts); on a stop nothing
    // reads it again, and a pipe still open (`arecord ... | edge-voice run --input -`) would
    // keep the process alive past "stopped" until the stop deadline killed it with exit 1.
    if (this.options.input === "-") ((this.options.stdin ?? process.stdin) as Readable).destroy();
  }
}

function sourceFields(info: { kind: "microphone" | "file" | "stdin"; name: string; inputFormat?: unknown }) {
  return { source: info.kind, name: info.name, inputFormat: info.inputFormat as never };
}
