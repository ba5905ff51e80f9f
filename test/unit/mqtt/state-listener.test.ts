import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { validate } from "../../../src/config/load.js";
import { DeviceRegistry } from "../../../src/intent/registry.js";
import { StateListener } from "../../../src/mqtt/state-listener.js";
import { DeviceStateStore } from "../../../src/skills/state-store.js";

function logLines() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split("\n")) if (line) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines };
}

const devices = validate({
  devices: [
    { id: "front_door", name: "front door", domain: "lock", command_topic: "d/set", state_topic: "d/state" },
    {
      id: "thermostat",
      name: "thermostat",
      domain: "climate",
      command_topic: "t/set",
      state_topic: "t/state",
      state_template: "{{ value_json.local_temperature }}",
    },
    { id: "plug", name: "plug", domain: "switch", command_topic: "p/set" },
  ],
}).devices;

function setup() {
  const registry = new DeviceRegistry(devices);
  const store = new DeviceStateStore();
  const { logger, lines } = logLines();
  const listener = new StateListener({ registry, store, logger, now: () => 1000 });
  return { registry, store, listener, lines };
}

describe("StateListener", () => {
  it("subscribes the state topics and keeps each device's last value", () => {
    const { store, listener } = setup();
    expect(listener.topics.sort()).toEqual(["d/state", "t/state"]);
    expect(listener.handle("d/state", Buffer.from("LOCKED"))).toBe(true);
    expect(listener.handle("t/state", Buffer.from('{"local_temperature":20.5}'))).toBe(true);
    expect(listener.handle("d/state", Buffer.from("UNLOCKED"))).toBe(true);
    expect(listener.handle("p/set", Buffer.from("ON"))).toBe(false);
    expect(store.get("front_door")).toEqual({ value: "UNLOCKED", at: 1000 });
    expect(store.get("thermostat")).toEqual({ value: 20.5, at: 1000 });
  });

  it("drops malformed and oversized messages quietly: counted, one warning per device, last good value kept", () => {
    const { store, listener, lines } = setup();
    listener.handle("t/state", Buffer.from('{"local_temperature":19}'));
    expect(() => listener.handle("t/state", Buffer.from("\u0000\u00ff garbage"))).not.toThrow();
    listener.handle("t/state", Buffer.from('{"other":1}'));
    listener.handle("t/state", Buffer.alloc(1 << 20, 0x41));
    listener.handle("d/state", Buffer.from(""));
    expect(listener.rejected).toBe(4);
    expect(store.get("thermostat")?.value).toBe(19);
    expect(store.get("front_door")).toBeUndefined();
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings.map((w) => w.id)).toEqual(["thermostat", "front_door"]);
    expect(lines.filter((line) => line.level === 20)).toHaveLength(2);
  });

  it("follows the registry: new state topics are announced, a removed device's state is forgotten", () => {
    const { registry, store, listener } = setup();
    const changes: Array<[string[], string[]]> = [];
    listener.onTopicsChange((added, removed) => changes.push([added, removed]));
    listener.handle("d/state", Buffer.from("LOCKED"));
    registry.upsert(
      { ...(devices[2] as (typeof devices)[number]), id: "plug_2", state_topic: "p/state" },
      "discovery",
    );
    registry.remove("front_door", "config");
    expect(changes).toEqual([
      [["p/state"], []],
      [[], ["d/state"]],
    ]);
    expect(store.get("front_door")).toBeUndefined();
    expect(listener.handle("p/state", Buffer.from("ON"))).toBe(true);
    expect(store.get("plug_2")?.value).toBe("ON");
    listener.dispose();
  });
});
