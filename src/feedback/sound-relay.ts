import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type ShellRelay, startShellRelay } from "../system/shell-relay.js";
import { SOUND_RELAY_SCRIPT } from "./sound-relay-script.js";

/** One program of a pipeline. */
export interface Stage {
  program: string;
  args: readonly string[];
}

/** How one program ended: null when it did its job, else why not ("failed (exit 1): ..."). */
export interface StageEnd {
  program: string;
  problem: string | null;
}

export interface RelayJob {
  /** Resolves once every program has ended (never rejects). */
  readonly done: Promise<StageEnd[]>;
  /** Signals the programs still running (at once if their PIDs are known, else when they are). */
  kill(signal: NodeJS.Signals): void;
  /** Ends the job now, its unanswered programs with `reason` (their answers are then ignored). */
  abandon(reason: string): void;
}

export interface SoundRelayOptions {
  env: NodeJS.ProcessEnv;
  /** Told when the shell ended by itself and was restarted, or could not be kept running. */
  onTrouble?: (message: string) => void;
}

interface Running {
  stages: readonly Stage[];
  pids: number[] | null;
  signal: NodeJS.Signals | null;
  ends: Array<StageEnd | undefined>;
  resolve: (ends: StageEnd[]) => void;
}

/** A shell that dies more often than this in a player's life is not restarted again. */
const MAX_RESTARTS = 3;
/** Earcon files kept (they never change; a ringer renewed by SIGHUP brings its own). */
const MAX_WAVS = 16;

/**
 * Runs the sound player's pipelines (aplay or play, after espeak-ng for speech) from one small
 * shell started with the player, before the models load, so the loaded daemon never forks for
 * a sound (system/shell-relay.ts says why: session 9 measured 916 ms from the end of speech to
 * the command with earcons against 484 ms without, every earcon being a fork of the daemon).
 * With it, earcons cost the command next to nothing (docs/boards.md, "Feedback"). The
 * protocol and the shell: sound-relay-script.ts.
 */
export class SoundRelay {
  readonly #options: SoundRelayOptions;
  /** Earcon WAVs, fifos and stderr files (mode 0700); null if none could be made. */
  readonly #dir: string | null;
  readonly #jobs = new Map<string, Running>();
  /** sha1 of a WAV's bytes -> its file name in #dir; oldest first. */
  readonly #wavs = new Map<string, string>();
  #shell: ShellRelay | null = null;
  #nextId = 1;
  #restarts = 0;
  #disposed = false;

  constructor(options: SoundRelayOptions) {
    this.#options = options;
    this.#dir = privateDir();
    if (this.#dir) this.#shell = this.#start();
    else options.onTrouble?.(`feedback: cannot make a directory in ${os.tmpdir()}, so no sounds are played`);
  }

  /** The shell's process id (tests check the programs are its grandchildren). */
  get pid(): number | undefined {
    return this.#shell?.pid;
  }

  /** Runs the stages as a pipe; a WAV, written once to the private directory, is the first's stdin. */
  run(stages: readonly Stage[], wav?: Uint8Array): RelayJob {
    const id = String(this.#nextId++);
    let job: Running | undefined;
    const done = new Promise<StageEnd[]>((resolve) => {
      job = { stages, pids: null, signal: null, ends: stages.map(() => undefined), resolve };
    });
    const running = job as Running;
    const why = this.#disposed
      ? "not played: the player was disposed"
      : this.#shell === null
        ? "not played: the player shell is not running"
        : null;
    if (why || stages.length === 0 || stages.length > 2) {
      running.resolve(stages.map(({ program }) => ({ program, problem: why ?? "not run: 1 or 2 stages" })));
      return { done, kill: () => {}, abandon: () => {} };
    }
    this.#jobs.set(id, running);
    const input = wav && this.#dir ? this.#wavFile(wav, this.#dir) : "-";
    const [first, second] = stages;
    const argv = [first, second].flatMap((stage) => (stage ? [stage.program, ...stage.args] : []));
    const fields = [id, input, String(1 + (first?.args.length ?? 0)), ...argv].map(field);
    if (!this.#shell?.write(fields.join("\t"))) {
      // Ended since (its restart is under way): this sound is lost, said rather than waited for.
      const problem = "not played: the player shell had just ended";
      this.#finish(
        id,
        running,
        stages.map(({ program }) => ({ program, problem })),
      );
    }
    return {
      done,
      kill: (signal) => this.#kill(running, signal),
      abandon: (reason) => this.#giveUp(id, running, reason),
    };
  }

  /** Kills what plays, ends the shell, removes the directory; idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const job of this.#jobs.values()) this.#kill(job, "SIGTERM");
    this.#shell?.close();
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }

  #start(): ShellRelay {
    const shell: ShellRelay = startShellRelay({
      script: SOUND_RELAY_SCRIPT,
      args: [this.#dir ?? "/nonexistent"],
      env: this.#options.env,
      name: "the player shell",
      busy: () => this.#jobs.size > 0,
      onLine: (line) => this.#answer(line),
      onEnd: (error) => this.#ended(shell, error),
    });
    return shell;
  }

  #answer(line: string): void {
    const [kind, id = "", ...rest] = line.split(" ");
    const job = this.#jobs.get(id);
    if (!job) return; // a job already given up (the shell had ended)
    if (kind === "pid") {
      job.pids = rest.map(Number).filter((pid) => pid > 0);
      if (job.signal) this.#kill(job, job.signal);
    } else if (kind === "exit") {
      const [stage = "", code = "", ...stderr] = rest;
      const index = Number(stage) - 1;
      const program = job.stages[index]?.program ?? "?";
      job.ends[index] = {
        program,
        problem: problem(Number(code), stderr.join(" "), index, job.stages.length),
      };
      if (job.ends.every((end) => end !== undefined)) this.#finish(id, job, job.ends as StageEnd[]);
    }
  }

  #finish(id: string, job: Running, ends: StageEnd[]): void {
    this.#jobs.delete(id);
    job.resolve(ends);
  }

  #giveUp(id: string, job: Running, reason: string): void {
    if (this.#jobs.get(id) !== job) return;
    this.#finish(
      id,
      job,
      job.stages.map(({ program }, i) => job.ends[i] ?? { program, problem: reason }),
    );
  }

  #kill(job: Running, signal: NodeJS.Signals): void {
    job.signal = signal;
    job.pids?.forEach((pid, i) => {
      if (job.ends[i] !== undefined) return; // ended and reaped: the PID may belong to another process now
      try {
        process.kill(pid, signal);
      } catch {
        // gone already; its exit is on the way
      }
    });
  }

  /**
   * The shell ended. Its jobs' programs are killed and the jobs end (their answers can no longer
   * be trusted to come). Restarted at once, not at the next sound: the restart is a fork of the
   * loaded daemon, better paid now than by the command that the next earcon starts. A relay
   * that keeps dying is given up on, loudly, rather than forked again and again.
   */
  #ended(shell: ShellRelay, error: Error): void {
    // Closed by dispose(): the jobs it killed are still answered by their own subshells.
    if (shell !== this.#shell || this.#disposed) return;
    for (const [id, job] of this.#jobs) {
      this.#kill(job, "SIGTERM");
      this.#giveUp(id, job, `not finished: ${error.message}`);
    }
    if (this.#restarts >= MAX_RESTARTS) {
      this.#shell = null;
      this.#options.onTrouble?.(`feedback: ${error.message} again; no more sounds until the daemon restarts`);
      return;
    }
    this.#restarts++;
    this.#options.onTrouble?.(`feedback: ${error.message}; started a new one`);
    this.#shell = this.#start();
  }

  #wavFile(wav: Uint8Array, dir: string): string {
    const hash = createHash("sha1").update(wav).digest("hex").slice(0, 16);
    const known = this.#wavs.get(hash);
    if (known) {
      this.#wavs.delete(hash);
      this.#wavs.set(hash, known);
      return known;
    }
    const name = `sound-${hash}.wav`;
    writeFileSync(path.join(dir, name), wav, { mode: 0o600 });
    this.#wavs.set(hash, name);
    for (const [oldHash, oldName] of this.#wavs) {
      if (this.#wavs.size <= MAX_WAVS) break;
      this.#wavs.delete(oldHash);
      unlinkSync(path.join(dir, oldName));
    }
    return name;
  }
}

/** One field of a request line: no tab or newline (the separators), never empty. */
function field(text: string): string {
  return text.replace(/[\t\n\r]/g, " ") || " ";
}

/** What the shell's exit code says; a writer cut off by its reader's end is not a problem of its own. */
function problem(code: number, stderr: string, index: number, stages: number): string | null {
  if (code === 0) return null;
  const signal = code > 128 ? signalName(code - 128) : null;
  if (signal === "SIGPIPE" && index + 1 < stages) return null; // the reader's own exit says why
  return `failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`;
}

function signalName(number: number): string | null {
  const entry = Object.entries(os.constants.signals).find(([, n]) => n === number);
  return entry ? entry[0] : null;
}

/** A directory only this user can open (mkdtemp's mode is 0700), or null when the temp dir refuses. */
function privateDir(): string | null {
  try {
    return mkdtempSync(path.join(os.tmpdir(), "edge-voice-sounds-"));
  } catch {
    return null;
  }
}
