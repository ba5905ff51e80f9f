import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import { createInterface } from "node:readline";

/**
 * A small POSIX shell started once, early, that runs programs for the daemon on request, so
 * the daemon never forks after its models have loaded.
 *
 * Why: a fork of the daemon (~450 MB, most of it the models' buffers) marks every page of it
 * copy-on-write, and afterwards the first write to each page faults: measured through the
 * whole daemon (bench/e2e.ts, 2026-12-02) a fork before a command cost that command ~0.4 s.
 * The shell is forked while the daemon is still small and forks the programs from its own few
 * MB. Used by the systemd notifier (notify-relay.ts) and the sound player
 * (feedback/sound-relay.ts).
 *
 * Protocol: requests and answers are lines; what they mean is the caller's script's business.
 * Idle, the shell does not keep the daemon's event loop alive; while `busy()` says work is in
 * flight, it does (an answer is awaited).
 */

export interface ShellRelayOptions {
  /** The shell's program text (`sh -c`); it reads requests from stdin, answers on stdout. */
  script: string;
  /** `$1`, `$2`...: the script's arguments. */
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Names the relay in errors ("the systemd-notify relay"). */
  name: string;
  /** Each answer line, in order. */
  onLine: (line: string) => void;
  /** Once, when the shell could not start or has ended (also after close()). */
  onEnd: (error: Error) => void;
  /** True while answers are awaited: the daemon's event loop stays alive for them. */
  busy: () => boolean;
}

export interface ShellRelay {
  /** The shell's process id (undefined if it could not be started). */
  readonly pid: number | undefined;
  /** Why the shell is gone, or null while it runs. */
  readonly ended: Error | null;
  /** Sends one request line (it must hold no newline). Returns false once the shell has ended. */
  write(line: string): boolean;
  /** Ends the shell's input: it ends once it has answered what it was sent. */
  close(): void;
}

export function startShellRelay(options: ShellRelayOptions): ShellRelay {
  let ended: Error | null = null;
  const child: ChildProcess = spawn("/bin/sh", ["-c", options.script, "sh", ...options.args], {
    stdio: ["pipe", "pipe", "ignore"],
    env: options.env,
  });
  const end = (error: Error) => {
    if (ended) return;
    ended = error;
    options.onEnd(error);
  };
  child.on("error", (error) => end(new Error(`sh for ${options.name}: ${error.message}`)));
  child.on("exit", (code, signal) => end(new Error(`${options.name} ended (${signal ?? code})`)));
  child.stdin?.on("error", (error) => end(error));
  const stdout = child.stdout as (NodeJS.ReadableStream & Partial<Pick<Socket, "ref" | "unref">>) | null;
  const hold = () => {
    if (options.busy() && !ended) {
      child.ref();
      stdout?.ref?.();
    } else {
      child.unref();
      stdout?.unref?.();
    }
  };
  hold();
  (child.stdin as Partial<Pick<Socket, "unref">> | null)?.unref?.();
  if (child.stdout) {
    createInterface({ input: child.stdout }).on("line", (line) => {
      options.onLine(line);
      hold();
    });
  }
  return {
    get pid() {
      return child.pid;
    },
    get ended() {
      return ended;
    },
    write(line) {
      if (ended || !child.stdin?.writable) return false;
      child.stdin.write(`${line}\n`);
      hold();
      return true;
    },
    close() {
      child.stdin?.end();
    },
  };
}
