import { startShellRelay } from "./shell-relay.js";

/**
 * Runs `systemd-notify` from one small shell started once, instead of forking the daemon for
 * every message.
 *
 * Why (shell-relay.ts): a fork of the loaded daemon costs the next command its copy-on-write
 * faults. Measured through the whole daemon (bench/e2e.ts, 5 runs near idle, 2026-12-02) with
 * the installed unit's WatchdogSec=30 (a ping every 15 s): end of speech to the command 950 ms
 * against 536 ms without notifications; with a ping every 0.2 s, 1348 ms.
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
  const relay = startShellRelay({
    script: SCRIPT,
    args: [command],
    env,
    name: `the ${command} relay`,
    busy: () => pending.length > 0,
    onEnd: (error) => {
      for (const p of pending.splice(0)) p.reject(error);
    },
    onLine: (line) => {
      const next = pending.shift();
      if (!next) return;
      if (line === "ok") next.resolve();
      else
        next.reject(
          new Error(`${command} ${next.fields}: ${line.replace(/^fail ?/, "").trim() || "failed"}`),
        );
    },
  });
  return {
    send(fields) {
      if (relay.ended) return Promise.reject(relay.ended);
      return new Promise<void>((resolve, reject) => {
        pending.push({ resolve, reject, fields: fields.join(" ") });
        relay.write(fields.join("\t"));
      });
    },
    close() {
      relay.close();
    },
  };
}
