import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type NotifyRelay, startNotifyRelay } from "../../../src/system/notify-relay.js";

let dir: string;
let relay: NotifyRelay | null = null;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-relay-"));
});

afterEach(() => {
  relay?.close();
  relay = null;
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A stand-in for systemd-notify: logs the PID of the process that started its shell (the relay
 * runs each call in a subshell: its parent) and each argument on one line, or fails.
 */
function fakeNotify(): { program: string; calls: () => Array<{ parent: number; args: string[] }> } {
  const log = path.join(dir, "calls");
  const program = path.join(dir, "systemd-notify");
  writeFileSync(
    program,
    `#!/bin/sh
case "$1" in FAIL*) echo "no socket here" >&2; echo "second line" >&2; exit 1;; esac
{ cut -d' ' -f4 "/proc/$PPID/stat" | tr -d '\n'; for a in "$@"; do printf '|%s' "$a"; done; echo; } >> "${log}"
`,
  );
  chmodSync(program, 0o755);
  const calls = () =>
    readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => {
        const [parent, ...args] = line.split("|");
        return { parent: Number(parent), args };
      });
  return { program, calls };
}

describe("startNotifyRelay", () => {
  it.skipIf(!existsSync("/proc/self/stat"))(
    "runs every message from one shell, the fields intact and in order",
    async () => {
      const fake = fakeNotify();
      relay = startNotifyRelay(fake.program, process.env);
      await relay.send(["STATUS=loading models"]);
      await relay.send(["READY=1", "STATUS=listening on 'mic' * now"]);
      await relay.send(["WATCHDOG=1"]);
      const calls = fake.calls();
      expect(calls.map((c) => c.args)).toEqual([
        ["STATUS=loading models"],
        ["READY=1", "STATUS=listening on 'mic' * now"],
        ["WATCHDOG=1"],
      ]);
      // One relay forked the program each time; the test's process (the daemon) forked once.
      expect(new Set(calls.map((c) => c.parent)).size).toBe(1);
      expect(calls[0]?.parent).not.toBe(process.pid);
    },
  );

  it("rejects a failed message with the program's complaint and carries on", async () => {
    const fake = fakeNotify();
    relay = startNotifyRelay(fake.program, process.env);
    await expect(relay.send(["FAIL=1"])).rejects.toThrow(/FAIL=1: no socket here second line/);
    await relay.send(["WATCHDOG=1"]);
    expect(fake.calls().map((c) => c.args)).toEqual([["WATCHDOG=1"]]);
  });

  it("rejects every message once the relay has ended", async () => {
    const fake = fakeNotify();
    relay = startNotifyRelay(fake.program, process.env);
    await relay.send(["WATCHDOG=1"]);
    relay.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(relay.send(["WATCHDOG=1"])).rejects.toThrow(/relay ended/);
  });
});
