import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, validate } from "../../../src/config/load.js";
import { redactConfig } from "../../../src/config/redact.js";
import { EdgeVoiceError } from "../../../src/errors.js";

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "edge-voice-config-"));
}

function writeConfig(text: string): { dir: string; file: string } {
  const dir = tempDir();
  const file = path.join(dir, "config.yaml");
  writeFileSync(file, text);
  return { dir, file };
}

/** The problem lines of a config error, without the header. */
function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EdgeVoiceError);
    const e = error as EdgeVoiceError;
    expect(e.exitCode).toBe(78);
    return e.message
      .split("\n")
      .slice(1)
      .map((l) => l.trim());
  }
  throw new Error("expected a configuration error");
}

const noEnv = {};

describe("config defaults", () => {
  it("an empty config is valid and filled with defaults", () => {
    const config = validate({});
    expect(config.site).toBe("default");
    expect(config.mqtt.url).toBeNull();
    expect(config.vad.trailing_silence_seconds).toBe(0.7);
    expect(config.wake.models[0]?.id).toBe("hey_jarvis");
    expect(config.llm.mode).toBe("fallback");
    expect(config.devices).toEqual([]);
  });

  it("with no file anywhere, loadConfig uses only defaults", () => {
    const loaded = loadConfig({ env: noEnv, cwd: tempDir() });
    expect(loaded.file === null || loaded.file === "/etc/edge-voice/config.yaml").toBe(true);
  });
});

describe("config validation lists every problem with its path", () => {
  it("reports wrong types, unknown keys, bad enums, out-of-range numbers and device errors together", () => {
    const lines = problems(() =>
      validate({
        mqtt: { url: 5 },
        bogus_key: 1,
        vad: { trailing_silence_seconds: "fast", max_command_seconds: 999 },
        llm: { gpu: "opencl" },
        devices: [{ id: "Kitchen Light", name: "kitchen light", domain: "lite", command_topic: "home/#" }],
      }),
    );
    expect(lines).toContain("mqtt.url: expected a URL string, got 5");
    expect(lines).toContain("bogus_key: unknown key");
    expect(lines).toContain('vad.trailing_silence_seconds: expected a number, got "fast"');
    expect(lines).toContain("vad.max_command_seconds: expected at most 60, got 999");
    expect(lines.find((l) => l.startsWith("llm.gpu:"))).toMatch(/"auto".*false, got "opencl"/);
    expect(lines.find((l) => l.startsWith("devices[0].id:"))).toMatch(/\[a-z0-9_\].*got "Kitchen Light"/);
    expect(lines.find((l) => l.startsWith("devices[0].domain:"))).toMatch(
      /expected one of "light".*got "lite"/,
    );
    expect(lines.find((l) => l.startsWith("devices[0].command_topic:"))).toMatch(/without \+ or #/);
    expect(lines).toHaveLength(8);
  });

  it("reports a missing required device field and a duplicate id", () => {
    const device = { id: "lamp", name: "lamp", domain: "light", command_topic: "a/b" };
    const lines = problems(() =>
      validate({ devices: [device, { ...device }, { id: "x", name: "x", domain: "switch" }] }),
    );
    expect(lines).toContain('devices[1].id: duplicate device id "lamp"');
    expect(lines).toContain("devices[2].command_topic: required (expected a string)");
  });

  it("reports a thermostat's range the wrong way round", () => {
    const device = {
      id: "t",
      name: "t",
      domain: "climate",
      command_topic: "a/b",
      min_temp: 30,
      max_temp: 10,
    };
    expect(problems(() => validate({ devices: [device] }))).toEqual([
      "devices[0].max_temp: expected max_temp above min_temp",
    ]);
    expect(validate({ devices: [{ ...device, max_temp: 31 }] }).devices[0]).toMatchObject({ max_temp: 31 });
  });

  it("an empty or too long string says what it counts, not a bare number", () => {
    const lines = problems(() =>
      validate({
        devices: [
          { id: "a", name: "", domain: "light", command_topic: "h/a", state_template: "x".repeat(201) },
        ],
      }),
    );
    expect(lines).toEqual([
      "devices[0].name: must not be empty",
      "devices[0].state_template: expected at most 200 characters",
    ]);
    const long = problems(() =>
      validate({
        devices: [{ id: "a", name: "lamp", aliases: ["y".repeat(121)], domain: "light", command_topic: "h" }],
      }),
    );
    expect(long).toEqual(["devices[0].aliases[0]: expected at most 120 characters"]);
  });

  it("lets one name serve devices in different areas, or of different kinds", () => {
    const light = { domain: "light", command_topic: "a/b" };
    expect(() =>
      validate({
        devices: [
          { ...light, id: "a1", name: "desk lamp", area: "office" },
          { ...light, id: "a2", name: "desk lamp", area: "den" },
          { id: "h1", name: "heater", domain: "switch", command_topic: "h/1", area: "den" },
          { id: "h2", name: "heater", domain: "climate", command_topic: "h/2", area: "den" },
        ],
      }),
    ).not.toThrow();
  });

  it("reports unknown keys nested in sections and devices", () => {
    const lines = problems(() =>
      validate({
        mqtt: { urll: "mqtt://x" },
        devices: [{ id: "a", name: "a", domain: "fan", command_topic: "t", colour: 1 }],
      }),
    );
    expect(lines).toEqual(["mqtt.urll: unknown key", "devices[0].colour: unknown key"]);
  });

  it("rejects a URL with the wrong scheme", () => {
    expect(problems(() => validate({ mqtt: { url: "http://broker" } }))[0]).toMatch(
      /^mqtt\.url: expected a URL \(mqtt, mqtts, ws, wss:\/\/\.\.\.\), got "http:\/\/broker"/,
    );
  });

  it("reports a wrong type for a whole section", () => {
    expect(problems(() => validate({ wake: "hey_jarvis", devices: {} }))).toEqual([
      'wake: expected a mapping, got "hey_jarvis"',
      "devices: expected a list, got a mapping",
    ]);
  });
});

describe("config sources", () => {
  it("reads the YAML file given by --config", () => {
    const { file } = writeConfig("site: kitchen\nmqtt:\n  url: mqtt://10.0.0.2:1883\n");
    const { config } = loadConfig({ configPath: file, env: noEnv });
    expect(config.site).toBe("kitchen");
    expect(config.mqtt.url).toBe("mqtt://10.0.0.2:1883");
  });

  it("finds ./edge-voice.yaml in the working directory", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "edge-voice.yaml"), "site: hall\n");
    const loaded = loadConfig({ env: noEnv, cwd: dir });
    if (loaded.file !== "/etc/edge-voice/config.yaml") expect(loaded.config.site).toBe("hall");
  });

  it("layers defaults < file < environment < flags", () => {
    const { file } = writeConfig(
      "site: file\nvad:\n  trailing_silence_seconds: 1.0\n  max_command_seconds: 20\n",
    );
    const env = { EDGE_VOICE_SITE: "env", EDGE_VOICE_VAD__MAX_COMMAND_SECONDS: "30" };
    const { config, envApplied } = loadConfig({ configPath: file, env, overrides: { site: "flag" } });
    expect(config.site).toBe("flag");
    expect(config.vad.max_command_seconds).toBe(30);
    expect(config.vad.trailing_silence_seconds).toBe(1.0);
    expect(config.vad.no_speech_timeout_seconds).toBe(5);
    expect(envApplied.sort()).toEqual(["EDGE_VOICE_SITE", "EDGE_VOICE_VAD__MAX_COMMAND_SECONDS"]);
  });

  it("keeps string settings from the environment as text and parses the others", () => {
    const env = {
      EDGE_VOICE_MQTT__PASSWORD: "0123",
      EDGE_VOICE_MQTT__HERMES: "false",
      EDGE_VOICE_LLM__GPU: "false",
      EDGE_VOICE_MQTT__URL: "mqtts://broker.lan:8883",
      EDGE_VOICE_INTENT__ALLOWED_INTENTS: "[HassTurnOn, HassTurnOff]",
    };
    const { config } = loadConfig({ env, cwd: tempDir(), configPath: writeConfig("{}").file });
    expect(config.mqtt.password).toBe("0123");
    expect(config.mqtt.hermes).toBe(false);
    expect(config.llm.gpu).toBe(false);
    expect(config.mqtt.url).toBe("mqtts://broker.lan:8883");
    expect(config.intent.allowed_intents).toEqual(["HassTurnOn", "HassTurnOff"]);
  });

  it("reports unknown EDGE_VOICE_ variables and bad values together with file problems", () => {
    const { file } = writeConfig("mqtt:\n  keepalive_seconds: -1\n");
    const lines = problems(() =>
      loadConfig({
        configPath: file,
        env: { EDGE_VOICE_MQTT__URLL: "x", EDGE_VOICE_VAD__START_THRESHOLD: "high" },
      }),
    );
    expect(lines).toContain("EDGE_VOICE_MQTT__URLL: unknown setting (environment)");
    // A value set in the environment is named with its variable: it is not in the file.
    expect(lines).toContain(
      'vad.start_threshold: expected a number, got "high" (from EDGE_VOICE_VAD__START_THRESHOLD)',
    );
    expect(lines).toContain("mqtt.keepalive_seconds: expected at least 0, got -1");
  });

  it("names --set and environment as the source of a bad value, and the file's own ones not", () => {
    const { file } = writeConfig("site: Bad Site\n");
    const lines = problems(() =>
      loadConfig({
        configPath: file,
        env: { EDGE_VOICE_MQTT__KEEPALIVE_SECONDS: "abc" },
        overrides: { "vad.trailing_silence_seconds": "slow" },
      }),
    );
    expect(lines).toEqual([
      'site: expected a site id of [a-z0-9_-], got "Bad Site"',
      'vad.trailing_silence_seconds: expected a number, got "slow" (from --set vad.trailing_silence_seconds)',
      'mqtt.keepalive_seconds: expected a number, got "abc" (from EDGE_VOICE_MQTT__KEEPALIVE_SECONDS)',
    ]);
  });

  it("reports an unknown --set key", () => {
    const lines = problems(() =>
      loadConfig({ env: noEnv, configPath: writeConfig("").file, overrides: { "mqtt.nope": "1" } }),
    );
    expect(lines).toEqual(["mqtt.nope: unknown setting (command line)"]);
  });

  it("a YAML error is one clean line: no dangling colon from yaml's code frame", () => {
    const { file } = writeConfig("site: a\nsite: b\n");
    expect(problems(() => loadConfig({ configPath: file, env: noEnv }))).toEqual([
      "line 2, column 1: Map keys must be unique",
    ]);
  });

  it("names the line of a YAML syntax error", () => {
    const { file } = writeConfig("site: a\nmqtt:\n  url: [unclosed\n");
    expect(() => loadConfig({ configPath: file, env: noEnv })).toThrow(
      /not valid YAML:\n {2}line 3, column 8: .*end with a \]/,
    );
  });

  it("refuses a file that is not a mapping", () => {
    const { file } = writeConfig("- a\n- b\n");
    expect(() => loadConfig({ configPath: file, env: noEnv })).toThrow(/must be a mapping of settings/);
  });

  it("treats an empty file as all defaults", () => {
    const { file } = writeConfig("# nothing yet\n");
    expect(loadConfig({ configPath: file, env: noEnv }).config.site).toBe("default");
  });

  it("a missing --config file is a configuration error naming the path", () => {
    const missing = path.join(tempDir(), "nope.yaml");
    try {
      loadConfig({ configPath: missing, env: noEnv });
      expect.unreachable();
    } catch (error) {
      expect((error as EdgeVoiceError).code).toBe("config-unreadable");
      expect((error as EdgeVoiceError).exitCode).toBe(78);
      expect((error as EdgeVoiceError).message).toContain(missing);
    }
  });

  it("EDGE_VOICE_CONFIG names the file when --config is absent", () => {
    const { file } = writeConfig("site: from_env_file\n");
    expect(loadConfig({ env: { EDGE_VOICE_CONFIG: file } }).config.site).toBe("from_env_file");
  });
});

describe("redaction", () => {
  it("replaces set secrets and leaves unset ones null", () => {
    const config = validate({ mqtt: { password: "hunter2" }, wake: { porcupine: { access_key: "abc" } } });
    const redacted = redactConfig(config);
    expect(redacted.mqtt.password).toBe("***");
    expect(redacted.wake.porcupine.access_key).toBe("***");
    expect(redactConfig(validate({})).mqtt.password).toBeNull();
    expect(JSON.stringify(redacted)).not.toContain("hunter2");
  });
});
