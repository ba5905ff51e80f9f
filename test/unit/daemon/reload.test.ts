import { describe, expect, it } from "vitest";
import { configChanges } from "../../../src/config/changes.js";
import { validate } from "../../../src/config/load.js";
import type { Config } from "../../../src/config/schema.js";
import { describePlan, planReload, type ReloadUnit } from "../../../src/daemon/reload.js";
import { composeServices } from "../../../src/daemon.js";
import { EventBus } from "../../../src/events/bus.js";
import { SystemdNotifier } from "../../../src/system/sd-notify.js";
import { silentLogger } from "../../../src/util/logger.js";

const base = validate({ devices: [{ id: "lamp", name: "lamp", domain: "light", command_topic: "a/b" }] });

/** The daemon's own services (constructors only store: nothing loads or connects). */
function services(mqtt = true) {
  const options = { config: base, bus: new EventBus(), logger: silentLogger(), mqtt, env: {}, cwd: "/" };
  return composeServices(options, new SystemdNotifier({ env: {} })).services;
}

function plan(change: Partial<Config>, mqtt = true) {
  return services(mqtt).plan(base, validate({ ...structuredClone(base), ...change }));
}

describe("the SIGHUP plan the daemon's services derive from their sections", () => {
  it("restarts nothing when nothing changed", () => {
    expect(describePlan(plan({}))).toBe("nothing");
  });

  it("restarts only MQTT (and the rooms and satellite clients, on the same broker) for a new broker URL", () => {
    expect(describePlan(plan({ mqtt: { ...base.mqtt, url: "mqtt://10.0.0.2" } }))).toBe(
      "mqtt, rooms, satellite, base",
    );
  });

  it("a new role rebuilds the pipeline's remote steps and the satellite and base clients", () => {
    expect(describePlan(plan({ role: "satellite" }))).toBe("pipeline, satellite, base");
    // The pipeline reads satellite.fallback (whether Whisper is loaded, whether a run falls back).
    const satellite = { ...base.satellite, answer_timeout_seconds: 20 };
    expect(describePlan(plan({ satellite }))).toBe("pipeline, satellite, base");
  });

  it("joining or leaving a rooms group, or a new window, restarts only the rooms client", () => {
    expect(describePlan(plan({ rooms: { group: "home", arbitration_ms: 200 } }))).toBe("rooms");
    expect(describePlan(plan({ rooms: { ...base.rooms, arbitration_ms: 300 } }))).toBe("rooms");
    expect(describePlan(plan({ rooms: { group: "home", arbitration_ms: 200 } }, false))).toBe("nothing");
  });

  it("reloads the wake detector for a new threshold, and hands it to the pipeline", () => {
    const wake = { ...base.wake, models: [{ ...base.wake.models[0], threshold: 0.7 }] } as Config["wake"];
    expect(describePlan(plan({ wake }))).toBe("wake, pipeline");
    expect(plan({ wake }).get("wake")).toBe("restart");
  });

  it("lists feedback and the timers before the model stages, in start order", () => {
    // Their sound players start their relay shells while the daemon is small (sound-relay.ts):
    // a fork once the models have loaded costs the next command ~0.4 s.
    const wake = { ...base.wake, models: [{ ...base.wake.models[0], threshold: 0.7 }] } as Config["wake"];
    const feedback = { ...base.feedback, earcons: true };
    expect(describePlan(plan({ wake, feedback }))).toBe("feedback, timers, wake, pipeline");
  });

  it("updates the registry and the pipeline's vocabulary for new devices, no model", () => {
    const devices = [
      ...base.devices,
      { ...base.devices[0], id: "lamp2", name: "lamp two" },
    ] as Config["devices"];
    expect(describePlan(plan({ devices }))).toBe("devices, pipeline");
  });

  it("a new site renames topics, metrics and runs: metrics, pipeline and MQTT", () => {
    expect(describePlan(plan({ site: "hall" }))).toBe("metrics, pipeline, mqtt, rooms, satellite, base");
  });

  it("ring settings reload the timers in place; the timers run on", () => {
    const timers = { ...base.timers, ring_limit_seconds: 30 };
    expect(plan({ timers })).toEqual(new Map([["timers", "reload"]]));
  });

  it("a new models directory reloads every model stage", () => {
    expect(describePlan(plan({ models: { ...base.models, dir: "/srv/models" } }))).toBe(
      "wake, vad, stt, intent, pipeline",
    );
  });

  it("endpointing settings are read live; a new VAD model restarts the VAD", () => {
    expect(describePlan(plan({ vad: { ...base.vad, trailing_silence_seconds: 1 } }))).toBe("pipeline");
    expect(describePlan(plan({ vad: { ...base.vad, early_endpoint_seconds: null } }))).toBe("pipeline");
    expect(describePlan(plan({ vad: { ...base.vad, model: "silero_vad_v4" } }))).toBe("vad, pipeline");
  });

  it("speculation and the prompt need no new Whisper; a new model does", () => {
    expect(describePlan(plan({ stt: { ...base.stt, speculative: false } }))).toBe("pipeline");
    expect(describePlan(plan({ stt: { ...base.stt, initial_prompt: "Zanzibar" } }))).toBe("pipeline");
    expect(describePlan(plan({ stt: { ...base.stt, model: "whisper-base.en" } }))).toBe("stt, pipeline");
  });

  it("the steps' time limits are read live: no new Whisper, no new LLM", () => {
    expect(describePlan(plan({ stt: { ...base.stt, timeout_seconds: 60 } }))).toBe("pipeline");
    expect(describePlan(plan({ intent: { ...base.intent, timeout_seconds: 60 } }))).toBe("pipeline");
  });

  it("an LLM setting reloads the intent stage", () => {
    expect(describePlan(plan({ llm: { ...base.llm, timeout_seconds: 9 } }))).toBe("intent, pipeline");
  });

  it("without MQTT (--no-mqtt) nothing MQTT restarts", () => {
    expect(describePlan(plan({ site: "hall" }, false))).toBe("metrics, pipeline");
  });

  it("a new microphone reopens only the audio source; a new log level is set live", () => {
    expect(describePlan(plan({ audio: { ...base.audio, device: "plughw:CARD=USB,DEV=0" } }))).toBe("audio");
    expect(plan({ log: { ...base.log, level: "debug" } })).toEqual(new Map([["log", "reload"]]));
  });

  it("optional parts restart on their own sections", () => {
    // The ringer plays through feedback's player and voice: the timers hear of it too.
    expect(describePlan(plan({ feedback: { ...base.feedback, earcons: true } }))).toBe("feedback, timers");
    expect(describePlan(plan({ debug: { ...base.debug, recordings_dir: "/tmp/rec" } }))).toBe("recordings");
  });
});

describe("configChanges", () => {
  it("names each changed field with the schema's restart mark (the nearest mark wins)", () => {
    const next = validate({
      ...structuredClone(base),
      area: "hall",
      vad: { ...base.vad, model: "silero_vad_v4", min_speech_seconds: 0.2 },
      stt: { ...base.stt, speculative: false, max_tokens: 64 },
    });
    expect(configChanges(base, next)).toEqual([
      { section: "area", field: null, restart: false },
      { section: "vad", field: "model", restart: true },
      { section: "vad", field: "min_speech_seconds", restart: false },
      { section: "stt", field: "speculative", restart: false },
      { section: "stt", field: "max_tokens", restart: true },
    ]);
  });
});

describe("planReload", () => {
  const units: ReloadUnit[] = [
    { name: "model", sections: ["vad"] },
    { name: "reader", sections: ["vad", "site"], live: true, follows: ["model"] },
    { name: "other", sections: ["mqtt"] },
  ];

  it("restarts a unit for a marked change only; a live unit reloads for any change of its sections", () => {
    expect(planReload(units, [{ section: "vad", field: "x", restart: false }])).toEqual(
      new Map([["reader", "reload"]]),
    );
    expect(planReload(units, [{ section: "vad", field: "x", restart: true }])).toEqual(
      new Map([
        ["model", "restart"],
        ["reader", "reload"],
      ]),
    );
  });

  it("a unit that follows another reloads when that one restarts, even without a change of its own", () => {
    const withMqtt = [...units, { name: "late", sections: ["log"] as const, live: true, follows: ["other"] }];
    expect(planReload(withMqtt, [{ section: "mqtt", field: "url", restart: true }])).toEqual(
      new Map([
        ["other", "restart"],
        ["late", "reload"],
      ]),
    );
  });
});
