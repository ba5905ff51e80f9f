import type { AudioFrame } from "./format.js";
import { samplesToMs } from "./format.js";
import { Framer } from "./framer.js";
import type { AudioSource, AudioSourceInfo } from "./source.js";
import { type Clock, paceDelayMs, realClock, realSleep, type Sleep } from "./timing.js";
import { readWavLayoutSync, streamWav16kMono } from "./wav.js";
import type { WavLayout } from "./wav-header.js";

export interface WavFileSourceOptions {
  /** Hand out frames at the speed of a microphone (default false: as fast as they are consumed). */
  realtime?: boolean;
  /** Injected for tests; defaults to timers. */
  sleep?: Sleep;
  /** Injected for tests; defaults to performance.now(). */
  clock?: Clock;
}

/**
 * Frames of a WAV file, converted to the internal format. The file's header is read and
 * checked when the source is created (a missing or corrupt file throws its EdgeVoiceError
 * there, and `info.inputFormat` is known from the start); the audio is read and converted a
 * block at a time while frames are taken, so a recording of hours needs no more memory than
 * one of seconds.
 */
export class WavFileSource implements AudioSource {
  readonly info: AudioSourceInfo;
  private readonly sleep: Sleep;
  private readonly clock: Clock;
  private readonly layout: WavLayout;

  constructor(
    readonly file: string,
    private readonly options: WavFileSourceOptions = {},
  ) {
    this.layout = readWavLayoutSync(file);
    this.info = { kind: "file", name: file, inputFormat: this.layout.format };
    this.sleep = options.sleep ?? realSleep;
    this.clock = options.clock ?? realClock;
  }

  async *frames(signal: AbortSignal): AsyncGenerator<AudioFrame> {
    const framer = new Framer();
    const started = this.clock();
    for await (const samples of streamWav16kMono(this.file, this.layout, signal)) {
      for (const frame of framer.push(samples)) {
        if (!(await this.pace(frame, started, signal))) return;
        yield frame;
      }
    }
    const last = framer.flush();
    if (last && !signal.aborted && (await this.pace(last, started, signal))) yield last;
  }

  /** With `realtime`, waits until the frame's end is due; false when aborted meanwhile. */
  private async pace(frame: AudioFrame, started: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    if (!this.options.realtime) return true;
    const wait = paceDelayMs(samplesToMs(frame.startSample + frame.samples.length), this.clock() - started);
    if (wait > 0) await this.sleep(wait, signal);
    return !signal.aborted;
  }
}
