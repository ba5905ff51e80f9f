/**
 * A child process running the MQTT service (for the last-will test, which kill -9s it):
 * `node --import tsx test/support/mqtt-child.ts <broker url> <site> <state dir> [burst]`.
 * Prints "connected" once the broker has accepted it, then waits to be killed; with `burst`
 * it emits 3,000 numbered stt-end events (text "0", "1", ...) without pause.
 */

import { testBus } from "./bus.js";
import { mqttConfig } from "./mqtt-harness.js";
import { startMqttService } from "./mqtt-service.js";

const [url, site, stateDir, mode] = process.argv.slice(2) as [string, string, string, string?];
const bus = testBus();
const service = await startMqttService({
  // An hour: the broker must learn of a kill -9 from the closed connection, not a missed ping.
  config: mqttConfig({ site, mqtt: { url, keepalive_seconds: 3600 } }),
  bus,
  stateDir,
});
// On a busy machine the first connection can outlast start()'s wait: wait for it (the test
// that spawns this holds the ceiling), so "connected" never turns into a coin toss.
await new Promise<void>((resolve) => {
  if (service.state.state === "connected") return resolve();
  const off = service.onStateChange((state) => {
    if (state.state !== "connected") return;
    off();
    resolve();
  });
});
await service.flush(5000);
process.stdout.write(`${service.state.state}\n`);
let n = 0;
const burst = () => {
  for (let i = 0; i < 50; i++)
    bus.emit({ type: "stt-end", runId: "b", text: String(n++), language: "en", ms: 1 });
  if (n < 3000) setImmediate(burst);
};
if (mode === "burst") burst();
setInterval(() => {}, 1000);
