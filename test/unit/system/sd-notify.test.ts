import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SystemdNotifier, WatchdogSchedule, watchdogIntervalMs } from "../../../src/system/sd-notify.js";
import { has, Receiver } from "../../support/notify-receiver.js";
import { waitFor } from "../../support/wait-for.js";

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
    // systemd-notify returns once the receiver has closed the barrier's fd; the receiver's
    // line about it may reach this process a moment later (it flaked under load).
    await waitFor(() => receiver.messages.length >= 10, {
      what: () => `10 messages, got ${JSON.stringify(receiver.messages)}`,
    });
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
    await waitFor(() => receiver.messages.length >= 2, { what: "READY=1 and its barrier" });
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
