import { describe, expect, it } from "vitest";
import { MAX_STATE_PAYLOAD_BYTES, readStatePayload } from "../../../src/skills/state-payload.js";

describe("readStatePayload", () => {
  it("reads plain words and numbers", () => {
    expect(readStatePayload("LOCKED", null)).toEqual({ ok: true, value: "LOCKED" });
    expect(readStatePayload(" 21.5\n", null)).toEqual({ ok: true, value: 21.5 });
    expect(readStatePayload("-3", null)).toEqual({ ok: true, value: -3 });
  });

  it("reads a JSON object's state, then its current temperature", () => {
    expect(readStatePayload('{"state":"ON","brightness":120}', null)).toEqual({ ok: true, value: "ON" });
    expect(readStatePayload('{"local_temperature":20.5,"occupied_heating_setpoint":21}', null)).toEqual({
      ok: true,
      value: 20.5,
    });
    expect(readStatePayload('{"current_temperature":19}', null)).toEqual({ ok: true, value: 19 });
  });

  it("follows value_json paths and simple filters", () => {
    const payload = '{"lock":{"state":"LOCKED"},"t":"21.456","b":true}';
    expect(readStatePayload(payload, "{{ value_json.lock.state }}")).toEqual({ ok: true, value: "LOCKED" });
    expect(readStatePayload(payload, "{{ value_json['t'] | float | round(1) }}")).toEqual({
      ok: true,
      value: 21.5,
    });
    expect(readStatePayload(payload, '{{ value_json["t"] | int }}')).toEqual({ ok: true, value: 21 });
    expect(readStatePayload(payload, "{{value_json.b}}")).toEqual({ ok: true, value: true });
    expect(readStatePayload("Open", "{{ value | lower }}")).toEqual({ ok: true, value: "open" });
    expect(readStatePayload("22", "{{ value | float(0) }}")).toEqual({ ok: true, value: 22 });
  });

  it("refuses what it cannot read, with a reason", () => {
    const refused = (payload: string, template: string | null = null) => {
      const reading = readStatePayload(payload, template);
      expect(reading.ok).toBe(false);
      return reading.ok ? "" : reading.reason;
    };
    expect(refused("")).toMatch(/empty/);
    expect(refused("{not json")).toMatch(/not a JSON object/);
    expect(refused('{"battery":90}')).toMatch(/without state/);
    expect(refused('{"state":{"nested":1}}')).toMatch(/not a plain value/);
    expect(refused('{"state":"x"}', "{% if value_json.state %}on{% endif %}")).toMatch(/unsupported/);
    expect(refused('{"a":1}', "{{ value_json.b }}")).toMatch(/no b/);
    expect(refused('{"a":"warm"}', "{{ value_json.a | float }}")).toMatch(/not a number/);
    expect(refused("x", "{{ value | attr('__class__') }}")).toMatch(/unsupported/);
    expect(refused("ON", "{{ value_json.state }}")).toMatch(/not JSON/);
    expect(refused("y".repeat(65))).toMatch(/not a state word/);
    expect(refused("x".repeat(MAX_STATE_PAYLOAD_BYTES + 1))).toMatch(/over 4096 bytes/);
    // Prototype keys are not the payload's.
    expect(refused("{}", "{{ value_json.constructor }}")).toMatch(/no constructor/);
  });
});
