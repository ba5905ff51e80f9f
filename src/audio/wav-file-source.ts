import { type AudioFrame, FRAME_SAMPLES, samplesToMs } from "./format.js";
import type { AudioSource, AudioSourceInfo } from "./source.js";
import { type Clock, paceDelayMs, realClock, realSleep, type Sleep } from "./timing.js";
import { readWav16kMono } from "./wav.js";

export interface WavFileSourceOptions {
  /** Hand out frames at the speed of a microphone (default false: as fast as they are consumed). */
  realtime?: boolean;
  /** Injected for tests; defaults to timers. */
  sleep?: Sleep;
  /** Injected for tests; defaults to performance.now(). */
  clock?: Clock;
}

/**
 * Frames of a WAV file, converted to the internal format. The file is decoded when
 * iteration starts, so a corrupt file throws its EdgeVoiceError before the first frame.
 */
export class WavFileSource implements AudioSource {
  readonly info: AudioSourceInfo;
  private readonly sleep: Sleep;
  private readonly clock: Clock;

  constructor(
    readonly file: string,
    private readonly options: WavFileSourceOptions = {},
  ) {
    this.info = { kind: "file", name: file };
    this.sleep = options.sleep ?? realSleep;
    this.clock = options.clock ?? realClock;
  }

  async *frames(signal: AbortSignal): AsyncGenerator<AudioFrame> {
    const { samples, format } = await readWav16kMono(this.file);
    this.info.inputFormat = format;
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
