import { describe, expect, it, vi } from "vitest";
import { deviceSchema } from "../../../src/config/sections/devices.js";
import { LEARNABLE_DOMAINS } from "../../../src/config/sections/mqtt.js";
import { DeviceRegistry } from "../../../src/intent/registry.js";
import { DiscoveryLearner } from "../../../src/mqtt/ha-learner.js";
import type { LearnPolicy } from "../../../src/mqtt/learn-policy.js";
import { publishTopicProblem } from "../../../src/mqtt/topic-rules.js";
import { captureLogger } from "../../support/mqtt-harness.js";

/** Issue 13 items 3, 4 and 12: what a discovery message may add to the registry, and what it logs. */

const FRONT_DOOR = deviceSchema.parse({
  id: "front_door",
  name: "front door",
  area: "hallway",
  domain: "lock",
  command_topic: "home/front_door/set",
});
const GARAGE = deviceSchema.parse({
  id: "garage_door",
  name: "garage door",
  domain: "cover",
  device_class: "garage",
  command_topic: "home/garage_door/set",
});

function setup(policy: Partial<LearnPolicy> = {}, configured = [FRONT_DOOR, GARAGE]) {
  const registry = new DeviceRegistry(configured);
  const { logger, lines } = captureLogger();
  let now = 0;
  const learner = new DiscoveryLearner({
    registry,
    prefix: "homeassistant",
    ignoreTopics: new Set(),
    policy: {
      allow: [],
      domains: [...LEARNABLE_DOMAINS],
      maxDevices: 300,
      reservedPrefixes: ["edge-voice/", "hermes/", "homeassistant/"],
      ...policy,
    },
    logger,
    now: () => now,
  });
  const announce = (topic: string, payload: Record<string, unknown>) =>
    learner.handle(topic, Buffer.from(JSON.stringify(payload)));
  const learned = () =>
    registry
      .all()
      .filter((d) => d.source === "discovery")
      .map((d) => d.id)
      .sort();
  const warnings = () => lines.filter((l) => l.level === 40).map((l) => String(l.msg));
  return { registry, learner, announce, learned, lines, warnings, tick: (ms: number) => (now += ms) };
}

describe("publishTopicProblem (MQTT topic rules)", () => {
  it.each([
    ["", /empty/],
    ["home/+/set", /wildcard/],
    ["home/#", /wildcard/],
    ["home/\u0000/set", /control/],
    ["home/\u0007/set", /control/],
    ["home/\u009b/set", /control/],
    ["home/\ud800/set", /UTF-8/],
    ["x".repeat(65_536), /longer than 65535 bytes/],
    ["é".repeat(32_768), /longer than 65535 bytes/],
  ])("refuses a bad topic (%#)", (topic, why) => {
    expect(publishTopicProblem(topic)).toMatch(why);
  });

  it("accepts ordinary topics, spaces and non-ASCII included", () => {
    for (const topic of [
      "zigbee2mqtt/Kitchen Light/set",
      "/leading",
      "a//b",
      "küche/licht",
      "x".repeat(65_535),
    ])
      expect(publishTopicProblem(topic)).toBeNull();
  });
});

describe("learning devices from discovery under a policy", () => {
  it("a porch light on the lock's topic is refused with a warning (the attack of issue 13)", () => {
    const { announce, learned, warnings } = setup();
    announce("homeassistant/switch/evil/porch_light/config", {
      name: "porch light",
      command_topic: "home/front_door/set",
      payload_on: "UNLOCK",
    });
    expect(learned()).toEqual([]);
    expect(warnings()).toEqual([
      "discovery entity not learned: its command topic belongs to the configured lock front_door",
    ]);
  });

  it("a cover without a class on the garage's topic is refused, learned or configured garage alike", () => {
    const { announce, learned } = setup({}, [FRONT_DOOR]);
    announce("homeassistant/cover/z2m/garage/config", {
      name: "garage door",
      device_class: "garage",
      command_topic: "z2m/garage/set",
    });
    expect(learned()).toEqual(["garage"]);
    announce("homeassistant/cover/evil/shed_door/config", {
      name: "shed door",
      command_topic: "z2m/garage/set",
    });
    announce("homeassistant/cover/evil2/shed_door2/config", {
      name: "shed door",
      command_topic: "home/front_door/set",
    });
    expect(learned()).toEqual(["garage"]);
    // The same kind on the same topic is the same device announced twice: allowed.
    announce("homeassistant/cover/z2m/garage_alias/config", {
      name: "big door",
      device_class: "garage",
      command_topic: "z2m/garage/set",
    });
    expect(learned()).toEqual(["garage", "garage_alias"]);
  });

  it("Zigbee2MQTT announcing a device also in the config file is quiet: the configured one wins", () => {
    const { announce, learned, warnings, lines } = setup();
    announce("homeassistant/lock/0x1/lock/config", {
      name: "Front Door Lock",
      command_topic: "home/front_door/set",
    });
    expect(learned()).toEqual([]);
    expect(warnings()).toEqual([]);
    expect(lines.some((l) => l.level === 20 && /configured lock front_door/.test(String(l.why)))).toBe(true);
  });

  it("a learned device with a configured device's name and area is refused: configured devices win (item 4)", () => {
    const { announce, learned, warnings } = setup();
    announce("homeassistant/lock/evil/front/config", {
      name: "Front Door",
      command_topic: "evil/front/set",
      device: { name: "x", suggested_area: "Hallway" },
    });
    announce("homeassistant/lock/evil/front2/config", {
      name: "front door",
      command_topic: "evil/front2/set",
    });
    expect(learned()).toEqual([]);
    expect(warnings()).toHaveLength(2);
    expect(warnings()[0]).toMatch(/same name and area as the configured device front_door/);
    // Another area is another device.
    announce("homeassistant/lock/shed/front/config", {
      name: "front door",
      command_topic: "shed/front/set",
      device: { suggested_area: "shed" },
    });
    expect(learned()).toEqual(["front"]);
  });

  it("refuses bad topics from discovery: NUL, wildcards, over 65,535 bytes, control characters", () => {
    const { announce, learned, warnings } = setup();
    announce("homeassistant/light/a/nul/config", { name: "a", command_topic: "home/a\u0000/set" });
    announce("homeassistant/light/a/wild/config", { name: "b", command_topic: "home/+/set" });
    announce("homeassistant/light/a/long/config", { name: "c", command_topic: `home/${"x".repeat(70_000)}` });
    announce("homeassistant/light/a/bri/config", {
      name: "d",
      command_topic: "home/d/set",
      brightness_command_topic: "home/#",
    });
    expect(learned()).toEqual([]);
    expect(warnings()).toHaveLength(4);
    expect(warnings().join("\n")).toMatch(
      /control character[\s\S]*wildcard[\s\S]*longer than 65535[\s\S]*wildcard/,
    );
  });

  it("by default locks and covers are not learned (mqtt.learn_domains); lights are", () => {
    const { announce, learned, warnings } = setup({
      domains: ["light", "switch", "fan", "climate", "scene"],
    });
    announce("homeassistant/lock/z/back/config", { name: "back door", command_topic: "z/back/set" });
    announce("homeassistant/cover/z/shed/config", { name: "shed door", command_topic: "z/shed/set" });
    announce("homeassistant/light/z/lamp/config", { name: "lamp", command_topic: "z/lamp/set" });
    expect(learned()).toEqual(["lamp"]);
    expect(warnings()).toEqual([]);
  });

  it("a lock announced but not learned (learn_domains) still owns its topic, whichever comes first", async () => {
    const domains = ["light", "switch", "fan", "climate", "scene"];
    const lock = { name: "Front Door", command_topic: "z2m/front/set" };
    const porch = { name: "porch light", command_topic: "z2m/front/set", payload_on: "UNLOCK" };
    const first = setup({ domains }, []);
    first.announce("homeassistant/lock/0x1/lock/config", lock);
    first.announce("homeassistant/switch/evil/porch/config", porch);
    expect(first.learned()).toEqual([]);
    expect(first.warnings()[0]).toMatch(/belongs to an announced lock that is not learned/);
    // The other order: the switch is set aside as soon as the lock is announced.
    const second = setup({ domains }, []);
    second.announce("homeassistant/switch/evil/porch/config", porch);
    expect(second.learned()).toEqual(["porch"]);
    second.announce("homeassistant/lock/0x1/lock/config", lock);
    await Promise.resolve();
    expect(second.learned()).toEqual([]);
    expect(second.warnings().at(-1)).toMatch(/set aside: its command topic belongs to an announced lock/);
  });

  it("mqtt.learn_allow admits only the named announcers", () => {
    const { announce, learned } = setup({
      allow: ["0x00158d", "Bedroom Node", "esp_1", "homeassistant/fan/attic"],
    });
    announce("homeassistant/light/0x00158d/a/config", { name: "a", command_topic: "z/a" });
    announce("homeassistant/light/other/b/config", {
      name: "b",
      command_topic: "z/b",
      device: { name: "bedroom node" },
    });
    announce("homeassistant/light/other/c/config", {
      name: "c",
      command_topic: "z/c",
      device: { identifiers: ["esp_1"] },
    });
    announce("homeassistant/fan/attic/d/config", { name: "d", command_topic: "z/d" });
    announce("homeassistant/light/stranger/e/config", {
      name: "e",
      command_topic: "z/e",
      device: { name: "x" },
    });
    announce("homeassistant/fan/attic2/f/config", { name: "f", command_topic: "z/f" });
    expect(learned()).toEqual(["a", "b", "c", "d"]);
  });

  it("20,000 entities in one message: the cap holds and the log is two lines, not 20,000 (item 12)", () => {
    const { announce, learned, lines, registry } = setup({ maxDevices: 300 });
    const components: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++)
      components[`l${i}`] = { p: "light", name: `lamp ${i}`, cmd_t: `z/l${i}/set` };
    // Cheap whatever the machine: the registry checks, which scan every device, are made for
    // the entities within the cap only; the 19,700 past it cost a count.
    const conflicts = vi.spyOn(registry, "topicConflict");
    const upserts = vi.spyOn(registry, "upsert");
    announce("homeassistant/device/flood/config", { dev: { name: "flood" }, cmps: components });
    expect(conflicts.mock.calls.length).toBeLessThanOrEqual(300);
    expect(upserts.mock.calls.length).toBeLessThanOrEqual(300);
    expect(learned()).toHaveLength(300);
    const info = lines.filter((l) => (l.level as number) >= 30);
    expect(info.map((l) => l.msg)).toEqual([
      "learned 300 devices from Home Assistant discovery",
      "19700 discovery entities not learned: mqtt.learn_max_devices (300) reached",
    ]);
  });

  it("a flood of bad announcements gives a few warning lines a minute", () => {
    const { announce, warnings, tick } = setup();
    for (let i = 0; i < 200; i++)
      announce(`homeassistant/light/bad/l${i}/config`, { name: "x", cmd_t: "a/+/b" });
    expect(warnings()).toHaveLength(10);
    tick(60_000);
    announce("homeassistant/light/bad/last/config", { name: "x", cmd_t: "a/+/b" });
    expect(warnings()).toHaveLength(11);
  });

  it("control characters from the network are escaped in log lines (U+202E)", () => {
    const { announce, lines } = setup();
    announce("homeassistant/light/n/rtl/config", {
      name: "lamp \u202Eevil\u001b[2J",
      command_topic: "z/rtl",
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain("\u202E");
    expect(text).not.toContain("\\u001b");
    expect(text).toContain("\\\\u{202e}");
  });

  it("a configured device added later (SIGHUP) sets aside a learned one on its topic", async () => {
    const { announce, learned, registry } = setup({}, []);
    announce("homeassistant/switch/z/plug/config", { name: "plug", command_topic: "home/front_door/set" });
    expect(learned()).toEqual(["plug"]);
    registry.replaceConfigDevices([FRONT_DOOR]);
    await Promise.resolve();
    expect(learned()).toEqual([]);
    registry.replaceConfigDevices([]);
    await Promise.resolve();
    expect(learned()).toEqual(["plug"]);
  });
});
