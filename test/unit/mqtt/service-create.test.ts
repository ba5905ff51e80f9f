import { describe, expect, it } from "vitest";
import { validate } from "../../../src/config/load.js";
import { DeviceRegistry } from "../../../src/intent/registry.js";
import { MqttService } from "../../../src/mqtt/service.js";
import { silentLogger } from "../../../src/util/logger.js";
import { testBus } from "../../support/bus.js";
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
});
