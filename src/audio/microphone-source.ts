import type { Config } from "../config/schema.js";
import { backoffSeconds } from "../util/backoff.js";
import type { Logger } from "../util/logger.js";
import { CaptureConverter } from "./capture-converter.js";
import { deviceAdvice } from "./device-advice.js";
import { type AudioFrame, SAMPLE_RATE } from "./format.js";
import { Framer } from "./framer.js";
import {
  type RecorderName,
  RecorderProcess,
  type RecorderSession,
  type RecorderSpec,
  resolveRecorder,
} from "./recorder-process.js";
import type { AudioSource, AudioSourceInfo } from "./source.js";
import { realSleep, type Sleep } from "./timing.js";

/** open: audio is flowing; waiting: the device is missing or its recorder died, retrying; closed: stopped. */
export type MicrophoneState = "open" | "waiting" | "closed";

export interface MicrophoneSourceOptions {
  /** ALSA device name, e.g. plughw:CARD=Device,DEV=0 ("default" = the recorder's default). */
  device: string;
  /** Recorder program, or an absolute path to a node-record-lpcm16 recorder module (tests). */
  recorder: RecorderName | string;
  /** Rate and channels asked of the recorder; converted to 16 kHz mono here. Defaults 16000 and 1. */
  captureRate?: number;
  captureChannels?: number;
  retryInitialSeconds: number;
  retryMaxSeconds: number;
  /** Restart a recorder that delivers no audio for this long; 0 disables the watchdog. */
  stallSeconds: number;
  logger: Logger;
  /** Called on each change of state (not on each retry): the daemon maps it to STATUS= and metrics. */
  onState?: (state: MicrophoneState, detail?: string) => void;
  /** Backoff and stall-watchdog waits. Injected for tests (a clock they step); defaults to timers. */
  sleep?: Sleep;
  /** Starts one recorder run. Injected for tests (runs scripted chunk by chunk); defaults to a RecorderProcess. */
  openRecorder?: (spec: RecorderSpec) => RecorderSession;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

const ARECORD_HINT = "list capture devices with: arecord -L (prefer a plughw:CARD=... name)";

/** Audio a session must deliver before the backoff starts again from its first step. */
const STABLE_SAMPLES = 5 * SAMPLE_RATE;

/**
 * The microphone, through a recorder process (arecord/sox via node-record-lpcm16). It never
 * ends by itself: a device missing at start, unplugged later, or a recorder that dies or
 * goes silent is retried with capped, jittered exponential backoff until the signal aborts,
 * and frames() simply resumes. startSample keeps counting across reopenings (the samples of
 * a discarded partial frame leave a gap), so timestamps never go backwards.
 */
export class MicrophoneSource implements AudioSource {
  readonly info: AudioSourceInfo;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly openRecorder: (spec: RecorderSpec) => RecorderSession;
  private state: MicrophoneState | undefined;
  /** Failed reopenings since the state became "waiting" (reported when the microphone is back). */
  private retries = 0;
  /** Why the current recorder run ended, when the recorder itself cannot say (the stall watchdog). */
  private lastReason: string | undefined;

  constructor(private readonly options: MicrophoneSourceOptions) {
    this.info = {
      kind: "microphone",
      name: `${options.device} (${resolveRecorder(options.recorder)})`,
      inputFormat: {
        sampleRate: options.captureRate ?? SAMPLE_RATE,
        channels: options.captureChannels ?? 1,
        bitsPerSample: 16,
        encoding: "pcm",
      },
    };
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.openRecorder = options.openRecorder ?? ((spec) => new RecorderProcess(spec));
  }

  static fromConfig(
    audio: Config["audio"],
    logger: Logger,
    onState?: MicrophoneSourceOptions["onState"],
  ): MicrophoneSource {
    return new MicrophoneSource({
      device: audio.device,
      recorder: audio.recorder,
      captureRate: audio.capture_rate,
      captureChannels: audio.capture_channels,
      retryInitialSeconds: audio.retry_initial_seconds,
      retryMaxSeconds: audio.retry_max_seconds,
      stallSeconds: audio.stall_seconds,
      logger,
      onState,
    });
  }

  async *frames(signal: AbortSignal): AsyncGenerator<AudioFrame> {
    let position = 0;
    let attempt = 0;
    const advice = deviceAdvice(this.options.device, resolveRecorder(this.options.recorder));
    if (advice) this.options.logger.warn({ device: this.options.device }, advice);
    try {
      while (!signal.aborted) {
        const session = this.openRecorder({
          recorder: this.options.recorder,
          device: this.options.device,
          sampleRate: this.options.captureRate ?? SAMPLE_RATE,
          channels: this.options.captureChannels ?? 1,
        });
        const framer = new Framer(position);
        let delivered = 0;
        try {
          for await (const samples of this.read(session, signal)) {
            if (delivered === 0) this.setState("open");
            delivered += samples.length;
            yield* framer.push(samples);
          }
        } finally {
          await session.stop();
        }
        framer.discard();
        position = framer.position;
        if (delivered >= STABLE_SAMPLES) attempt = 0;
        if (signal.aborted) break;
        this.setState("waiting", this.lastReason ?? session.exitReason ?? "recorder ended");
        const delay = backoffSeconds(attempt++, this.policy(), this.random);
        this.options.logger.debug({ attempt, delaySeconds: delay }, "retrying the microphone");
        await this.sleep(delay * 1000, signal);
      }
    } finally {
      this.setState("closed");
    }
  }

  /** Converted samples of one recorder run, until it exits, stalls, or the signal aborts. */
  private async *read(session: RecorderSession, signal: AbortSignal): AsyncGenerator<Int16Array> {
    this.lastReason = undefined;
    const converter = await CaptureConverter.create(
      this.options.captureRate ?? SAMPLE_RATE,
      this.options.captureChannels ?? 1,
    );
    const onAbort = () => void session.stop();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      // An abort during the await above fired no listener; the caller stops the session.
      if (signal.aborted) return;
      for (;;) {
        const chunk = await this.nextChunk(session, signal);
        if (chunk === undefined || signal.aborted) return;
        const samples = converter.push(chunk);
        if (samples.length > 0) yield samples;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      converter.dispose();
    }
  }

  /** The recorder's next chunk, or undefined when it ended or delivered nothing for stallSeconds. */
  private async nextChunk(session: RecorderSession, signal: AbortSignal): Promise<Buffer | undefined> {
    const stallMs = this.options.stallSeconds * 1000;
    if (stallMs <= 0) return session.next();
    const watchdog = new AbortController();
    const abortWatchdog = () => watchdog.abort();
    signal.addEventListener("abort", abortWatchdog, { once: true });
    try {
      const stalled = this.sleep(stallMs, watchdog.signal).then(() => "stalled" as const);
      const result = await Promise.race([session.next(), stalled]);
      if (result !== "stalled") return result;
      if (!signal.aborted)
        this.lastReason = `no audio from ${session.command} for ${this.options.stallSeconds} s`;
      return undefined;
    } finally {
      signal.removeEventListener("abort", abortWatchdog);
      watchdog.abort();
    }
  }

  private policy() {
    return { initialSeconds: this.options.retryInitialSeconds, maxSeconds: this.options.retryMaxSeconds };
  }

  /** Reports and logs a change of state once; repeated retries in the same state stay quiet. */
  private setState(state: MicrophoneState, detail?: string): void {
    if (state === this.state) {
      if (state === "waiting") this.retries++;
      return;
    }
    const previous = this.state;
    this.state = state;
    const log = this.options.logger;
    const where = { device: this.options.device, recorder: resolveRecorder(this.options.recorder) };
    if (state === "waiting") {
      this.retries = 0;
      log.warn(
        {
          ...where,
          code: "mic-unavailable",
          detail,
          ...(where.recorder === "arecord" ? { hint: ARECORD_HINT } : {}),
        },
        `microphone unavailable (${detail}); retrying with backoff up to ${this.options.retryMaxSeconds} s`,
      );
    } else if (state === "open") {
      if (previous === "waiting") log.info({ ...where, retries: this.retries }, "microphone back");
      else log.info(where, "microphone open");
    } else if (previous !== undefined) {
      log.info(where, "microphone closed");
    }
    this.options.onState?.(state, detail);
  }
}
