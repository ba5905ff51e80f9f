import { describe, expect, it } from "vitest";
import { validate } from "../../../src/config/load.js";
import { describePlan, planReload } from "../../../src/daemon/reload.js";

const base = validate({ devices: [{ id: "lamp", name: "lamp", domain: "light", command_topic: "a/b" }] });

function plan(change: Record<string, unknown>) {
  return planReload(base, validate({ ...structuredClone(base), ...change }));
}

describe("SIGHUP reload plan", () => {
  it("restarts nothing when nothing changed", () => {
    expect(describePlan(plan({}))).toBe("nothing");
  });

  it("restarts only MQTT for a new broker URL", () => {
    expect(describePlan(plan({ mqtt: { ...base.mqtt, url: "mqtt://10.0.0.2" } }))).toBe("mqtt");
  });

  it("reloads the wake detector for a new threshold, and nothing else", () => {
    const wake = { ...base.wake, models: [{ ...base.wake.models[0], threshold: 0.7 }] };
    expect(describePlan(plan({ wake }))).toBe("wake");
  });

  it("updates the registry and the pipeline's vocabulary for new devices", () => {
    const devices = [...base.devices, { ...base.devices[0], id: "lamp2", name: "lamp two" }];
    expect(plan({ devices })).toMatchObject({ devices: true, pipeline: true, intent: false, mqtt: false });
  });

  it("a new site renames topics and runs: MQTT and pipeline", () => {
    expect(plan({ site: "hall" })).toMatchObject({ mqtt: true, pipeline: true, wake: false });
    expect(plan({ timers: { ...base.timers, ring_limit_seconds: 30 } })).toMatchObject({
      timers: true,
      pipeline: false,
      attachments: false,
    });
  });

  it("a new models directory reloads every model stage", () => {
    const p = plan({ models: { ...base.models, dir: "/srv/models" } });
    expect(p).toMatchObject({ wake: true, vad: true, stt: true, intent: true, mqtt: false, audio: false });
  });

  it("new endpointing settings change the pipeline only, not the VAD model", () => {
    expect(describePlan(plan({ vad: { ...base.vad, trailing_silence_seconds: 1 } }))).toBe("pipeline");
    expect(plan({ vad: { ...base.vad, model: "silero_vad_v4" } })).toMatchObject({
      vad: true,
      pipeline: true,
    });
  });

  it("speculation, the prompt and the time limit need no new Whisper; a new model does", () => {
    expect(plan({ stt: { ...base.stt, speculative: false } })).toMatchObject({ stt: false, pipeline: true });
    expect(plan({ stt: { ...base.stt, timeout_seconds: 60 } })).toMatchObject({ stt: false, pipeline: true });
    expect(plan({ stt: { ...base.stt, model: "whisper-base.en" } })).toMatchObject({ stt: true });
  });

  it("without MQTT (--no-mqtt) nothing MQTT restarts", () => {
    expect(planReload(base, validate({ ...structuredClone(base), site: "hall" }), false).mqtt).toBe(false);
  });

  it("a new microphone restarts only the audio source", () => {
    expect(describePlan(plan({ audio: { ...base.audio, device: "plughw:CARD=USB,DEV=0" } }))).toBe("audio");
  });
});
