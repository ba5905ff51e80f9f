import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { PipelineEvent } from "../../src/events/types.js";

export const BIN = path.resolve(__dirname, "..", "..", "bin", "edge-voice.js");

export interface DaemonProcess {
  child: ChildProcess;
  events: PipelineEvent[];
  stderr: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves with the first event matching `predicate`. */
  waitFor(predicate: (event: PipelineEvent) => boolean, timeoutMs?: number): Promise<PipelineEvent>;
}

/** Starts `edge-voice <args>` (the built CLI) with --events json parsed line by line. */
export function startDaemon(args: string[], env: NodeJS.ProcessEnv = {}): DaemonProcess {
  // The command itself, as systemd runs it: its shebang carries node's flags.
  const child = spawn(BIN, args, {
    env: { ...process.env, ...env, EDGE_VOICE_LOG__FORMAT: "json" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const events: PipelineEvent[] = [];
  const waiters: { predicate: (e: PipelineEvent) => boolean; resolve: (e: PipelineEvent) => void }[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  lines.on("line", (line) => {
    const event = JSON.parse(line) as PipelineEvent;
    events.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    events,
    stderr: () => stderr,
    exited,
    waitFor(predicate, timeoutMs = 60_000) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for an event; stderr:\n${stderr}`)),
          timeoutMs,
        );
        waiters.push({
          predicate,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
        });
      });
    },
  };
}

/**
 * `edge-voice run --config <config> --input <input> --events json <more>` to its end: the
 * process once it has exited 0 (another exit code fails with the daemon's stderr).
 */
export async function runToEnd(config: string, input: string, more: string[] = []): Promise<DaemonProcess> {
  const daemon = startDaemon(["run", "--config", config, "--input", input, "--events", "json", ...more]);
  const code = await daemon.exited;
  if (code !== 0) throw new Error(`edge-voice run exited with ${code}; stderr:\n${daemon.stderr()}`);
  return daemon;
}

/** Resident set size of a process in bytes (Linux). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}
