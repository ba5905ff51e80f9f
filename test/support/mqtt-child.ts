/**
 * A child process running the MQTT service (for the last-will test, which kill -9s it):
 * `node --import tsx test/support/mqtt-child.ts <broker url> <site> <state dir>`.
 * Prints "connected" once the broker has accepted it, then waits to be killed.
 */

import { DeviceRegistry } from "../../src/intent/registry.js";
import { MqttService } from "../../src/mqtt/service.js";
import { silentLogger } from "../../src/util/logger.js";
import { testBus } from "./bus.js";
import { mqttConfig, RecordingControl } from "./mqtt-harness.js";

const [url, site, stateDir] = process.argv.slice(2) as [string, string, string];
const service = await MqttService.start({
  config: mqttConfig({ site, mqtt: { url, keepalive_seconds: 5 } }),
  bus: testBus(),
  registry: new DeviceRegistry(),
  control: new RecordingControl(),
  stateDir,
  logger: silentLogger(),
});
await service.flush(5000);
process.stdout.write(`${service.state.state}\n`);
setInterval(() => {}, 1000);
