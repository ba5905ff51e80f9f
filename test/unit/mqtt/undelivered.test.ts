import path from "node:path";
import { describe, expect, it } from "vitest";
import { reportUndelivered } from "../../../src/mqtt/undelivered.js";
import { captureLogger } from "../../support/capture-logger.js";

describe("reportUndelivered", () => {
  it("says nothing when the broker took everything", () => {
    const { logger, lines } = captureLogger("debug");
    reportUndelivered({ size: 0, commands: 0 }, { onDisk: true, stateDir: "/var/lib/edge-voice" }, logger);
    expect(lines).toEqual([]);
  });

  it("names the outbox file when the messages are on disk, says they are lost when not", () => {
    const disk = captureLogger("info");
    reportUndelivered(
      { size: 3, commands: 1 },
      { onDisk: true, stateDir: "/var/lib/edge-voice" },
      disk.logger,
    );
    expect(disk.lines).toEqual([
      expect.objectContaining({
        level: 40,
        code: "mqtt-undelivered",
        queued: 3,
        commands: 1,
        msg: `stopping with 3 messages the broker never acknowledged, 1 of them device commands: they stay in ${path.join("/var/lib/edge-voice", "mqtt-outbox.jsonl")} and go out at the next start (device commands only within mqtt.command_expiry_seconds)`,
      }),
    ]);
    const memory = captureLogger("info");
    reportUndelivered(
      { size: 2, commands: 0 },
      { onDisk: false, stateDir: "/var/lib/edge-voice" },
      memory.logger,
    );
    expect(memory.lines[0]?.msg).toMatch(/2 messages .*: they are lost \(mqtt\.outbox is false/);
  });
});
