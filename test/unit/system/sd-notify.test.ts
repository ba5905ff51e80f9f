import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SystemdNotifier, WatchdogSchedule, watchdogIntervalMs } from "../../../src/system/sd-notify.js";

/** A notify socket like PID 1's: prints each datagram as a JSON line; closes passed fds (BARRIER=1). */
const RECEIVER = `
import socket, sys, os, array, json
addr = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\\0" + addr[1:] if addr.startswith("@") else addr)
print(json.dumps("bound"), flush=True)
while True:
    data, anc, flags, _ = s.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
    for level, kind, d in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i"); fds.frombytes(d[: len(d) - (len(d) % fds.itemsize)])
            for fd in fds: os.close(fd)
    print(json.dumps(data.decode()), flush=True)
`;

function has(program: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${program}`]);
    return true;
  } catch {
    return false;
  }
}

class Receiver {
  readonly messages: string[] = [];
  readonly #child: ChildProcess;
  readonly #bound: Promise<void>;

  constructor(address: string) {
    this.#child = spawn("python3", ["-c", RECEIVER, address], { stdio: ["ignore", "pipe", "inherit"] });
    let buffered = "";
    this.#bound = new Promise((resolve) => {
      this.#child.stdout?.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) {
          const message = JSON.parse(line) as string;
          if (message === "bound") resolve();
          else this.messages.push(message);
        }
      });
    });
  }

  ready(): Promise<void> {
    return this.#bound;
  }

  /** Payloads without systemd-notify's BARRIER=1 sync messages. */
  payloads(): string[] {
    return this.messages.filter((m) => m !== "BARRIER=1");
  }

  stop(): void {
    if (this.#child.pid) process.kill(this.#child.pid);
  }
}

const realTools = has("python3") && has("systemd-notify");
const receivers: Receiver[] = [];
let tmp: string | null = null;

afterEach(() => {
  for (const r of receivers.splice(0)) r.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = null;
});

describe.skipIf(!realTools)("SystemdNotifier over a real notify socket (python3 + systemd-notify)", () => {
  it("sends READY, STATUS, WATCHDOG and STOPPING in order to an abstract socket", async () => {
    const address = `@edge-voice-test-${process.pid}-${Date.now()}`;
    const receiver = new Receiver(address);
    receivers.push(receiver);
    await receiver.ready();
    const notifier = new SystemdNotifier({ env: { NOTIFY_SOCKET: address } });
    expect(notifier.enabled).toBe(true);
    notifier.status("loading models");
    notifier.ready("listening");
    notifier.status("listening"); // same text: not re-sent
    notifier.watchdog();
    notifier.status("waiting for microphone\nretrying");
    await notifier.stopping();
    expect(receiver.payloads()).toEqual([
      "STATUS=loading models",
      "READY=1\nSTATUS=listening",
      "WATCHDOG=1",
      "STATUS=waiting for microphone retrying",
      "STOPPING=1\nSTATUS=stopping",
    ]);
    // systemd-notify waited for the manager to process each message.
    expect(receiver.messages.filter((m) => m === "BARRIER=1").length).toBe(5);
  });

  it("sends to a socket path", async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "edge-voice-notify-"));
    const socketPath = path.join(tmp, "notify");
    const receiver = new Receiver(socketPath);
    receivers.push(receiver);
    await receiver.ready();
    await new SystemdNotifier({ env: { NOTIFY_SOCKET: socketPath } }).ready();
    expect(receiver.payloads()).toEqual(["READY=1"]);
  });
});

describe("SystemdNotifier without systemd", () => {
  it("is a no-op without NOTIFY_SOCKET", async () => {
    const sent: string[][] = [];
    const notifier = new SystemdNotifier({ env: {}, send: async (f) => void sent.push(f) });
    expect(notifier.enabled).toBe(false);
    await notifier.ready("listening");
    await notifier.watchdog();
    expect(sent).toEqual([]);
  });

  it("warns once and stops when the sender fails, never rejecting", async () => {
    const warnings: string[] = [];
    const logger = { warn: (_o: unknown, msg: string) => warnings.push(msg) } as never;
    let calls = 0;
    const notifier = new SystemdNotifier({
      env: { NOTIFY_SOCKET: "@x" },
      logger,
      send: async () => {
        calls++;
        throw new Error("ENOENT");
      },
    });
    await notifier.ready();
    await notifier.watchdog();
    expect(calls).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(notifier.enabled).toBe(false);
  });

  it("warns when the systemd-notify program is missing", async () => {
    const warnings: string[] = [];
    const logger = { warn: (_o: unknown, msg: string) => warnings.push(msg) } as never;
    const notifier = new SystemdNotifier({
      env: { NOTIFY_SOCKET: "@x" },
      command: "/nonexistent/systemd-notify",
      logger,
    });
    await notifier.ready();
    expect(warnings).toHaveLength(1);
  });
});

describe("watchdogIntervalMs", () => {
  it("is half of WATCHDOG_USEC", () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "30000000" })).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "30000000", WATCHDOG_PID: "42" }, 42)).toBe(15_000);
  });

  it("is null when the watchdog is off or meant for another process", () => {
    expect(watchdogIntervalMs({})).toBeNull();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "0" })).toBeNull();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "abc" })).toBeNull();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: "30000000", WATCHDOG_PID: "41" }, 42)).toBeNull();
  });
});

describe("WatchdogSchedule", () => {
  it("is due at the first call and then once per interval", () => {
    const schedule = new WatchdogSchedule(15_000);
    expect(schedule.due(1000)).toBe(true);
    expect(schedule.due(15_999)).toBe(false);
    expect(schedule.due(16_000)).toBe(true);
    expect(schedule.due(16_080)).toBe(false);
  });
});
