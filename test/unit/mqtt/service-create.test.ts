import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validate } from "../../../src/config/load.js";
import { DeviceRegistry } from "../../../src/intent/registry.js";
import { MqttService } from "../../../src/mqtt/service.js";
import { silentLogger } from "../../../src/util/logger.js";
import { testBus } from "../../support/bus.js";
import { captureLogger } from "../../support/capture-logger.js";
import { kitchenOn } from "../../support/fake-stages.js";

/**
 * MqttService.create builds the collaborators and connects nothing: the command output the
 * pipeline is built with queues in the outbox until start() connects.
 */
describe("MqttService.create", () => {
  const config = validate({
    site: "kitchen",
    // Nothing listens on port 1; create() must not even try.
    mqtt: { url: "mqtt://127.0.0.1:1", outbox: false },
    devices: [{ id: "kitchen_light", name: "kitchen light", domain: "light", command_topic: "home/k/set" }],
  });

  it("queues a command before any connection, and stops without having started", async () => {
    const bus = testBus();
    const errors: unknown[] = [];
    bus.on("error", (event) => errors.push(event));
    const service = MqttService.create({
      config,
      bus,
      registry: new DeviceRegistry(config.devices),
      stateDir: "/nonexistent",
      logger: silentLogger(),
    });
    expect(service.state).toMatchObject({ state: "stopped", message: "not started" });
    const result = await service.commands.publishCommand(kitchenOn, { runId: "r1", site: "kitchen" });
    expect(result).toMatchObject({ status: "published", topics: ["home/k/set"] });
    expect(service.outbox.queued).toBeGreaterThanOrEqual(1);
    await service.stop();
    expect(errors).toEqual([]);
  });

  it("says at stop how many messages and commands the broker never took, and where they are", async () => {
    // `run --input` with the broker away ends as soon as its runs have: this line is all it leaves.
    const stateDir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-undelivered-"));
    for (const outbox of [false, true]) {
      const { logger, lines } = captureLogger("info");
      const service = MqttService.create({
        config: validate({ ...config, mqtt: { ...config.mqtt, outbox } }),
        bus: testBus(),
        registry: new DeviceRegistry(config.devices),
        stateDir,
        logger,
      });
      await service.commands.publishCommand(kitchenOn, { runId: "r1", site: "kitchen" });
      await service.stop();
      const warning = lines.find((l) => l.code === "mqtt-undelivered");
      expect(warning, `outbox ${outbox}`).toMatchObject({ level: 40, commands: 1 });
      expect(warning?.queued).toBe(service.outbox.queued);
      expect(warning?.msg).toMatch(/never acknowledged, 1 of them device commands/);
      expect(warning?.msg).toContain(
        outbox
          ? `they stay in ${path.join(stateDir, "mqtt-outbox.jsonl")}`
          : "they are lost (mqtt.outbox is false",
      );
    }
  });
});
