import { describe, expect, it } from "vitest";
import { deviceSchema } from "../../../src/config/sections/devices.js";
import { LEARNABLE_DOMAINS } from "../../../src/config/sections/mqtt.js";
import { DeviceRegistry } from "../../../src/intent/registry.js";
import { DiscoveryLearner } from "../../../src/mqtt/ha-learner.js";
import type { LearnPolicy } from "../../../src/mqtt/learn-policy.js";
import { type Logger, silentLogger } from "../../../src/util/logger.js";

const light = (cmd: string, name = "Lamp") => Buffer.from(JSON.stringify({ name, cmd_t: cmd }));

function learner(
  registry: DeviceRegistry,
  policy: Partial<LearnPolicy> = {},
  logger: Logger = silentLogger(),
) {
  return new DiscoveryLearner({
    registry,
    prefix: "homeassistant",
    ignoreTopics: new Set(["homeassistant/device/edge_voice_x/config"]),
    policy: {
      allow: [],
      domains: [...LEARNABLE_DOMAINS],
      maxDevices: 300,
      reservedPrefixes: ["edge-voice/", "hermes/", "homeassistant/"],
      ...policy,
    },
    logger,
  });
}

describe("DiscoveryLearner", () => {
  it("never learns a device commanded on edge-voice's own, Hermes or discovery topics", () => {
    const registry = new DeviceRegistry();
    const l = learner(registry);
    l.handle("homeassistant/light/a/lamp/config", light("edge-voice/x/set/text"));
    l.handle("homeassistant/light/b/lamp2/config", light("hermes/hotword/toggleOff"));
    l.handle("homeassistant/switch/c/sw/config", light("homeassistant/light/evil/config"));
    l.handle("homeassistant/device/edge_voice_x/config", Buffer.from("{}"));
    expect(registry.all()).toEqual([]);
  });

  it("keeps ids apart across nodes, and removes exactly what a cleared topic added", () => {
    const registry = new DeviceRegistry();
    const l = learner(registry);
    l.handle("homeassistant/light/node1/lamp/config", light("n1/lamp/set", "Desk"));
    l.handle("homeassistant/light/node2/lamp/config", light("n2/lamp/set", "Shelf"));
    expect(registry.all().map((d) => [d.id, d.command_topic])).toEqual([
      ["lamp", "n1/lamp/set"],
      ["node2_lamp", "n2/lamp/set"],
    ]);
    l.handle("homeassistant/light/node1/lamp/config", Buffer.from(""));
    expect(registry.all().map((d) => d.id)).toEqual(["node2_lamp"]);
    l.handle("homeassistant/light/node2/lamp/config", light("n2/lamp/cmd", "Shelf"));
    expect(registry.get("node2_lamp")?.command_topic).toBe("n2/lamp/cmd");
  });

  it("lets a config-file device win, and brings the learned one back when the config drops it", () => {
    const configured = deviceSchema.parse({
      id: "lamp",
      name: "reading lamp",
      domain: "light",
      command_topic: "cfg/lamp",
    });
    const registry = new DeviceRegistry([configured]);
    const l = learner(registry);
    l.handle("homeassistant/light/node1/lamp/config", light("n1/lamp/set"));
    expect(registry.get("lamp")).toMatchObject({ source: "config", command_topic: "cfg/lamp" });
    registry.replaceConfigDevices([]); // SIGHUP with the device removed from the config
    expect(registry.get("lamp")).toMatchObject({ source: "discovery", command_topic: "n1/lamp/set" });
    l.dispose();
  });
});
