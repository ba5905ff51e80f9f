import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { startDaemon } from "../support/daemon-process.js";
import { writeHomeConfig } from "../support/home-config.js";
import { removeTempDirs, tempDir, until } from "../support/mqtt-harness.js";
import { has, Receiver } from "../support/notify-receiver.js";

const NO_MIC = "plughw:CARD=NoSuchCard,DEV=0";

/** The sample home on a microphone that does not exist (the daemon waits for it). */
const writeHome = (dir: string, changes: Record<string, unknown> = {}) =>
  writeHomeConfig(dir, { audio: { device: NO_MIC, retry_initial_seconds: 0.2 }, ...changes });

afterAll(() => removeTempDirs());

/** The daemon as systemd runs it: on the microphone, with NOTIFY_SOCKET and a watchdog. */
describe.skipIf(!has("python3") || !has("systemd-notify") || !has("arecord"))("daemon lifecycle", () => {
  it("reports READY while it waits for a missing microphone, keeps the watchdog fed, and stops in order on SIGTERM", async () => {
    const address = `@edge-voice-lifecycle-${process.pid}-${Date.now()}`;
    const receiver = new Receiver(address);
    await receiver.ready();
    const dir = tempDir("lifecycle");
    const daemon = startDaemon(["run", "--no-mqtt", "--config", writeHome(dir)], {
      NOTIFY_SOCKET: address,
      WATCHDOG_USEC: "400000",
    });
    try {
      await until(
        () => receiver.payloads().filter((m) => m === "WATCHDOG=1").length >= 2,
        60_000,
        () => `notify messages: ${JSON.stringify(receiver.payloads())}\nstderr: ${daemon.stderr()}`,
      );
      const ready = receiver.payloads().find((m) => m.startsWith("READY=1"));
      expect(ready).toMatch(/STATUS=waiting for microphone/);
      expect(receiver.payloads()[0]).toBe("STATUS=loading models");
      daemon.child.kill("SIGTERM");
      // In time: past its own stop deadline (commands/run.ts) the daemon says so and exits 1; a
      // stop that never ends is this test's timeout. In order: STOPPING=1, then "stopped" last.
      expect(await daemon.exited, daemon.stderr()).toBe(0);
      expect(daemon.stderr()).not.toContain("did not stop in time");
      // The receiver's line may reach this process a moment after the daemon's exit.
      await until(
        () => receiver.payloads().some((m) => m.startsWith("STOPPING=1")),
        30_000,
        () => `notify messages: ${JSON.stringify(receiver.payloads())}`,
      );
      const messages = daemon
        .stderr()
        .split("\n")
        .flatMap((line) => (line.startsWith("{") ? [String(JSON.parse(line).msg)] : []));
      expect(messages.indexOf("stopping")).toBeGreaterThan(-1);
      expect(messages.at(-1)).toBe("stopped");
      // The loss was logged once, not at every retry.
      const lines = daemon
        .stderr()
        .split("\n")
        .filter((l) => l.includes("microphone"));
      expect(lines.length).toBeLessThan(6);
    } finally {
      daemon.child.kill("SIGKILL");
      receiver.stop();
    }
  });

  it("SIGHUP: rejects an invalid new config and keeps running, then applies a valid one", async () => {
    const dir = tempDir("reload");
    const config = writeHome(dir);
    const daemon = startDaemon(["run", "--no-mqtt", "--config", config]);
    try {
      await until(
        () => daemon.stderr().includes("microphone"),
        60_000,
        () => daemon.stderr(),
      );
      writeFileSync(config, "vad:\n  trailing_silence_seconds: fast\n");
      daemon.child.kill("SIGHUP");
      await until(
        () => daemon.stderr().includes("keeping the running one"),
        30_000,
        () => daemon.stderr(),
      );
      expect(daemon.stderr()).toContain("vad.trailing_silence_seconds");
      expect(daemon.child.exitCode).toBeNull();
      writeHome(dir, { vad: { trailing_silence_seconds: 0.9 }, site: "kitchen" });
      daemon.child.kill("SIGHUP");
      await until(
        () => daemon.stderr().includes("configuration reloaded"),
        60_000,
        () => daemon.stderr(),
      );
      const reloaded = daemon
        .stderr()
        .split("\n")
        .find((l) => l.includes("configuration reloaded"));
      expect(JSON.parse(reloaded ?? "{}").restarted).toBe("metrics, pipeline");
      daemon.child.kill("SIGTERM");
      expect(await daemon.exited).toBe(0);
    } finally {
      daemon.child.kill("SIGKILL");
    }
  });
});
