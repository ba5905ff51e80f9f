import type { RecorderSession, RecorderSpec } from "../../src/audio/recorder-process.js";

/**
 * Recorder runs for MicrophoneSource without a process (its `openRecorder`): each run takes
 * the next step of a plan and hands out exactly the chunks the step lists, one per read, so
 * what the source sees never depends on how fast something wrote or how a pipe grouped it.
 * The real process path is tested with fake-recorder.ts.
 */
export type Script =
  /** Ends at once, as arecord does for a missing device. */
  | { fail: string }
  /** Hands out `chunks`, then ends (`exit`, with `reason`) or waits silently until stopped (`hang`). */
  | { chunks: Buffer[]; after: "exit"; reason: string }
  | { chunks: Buffer[]; after: "hang" }
  /** Hands out `chunk` on every read until stopped. */
  | { stream: Buffer };

/** One started run: what it was asked for, and whether the source stopped it. */
export interface Run {
  spec: RecorderSpec;
  stopped: boolean;
  /** Resolves once a `hang` run has handed out its chunks and a read waits on its silence. */
  silent: Promise<void>;
}

const COMMAND = "arecord";

/** `bytes` of audio whose content says which run and byte it is (so a mix-up shows). */
export function audioBytes(bytes: number, run = 0): Buffer {
  return Buffer.from(Array.from({ length: bytes }, (_, i) => (i * 37 + run) & 0xff));
}

/** Splits `data` into pieces of the given sizes (the rest in a last piece). */
export function pieces(data: Buffer, ...sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(data.subarray(at, at + size));
    at += size;
  }
  if (at < data.length) out.push(data.subarray(at));
  return out;
}

export class ScriptedRecorder {
  readonly runs: Run[] = [];

  constructor(private readonly plan: Script[]) {}

  /** Pass as MicrophoneSource's `openRecorder`. */
  readonly open = (spec: RecorderSpec): RecorderSession => {
    const step = this.plan[Math.min(this.runs.length, this.plan.length - 1)];
    if (!step) throw new Error("empty plan");
    let silent = () => {};
    const run: Run = { spec, stopped: false, silent: new Promise((resolve) => (silent = resolve)) };
    this.runs.push(run);
    return new ScriptedSession(step, run, silent);
  };
}

class ScriptedSession implements RecorderSession {
  readonly command = COMMAND;
  exitReason: string | undefined;
  private read = 0;
  private release: (() => void) | undefined;

  constructor(
    private readonly step: Script,
    private readonly run: Run,
    private readonly onSilent: () => void,
  ) {}

  async next(): Promise<Buffer | undefined> {
    if (this.exitReason !== undefined) return undefined;
    const step = this.step;
    if ("fail" in step) return this.end(`${COMMAND} exited with code 1: arecord: main:831: ${step.fail}`);
    if ("stream" in step) return step.stream;
    const chunk = step.chunks[this.read++];
    if (chunk) return chunk;
    if (step.after === "exit") return this.end(step.reason);
    this.onSilent();
    await new Promise<void>((resolve) => (this.release = resolve));
    return undefined;
  }

  async stop(): Promise<void> {
    this.run.stopped = true;
    this.exitReason ??= `${COMMAND} was killed by SIGTERM`;
    this.release?.();
  }

  private end(reason: string): undefined {
    this.exitReason = reason;
    return undefined;
  }
}
