import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import { createInterface } from "node:readline";

/**
 * Runs `systemd-notify` from one small shell started once, instead of forking the daemon for
 * every message.
 *
 * Why: a fork of the daemon (450 MB, most of it the models' buffers) marks every page of it
 * copy-on-write, and afterwards the first write to each page faults. Measured through the
 * whole daemon (bench/e2e.ts, 5 runs near idle, 2026-12-02) with the installed unit's
 * WatchdogSec=30 (a ping every 15 s): end of speech to the command 950 ms against 536 ms
 * without notifications; with a ping every 0.2 s, 1348 ms. The shell is forked while the
 * daemon is still small (before the models load), and it forks `systemd-notify` from its
 * own few MB.
 *
 * Protocol: one message per line, its fields separated by tabs (the notifier makes every
 * field one line without tabs); the shell answers each with "ok" or "fail <stderr>".
 */

/** The relay's loop, in POSIX sh: `$1` is the program. `timeout` bounds a hung systemd-notify. */
const SCRIPT = `
cmd=$1
tab=$(printf '\\t')
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 10"
set -f
while IFS= read -r line; do
  IFS=$tab
  set -- $line
  IFS=' '
  if err=$($limit "$cmd" "$@" 2>&1); then
    echo ok
  else
    printf 'fail %s\\n' "$(printf '%s' "$err" | tr '\\n' ' ')"
  fi
done
`;

export interface NotifyRelay {
  /** Sends one message (its fields together); rejects with systemd-notify's complaint. */
  send(fields: readonly string[]): Promise<void>;
  /** Ends the shell (it also ends by itself when the daemon exits: its input closes). */
  close(): void;
}

export function startNotifyRelay(command: string, env: NodeJS.ProcessEnv): NotifyRelay {
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void; fields: string }> = [];
  let failure: Error | null = null;
  const child: ChildProcess = spawn("sh", ["-c", SCRIPT, "sh", command], {
    stdio: ["pipe", "pipe", "ignore"],
    env,
  });
  const fail = (error: Error) => {
    failure ??= error;
    for (const p of pending.splice(0)) p.reject(failure);
  };
  child.on("error", (error) => fail(new Error(`sh for ${command}: ${error.message}`)));
  child.on("exit", (code, signal) => fail(new Error(`the ${command} relay ended (${signal ?? code})`)));
  child.stdin?.on("error", (error) => fail(error));
  // Idle, the relay must not keep the daemon's event loop alive; a message in flight does.
  const stdout = child.stdout as (NodeJS.ReadableStream & Partial<Pick<Socket, "ref" | "unref">>) | null;
  const hold = (held: boolean) => {
    if (held) {
      child.ref();
      stdout?.ref?.();
    } else {
      child.unref();
      stdout?.unref?.();
    }
  };
  hold(false);
  (child.stdin as Partial<Pick<Socket, "unref">> | null)?.unref?.();
  if (child.stdout) {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const next = pending.shift();
      if (pending.length === 0) hold(false);
      if (!next) return;
      if (line === "ok") next.resolve();
      else
        next.reject(
          new Error(`${command} ${next.fields}: ${line.replace(/^fail ?/, "").trim() || "failed"}`),
        );
    });
  }
  return {
    send(fields) {
      if (failure) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        pending.push({ resolve, reject, fields: fields.join(" ") });
        hold(true);
        child.stdin?.write(`${fields.join("\t")}\n`);
      });
    },
    close() {
      child.stdin?.end();
    },
  };
}
