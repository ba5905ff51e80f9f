import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validate } from "../../src/config/load.js";
import { FeedbackService } from "../../src/daemon/attachments.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import { silentLogger } from "../../src/util/logger.js";
import { testBus } from "../support/bus.js";
import { waitFor } from "../support/wait-for.js";

/** The `sh` processes this process started (the players' relay shells), by PID. */
function shellChildren(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(readFileSync(`/proc/${entry}/stat`, "utf8"));
        return match?.[1] === "sh" && Number(match[2]) === process.pid ? [Number(entry)] : [];
      } catch {
        return []; // ended while listed
      }
    });
}

describe.skipIf(!existsSync("/proc/self/stat"))("the feedback service's relay shell", () => {
  it("is started once with the service, kept across a SIGHUP, ended with the service", async () => {
    const service = new FeedbackService(testBus(), new DeviceRegistry(), silentLogger());
    const before = shellChildren();
    await service.start({ config: validate({ feedback: { earcons: true } }) });
    const started = shellChildren().filter((pid) => !before.includes(pid));
    expect(started).toHaveLength(1);
    const firstPlayer = service.player;

    // A new voice and speech on: a new player, the same shell (no fork of a loaded daemon).
    await service.reload({ config: validate({ feedback: { earcons: true, speech: true, voice: "en-gb" } }) });
    expect(service.player).not.toBeNull();
    expect(service.player).not.toBe(firstPlayer);
    expect(shellChildren().filter((pid) => !before.includes(pid))).toEqual(started);

    await service.stop();
    expect(service.player).toBeNull();
    await waitFor(() => !shellChildren().includes(started[0] ?? 0), { what: "the relay shell to end" });
  });

  it("starts no shell while earcons and speech are off", async () => {
    const service = new FeedbackService(testBus(), new DeviceRegistry(), silentLogger());
    const before = shellChildren();
    await service.start({ config: validate({}) });
    expect(shellChildren().filter((pid) => !before.includes(pid))).toEqual([]);
    await service.stop();
  });
});
