import type { Config } from "../../src/config/schema.js";
import { EventBus } from "../../src/events/bus.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import { MqttService, type MqttServiceOptions, type MqttStartContext } from "../../src/mqtt/service.js";
import { silentLogger } from "../../src/util/logger.js";
import { RecordingControl, tempDir } from "./mqtt-harness.js";

/**
 * The MQTT service as most tests start it: what a test does not name is a fresh bus, a
 * registry of the config's devices, a RecordingControl, its own temp state dir (removed by
 * `removeTempDirs()`) and a silent logger.
 */
export function startMqttService(
  options: { config: Config } & Partial<MqttServiceOptions & MqttStartContext>,
): Promise<MqttService> {
  return MqttService.start({
    bus: new EventBus(),
    registry: new DeviceRegistry(options.config.devices),
    control: new RecordingControl(),
    stateDir: tempDir(`state-${options.config.site}`),
    logger: silentLogger(),
    ...options,
  });
}
