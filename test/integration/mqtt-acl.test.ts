import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceRegistry } from "../../src/intent/registry.js";
import type { MqttService } from "../../src/mqtt/service.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import {
  captureLogger,
  mqttConfig,
  Probe,
  RecordingControl,
  removeTempDirs,
  until,
} from "../support/mqtt-harness.js";
import { startMqttService } from "../support/mqtt-service.js";
import { recommendedAclFile } from "../support/security-acl.js";

const USERS = { "edge-voice-kitchen": "ev", homeassistant: "ha", zigbee2mqtt: "z2m", guest: "guest" };

afterAll(removeTempDirs);

/** The ACL docs/security.md recommends, taken from the page itself, against a real Mosquitto. */
describe("the Mosquitto ACL in docs/security.md", () => {
  const broker = mosquittoAroundTests(() => ({ users: USERS, extra: [`acl_file ${recommendedAclFile()}`] }));
  let service: MqttService;
  const control = new RecordingControl();
  const registry = new DeviceRegistry();
  const capture = captureLogger();
  const as = (user: keyof typeof USERS, topics: string[] = []) =>
    Probe.connect(broker.url, topics, { username: user, password: USERS[user] });

  beforeAll(async () => {
    const config = mqttConfig({
      site: "kitchen",
      mqtt: { url: broker.url, username: "edge-voice-kitchen", password: "ev", reconnect_min_seconds: 0.2 },
      devices: [
        { id: "front_door", name: "front door", domain: "lock", command_topic: "home/front_door/set" },
      ],
    });
    registry.replaceConfigDevices(config.devices);
    service = await startMqttService({ config, registry, control, logger: capture.logger });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it("lets edge-voice subscribe to everything it needs and Home Assistant see it", async () => {
    const ha = await as("homeassistant", ["edge-voice/#", "homeassistant/device/#"]);
    try {
      await ha.waitFor(
        (m) =>
          m.some((x) => x.topic === "edge-voice/kitchen/status" && x.payload === "online") &&
          m.some((x) => x.topic === "homeassistant/device/edge_voice_kitchen/config"),
      );
      expect(capture.lines.filter((l) => /refused some subscriptions/.test(String(l.msg)))).toEqual([]);
    } finally {
      await ha.close();
    }
  });

  it("lets Zigbee2MQTT announce a light and edge-voice command it", async () => {
    const z2m = await as("zigbee2mqtt", ["zigbee2mqtt/+/set"]);
    try {
      await z2m.client.publishAsync(
        "homeassistant/light/0x1/light/config",
        JSON.stringify({
          name: "kitchen light",
          command_topic: "zigbee2mqtt/kitchen light/set",
          schema: "json",
        }),
        { qos: 1, retain: true },
      );
      await until(
        () => registry.get("light") !== undefined,
        5000,
        () => JSON.stringify(registry.all()),
      );
      const result = await service.commands.publishCommand(
        { intent: "HassTurnOn", targets: ["light"], slots: {}, source: "template", confidence: 1 },
        { runId: "acl", site: "kitchen" },
      );
      expect(await result.delivered).toBe("acked");
      await z2m.waitFor((m) => m.some((x) => x.topic === "zigbee2mqtt/kitchen light/set"));
      await z2m.client.publishAsync("homeassistant/light/0x1/light/config", "", { qos: 1, retain: true });
    } finally {
      await z2m.close();
    }
  });

  it("keeps a guest login from announcing devices or typing commands; Home Assistant may mute", async () => {
    const guest = await mqtt.connectAsync(broker.url, { username: "guest", password: USERS.guest });
    const ha = await as("homeassistant", ["edge-voice/kitchen/status"]);
    try {
      await guest.publishAsync(
        "homeassistant/switch/evil/porch_light/config",
        JSON.stringify({ name: "porch light", command_topic: "zigbee2mqtt/x/set" }),
        { qos: 1, retain: true },
      );
      await guest.publishAsync("edge-voice/kitchen/set/text", "turn on the porch light", { qos: 1 });
      await guest.publishAsync("edge-voice/kitchen/set/mute", "on", { qos: 1 });
      // Home Assistant's Mute switch is allowed; once it has arrived, the guest's messages would have too.
      await ha.client.publishAsync("edge-voice/kitchen/set/mute", "on", { qos: 1 });
      await until(
        () => control.muted,
        5000,
        () => "Home Assistant's mute did not arrive",
      );
      expect(control.injected).toEqual([]);
      expect(registry.get("porch_light")).toBeUndefined();
    } finally {
      await guest.endAsync();
      await ha.close();
    }
  });
});
