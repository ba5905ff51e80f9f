import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceRegistry } from "../../src/intent/registry.js";
import type { MqttService } from "../../src/mqtt/service.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import { mqttConfig, Probe, removeTempDirs, until } from "../support/mqtt-harness.js";
import { startMqttService } from "../support/mqtt-service.js";
import { CEILING_MS } from "../support/wait-for.js";

afterAll(removeTempDirs);

/** Retained discovery messages as Zigbee2MQTT and ESPHome publish them (shapes from their docs and output). */
const Z2M_LIGHT = {
  topic: "homeassistant/light/0x00158d0001a2b3c4/light/config",
  payload: {
    availability: [{ topic: "zigbee2mqtt/bridge/state" }],
    brightness: true,
    brightness_scale: 254,
    command_topic: "zigbee2mqtt/Kitchen Light/set",
    device: {
      identifiers: ["zigbee2mqtt_0x00158d0001a2b3c4"],
      manufacturer: "IKEA",
      model: "LED1545G12",
      name: "Kitchen Light",
    },
    name: null,
    object_id: "kitchen_light",
    schema: "json",
    state_topic: "zigbee2mqtt/Kitchen Light",
    supported_color_modes: ["xy"],
    unique_id: "0x00158d0001a2b3c4_light_zigbee2mqtt",
  },
};
const Z2M_PLUG = {
  topic: "homeassistant/switch/0x0017880104e45517/switch/config",
  payload: {
    command_topic: "zigbee2mqtt/Coffee Plug/set",
    device: { identifiers: ["zigbee2mqtt_0x0017880104e45517"], name: "Coffee Plug" },
    name: null,
    object_id: "coffee_plug",
    payload_off: "OFF",
    payload_on: "ON",
    state_topic: "zigbee2mqtt/Coffee Plug",
    unique_id: "0x0017880104e45517_switch_zigbee2mqtt",
    value_template: "{{ value_json.state }}",
  },
};
const ESPHOME_LIGHT = {
  topic: "homeassistant/light/bedroom-node/ceiling_light/config",
  payload: {
    "~": "bedroom-node/light/ceiling_light",
    name: "Ceiling Light",
    cmd_t: "~/command",
    stat_t: "~/state",
    schema: "json",
    brightness: true,
    uniq_id: "ESPlightceiling_light",
    avty_t: "bedroom-node/status",
    dev: {
      ids: "a4cf12b3c4d5",
      name: "bedroom node",
      sa: "Bedroom",
      sw: "esphome v2024.6.0",
      mf: "espressif",
    },
  },
};

describe("learning devices from Home Assistant discovery (real Mosquitto)", () => {
  const broker = mosquittoAroundTests();
  let service: MqttService;
  let probe: Probe;
  const registry = new DeviceRegistry();

  beforeAll(async () => {
    probe = await Probe.connect(broker.url, ["zigbee2mqtt/+/set", "bedroom-node/#"]);
    for (const { topic, payload } of [Z2M_LIGHT, Z2M_PLUG, ESPHOME_LIGHT])
      await probe.client.publishAsync(topic, JSON.stringify(payload), { qos: 1, retain: true });
    await probe.client.publishAsync("homeassistant/light/broken/config", "{not json", {
      qos: 1,
      retain: true,
    });
    // The config file names the coffee plug itself: that entry must win over discovery.
    const config = mqttConfig({
      site: "house",
      mqtt: { url: broker.url, learn_domains: ["light", "switch", "lock"] },
      devices: [
        {
          id: "coffee_plug",
          name: "coffee machine",
          domain: "switch",
          command_topic: "custom/coffee/set",
          schema: "default",
        },
      ],
    });
    registry.replaceConfigDevices(config.devices);
    service = await startMqttService({ config, registry });
  });

  afterAll(async () => {
    await service?.stop();
    await probe?.close();
  });

  it("turns Zigbee2MQTT and ESPHome discovery into registry entries", async () => {
    await until(
      () => registry.get("kitchen_light") !== undefined && registry.get("ceiling_light") !== undefined,
      CEILING_MS,
      () => JSON.stringify(registry.all()),
    );
    expect(registry.get("kitchen_light")).toMatchObject({
      source: "discovery",
      name: "kitchen light",
      domain: "light",
      schema: "json",
      brightness_scale: 254,
      command_topic: "zigbee2mqtt/Kitchen Light/set",
    });
    expect(registry.get("ceiling_light")).toMatchObject({
      source: "discovery",
      name: "bedroom node ceiling light",
      aliases: ["ceiling light"],
      area: "bedroom",
      schema: "json",
      command_topic: "bedroom-node/light/ceiling_light/command",
      state_topic: "bedroom-node/light/ceiling_light/state",
    });
    expect(registry.get("coffee_plug")).toMatchObject({
      source: "config",
      command_topic: "custom/coffee/set",
    });
    expect(
      registry
        .all()
        .map((d) => d.id)
        .sort(),
    ).toEqual(["ceiling_light", "coffee_plug", "kitchen_light"]);
  });

  it("controls the learned devices on their own topics", async () => {
    const ctx = { runId: "d1", site: "house" };
    await service.commands.publishCommand(
      {
        intent: "HassLightSet",
        targets: ["kitchen_light"],
        slots: { brightness: 100 },
        source: "template",
        confidence: 1,
      },
      ctx,
    );
    const result = await service.commands.publishCommand(
      { intent: "HassTurnOff", targets: ["ceiling_light"], slots: {}, source: "template", confidence: 1 },
      ctx,
    );
    expect(await result.delivered).toBe("acked");
    await probe.waitFor((m) => m.length >= 2);
    expect(JSON.parse(probe.on("zigbee2mqtt/Kitchen Light/set")[0]?.payload ?? "{}")).toMatchObject({
      state: "ON",
      brightness: 254,
    });
    expect(
      JSON.parse(probe.on("bedroom-node/light/ceiling_light/command")[0]?.payload ?? "{}"),
    ).toMatchObject({ state: "OFF" });
  });

  it("forgets a device whose discovery message is cleared, and learns one announced while running", async () => {
    await probe.client.publishAsync(ESPHOME_LIGHT.topic, "", { qos: 1, retain: true });
    await until(
      () => registry.get("ceiling_light") === undefined,
      CEILING_MS,
      () => "still there",
    );
    await probe.client.publishAsync(
      "homeassistant/lock/0x00124b00/lock/config",
      JSON.stringify({
        name: null,
        object_id: "front_door",
        command_topic: "zigbee2mqtt/Front Door/set/state",
        device: { name: "Front Door" },
      }),
      { qos: 1, retain: true },
    );
    await until(
      () => registry.get("front_door") !== undefined,
      CEILING_MS,
      () => "lock not learned",
    );
    expect(registry.get("front_door")).toMatchObject({
      domain: "lock",
      payload_on: "LOCK",
      payload_off: "UNLOCK",
    });
  });
});
