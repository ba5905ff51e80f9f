import { describe, expect, it } from "vitest";
import { parseDiscovery } from "../../../src/mqtt/ha-discovery.js";

const parse = (topic: string, payload: unknown) =>
  parseDiscovery(topic, typeof payload === "string" ? payload : JSON.stringify(payload), "homeassistant");

describe("parseDiscovery", () => {
  it("reads Tasmota-style abbreviations with a ~ base topic (default schema, brightness topic and scale)", () => {
    const result = parse("homeassistant/light/DC4F22_LI_1/config", {
      name: "Hall Dimmer",
      "~": "tasmota_DC4F22/",
      cmd_t: "~cmnd/POWER",
      stat_t: "~tele/STATE",
      pl_on: "ON",
      pl_off: "OFF",
      bri_cmd_t: "~cmnd/Dimmer",
      bri_scl: 100,
      uniq_id: "DC4F22_LI_1",
      dev: { ids: ["DC4F22"], name: "Tasmota", sa: "Hall" },
    });
    expect(result).toMatchObject({
      kind: "entities",
      entities: [
        {
          id: "dc4f22_li_1",
          device: {
            name: "tasmota hall dimmer",
            aliases: ["hall dimmer"],
            area: "hall",
            schema: "default",
            command_topic: "tasmota_DC4F22/cmnd/POWER",
            brightness_command_topic: "tasmota_DC4F22/cmnd/Dimmer",
            brightness_scale: 100,
          },
        },
      ],
    });
  });

  it("reads device-based discovery: shared options at the top, one entity per component", () => {
    const result = parse("homeassistant/device/kitchen-node/config", {
      dev: { ids: "abc", name: "Kitchen" },
      o: { name: "esphome" },
      "~": "kitchen-node",
      cmps: {
        fan: { p: "fan", name: "Extractor", cmd_t: "~/fan/set", uniq_id: "f1" },
        temp: { p: "sensor", name: "Temperature", stat_t: "~/temp" },
        lock: { p: "lock", name: "Back door", cmd_t: "~/lock/set", pl_lock: "L", pl_unlk: "U" },
      },
    });
    expect(result.kind).toBe("entities");
    if (result.kind !== "entities") return;
    expect(
      result.entities.map((e) => [
        e.id,
        e.device.domain,
        e.device.name,
        e.device.command_topic,
        e.device.payload_on,
      ]),
    ).toEqual([
      ["fan", "fan", "kitchen extractor", "kitchen-node/fan/set", "ON"],
      ["lock", "lock", "kitchen back door", "kitchen-node/lock/set", "L"],
    ]);
    expect(result.skipped).toHaveLength(1);
    expect(result.entities[0]?.key).toBe("homeassistant/device/kitchen-node/config#fan");
  });

  it("uses the node id to keep ids apart and names a nameless entity after its device", () => {
    const result = parse("homeassistant/switch/0x0017/switch/config", {
      cmd_t: "z2m/Plug/set",
      name: null,
      dev: { name: "Coffee Plug" },
    });
    expect(result).toMatchObject({
      kind: "entities",
      entities: [{ id: "switch", altId: "0x0017_switch", device: { name: "coffee plug", aliases: [] } }],
    });
  });

  it("climate: power topic for on/off, temperature topic kept; entities without a command topic are skipped", () => {
    expect(
      parse("homeassistant/climate/trv/config", { name: "Radiator", temp_cmd_t: "trv/set/temp" }),
    ).toMatchObject({
      entities: [
        {
          device: {
            domain: "climate",
            command_topic: "trv/set/temp",
            temperature_command_topic: "trv/set/temp",
          },
        },
      ],
    });
    expect(parse("homeassistant/light/x/config", { name: "x" })).toMatchObject({
      entities: [],
      skipped: [expect.stringContaining("no command topic")],
    });
    // Its range is kept, unless it is the wrong way round.
    const ranged = (min: unknown, max: unknown) =>
      parse("homeassistant/climate/trv/config", {
        name: "r",
        temp_cmd_t: "t/set",
        min_temp: min,
        max_temp: max,
      });
    expect(ranged(10, 28)).toMatchObject({ entities: [{ device: { min_temp: 10, max_temp: 28 } }] });
    expect(ranged(30, 10)).toMatchObject({ entities: [{ device: { min_temp: null, max_temp: null } }] });
    expect(ranged("10", 28)).toMatchObject({ entities: [{ device: { min_temp: null, max_temp: 28 } }] });
    expect(
      parse("homeassistant/light/x/config", { name: "x", cmd_t: "x/set", schema: "template" }),
    ).toMatchObject({ entities: [] });
    expect(parse("homeassistant/light/x/config", { name: "x", cmd_t: "x/#" })).toMatchObject({
      entities: [],
    });
  });

  it("a name no one could say (2,000 words) is not learned: it would fill Whisper's prompt", () => {
    const name = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(" ");
    expect(parse("homeassistant/light/huge/config", { name, cmd_t: "huge/set" })).toMatchObject({
      entities: [],
      skipped: [expect.stringContaining("a spoken name or area of at most 120 characters")],
    });
    const area = "x".repeat(121);
    expect(
      parse("homeassistant/light/lamp/config", { name: "lamp", cmd_t: "l/set", dev: { sa: area } }),
    ).toMatchObject({ entities: [] });
    expect(parse("homeassistant/light/lamp/config", { name: "lamp", cmd_t: "l/set" })).toMatchObject({
      entities: [{ device: { name: "lamp" } }],
    });
  });

  it("an empty payload removes; malformed payloads are invalid, not thrown", () => {
    expect(parse("homeassistant/light/x/config", "")).toEqual({ kind: "remove" });
    expect(parse("homeassistant/light/x/config", "{oops")).toMatchObject({ kind: "invalid" });
    expect(parse("homeassistant/light/x/config", "[1,2]")).toMatchObject({ kind: "invalid" });
    expect(parse("homeassistant/device/n/config", { dev: {} })).toMatchObject({ kind: "invalid" });
  });

  it("reads where the state is for answers: value templates, and a climate device's current temperature", () => {
    const lock = parse("homeassistant/lock/door/config", {
      name: "Front Door",
      cmd_t: "z2m/door/set",
      stat_t: "z2m/door",
      val_tpl: "{{ value_json.state }}",
    });
    expect(lock).toMatchObject({
      entities: [{ device: { state_topic: "z2m/door", state_template: "{{ value_json.state }}" } }],
    });
    const climate = parse("homeassistant/climate/trv/config", {
      name: "Radiator",
      temp_cmd_t: "z2m/trv/set/setpoint",
      curr_temp_t: "z2m/trv",
      curr_temp_tpl: "{{ value_json.local_temperature }}",
    });
    expect(climate).toMatchObject({
      entities: [
        { device: { state_topic: "z2m/trv", state_template: "{{ value_json.local_temperature }}" } },
      ],
    });
    const wild = parse("homeassistant/light/x/config", { name: "X", cmd_t: "x/set", stat_t: "x/#" });
    expect(wild).toMatchObject({ entities: [], badTopics: [expect.stringMatching(/state_topic/)] });
  });
});
