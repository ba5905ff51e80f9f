import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { basename } from "node:path";
import type { Readable } from "node:stream";

/** node-record-lpcm16 ships no types; this is the part of its API used here. */
interface Recording {
  cmd: string;
  process: ChildProcess;
  stream(): Readable;
}
interface RecordModule {
  record(options: Record<string, unknown>): Recording;
}
const lpcm16 = createRequire(import.meta.url)("node-record-lpcm16") as RecordModule;

export type RecorderName = "auto" | "arecord" | "sox" | "rec";

export interface RecorderSpec {
  /** A recorder name, or an absolute path to a recorder module of the same shape as node-record-lpcm16's own. */
  recorder: RecorderName | string;
  /** ALSA device name (arecord -D, sox AUDIODEV); "default" leaves the recorder's own default. */
  device: string;
  sampleRate: number;
  channels: number;
}

/** arecord is on every Linux board with ALSA (alsa-utils); elsewhere sox talks to CoreAudio and friends. */
export function resolveRecorder(
  name: RecorderName | string,
  platform: NodeJS.Platform = process.platform,
): string {
  if (name !== "auto") return name;
  return platform === "linux" ? "arecord" : "sox";
}

/**
 * One run of a recorder as MicrophoneSource reads it: chunks until the run ends, then why it
 * ended. RecorderProcess is the real one; tests script runs chunk by chunk without a process.
 */
export interface RecorderSession {
  /** The command that was started (arecord, sox, ...). */
  readonly command: string;
  /** Why the run ended; undefined while it runs. */
  readonly exitReason: string | undefined;
  /** The next chunk of raw s16le audio, or undefined once the run has ended and all was read. */
  next(): Promise<Buffer | undefined>;
  /** Ends the run and resolves once it is gone. Idempotent. */
  stop(): Promise<void>;
}

/** Queued audio past which the recorder's stdout is paused, so a stalled consumer cannot grow memory. */
const MAX_QUEUED_BYTES = 16_000 * 2 * 5;
const STDERR_TAIL = 2048;
const KILL_GRACE_MS = 2000;
/** The package that provides each recorder program (the same name on Debian and Homebrew). */
const INSTALLED_BY: Record<string, string> = { arecord: "alsa-utils", sox: "sox", rec: "sox" };

/**
 * One run of a recorder program via node-record-lpcm16 (raw s16le on stdout). Reads as a
 * queue of chunks that ends when the process exits; `exitReason` then says why, with the
 * recorder's own last stderr line (arecord's "audio open error: No such device" is what a
 * user needs to see). The library reports a dead recorder only as a plain string error on
 * the stream, so the exit is taken from the process itself.
 */
export class RecorderProcess implements RecorderSession {
  /** The command that was started (arecord, sox, ...). */
  readonly command: string;
  private readonly child: ChildProcess;
  private readonly stream: Readable;
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private wake: (() => void) | undefined;
  private stderrTail = "";
  private spawnError: NodeJS.ErrnoException | undefined;
  private reason: string | undefined;
  private stopping = false;
  private readonly closed: Promise<void>;

  constructor(spec: RecorderSpec) {
    const recording = lpcm16.record({
      sampleRate: spec.sampleRate,
      channels: spec.channels,
      audioType: "raw",
      recorder: resolveRecorder(spec.recorder),
      device: spec.device === "default" ? undefined : spec.device,
    });
    this.command = basename(recording.cmd);
    this.child = recording.process;
    this.stream = recording.stream();
    this.stream.on("data", (chunk: Buffer) => this.enqueue(chunk));
    // The library emits a string here on a non-zero exit; "close" below reports it with more detail.
    this.stream.on("error", () => {});
    this.child.on("error", (error: NodeJS.ErrnoException) => {
      this.spawnError = error;
    });
    this.child.stderr?.on("data", (data: Buffer) => {
      this.stderrTail = (this.stderrTail + data.toString("utf8")).slice(-STDERR_TAIL);
    });
    this.closed = new Promise((resolve) => {
      this.child.on("close", (code, signal) => {
        this.reason = this.describeExit(code, signal);
        this.notify();
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Why the recorder ended; undefined while it runs. */
  get exitReason(): string | undefined {
    return this.reason;
  }

  /** True while the recorder's output is held back because too much audio waits unread. */
  get paused(): boolean {
    return this.stream.isPaused();
  }

  /** The next chunk of audio, or undefined once the process has exited and everything was read. */
  async next(): Promise<Buffer | undefined> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk) {
        this.queuedBytes -= chunk.length;
        if (this.queuedBytes < MAX_QUEUED_BYTES / 2 && this.stream.isPaused()) this.stream.resume();
        return chunk;
      }
      if (this.reason !== undefined) return undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** Ends the process (SIGTERM, SIGKILL after a grace period) and resolves once it is gone. Idempotent. */
  async stop(): Promise<void> {
    // "close" waits for stdout to end, which a paused stream never does: drain and drop it.
    this.stopping = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.stream.resume();
    if (this.reason === undefined && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGTERM");
      const escalate = setTimeout(() => this.child.kill("SIGKILL"), KILL_GRACE_MS);
      escalate.unref();
      await this.closed;
      clearTimeout(escalate);
    }
    await this.closed;
  }

  private enqueue(chunk: Buffer): void {
    if (this.stopping) return;
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    if (this.queuedBytes > MAX_QUEUED_BYTES) this.stream.pause();
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private describeExit(code: number | null, signal: NodeJS.Signals | null): string {
    const name = this.command;
    if (this.spawnError?.code === "ENOENT") {
      const pkg = INSTALLED_BY[name];
      return `${name} not found${pkg ? ` (install ${pkg})` : ""}`;
    }
    if (this.spawnError) return `${name} could not start: ${this.spawnError.message}`;
    const lastLine = this.stderrTail.trim().split("\n").at(-1)?.trim();
    const how = signal ? `was killed by ${signal}` : code === 0 ? "stopped" : `exited with code ${code}`;
    return lastLine ? `${name} ${how}: ${lastLine}` : `${name} ${how}`;
  }
}
