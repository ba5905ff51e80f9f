import { type AudioFrame, FRAME_SAMPLES, samplesToMs } from "./format.js";
import type { AudioSource, AudioSourceInfo } from "./source.js";
import { type Clock, paceDelayMs, realClock, realSleep, type Sleep } from "./timing.js";
import { decodeWav16kMono, loadWavSync } from "./wav.js";

export interface WavFileSourceOptions {
  /** Hand out frames at the speed of a microphone (default false: as fast as they are consumed). */
  realtime?: boolean;
  /** Injected for tests; defaults to timers. */
  sleep?: Sleep;
  /** Injected for tests; defaults to performance.now(). */
  clock?: Clock;
}

/**
 * Frames of a WAV file, converted to the internal format. The file is read and checked when
 * the source is created (a missing or corrupt file throws its EdgeVoiceError there, and
 * `info.inputFormat` is known from the start); it is converted when iteration starts.
 */
export class WavFileSource implements AudioSource {
  readonly info: AudioSourceInfo;
  private readonly sleep: Sleep;
  private readonly clock: Clock;
  private readonly bytes: Uint8Array;

  constructor(
    readonly file: string,
    private readonly options: WavFileSourceOptions = {},
  ) {
    const { bytes, format } = loadWavSync(file);
    this.bytes = bytes;
    this.info = { kind: "file", name: file, inputFormat: format };
    this.sleep = options.sleep ?? realSleep;
    this.clock = options.clock ?? realClock;
  }

  async *frames(signal: AbortSignal): AsyncGenerator<AudioFrame> {
    const { samples } = await decodeWav16kMono(this.bytes, this.file);
    const started = this.clock();
    for (let start = 0; start < samples.length && !signal.aborted; start += FRAME_SAMPLES) {
      const frame: AudioFrame = { samples: samples.slice(start, start + FRAME_SAMPLES), startSample: start };
      if (this.options.realtime) {
        const wait = paceDelayMs(samplesToMs(start + frame.samples.length), this.clock() - started);
        if (wait > 0) await this.sleep(wait, signal);
        if (signal.aborted) return;
      }
      yield frame;
    }
  }
}
