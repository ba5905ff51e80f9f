import { describe, expect, it } from "vitest";
import { type Config, configSchema } from "../../../src/config/schema.js";
import {
  checkAudioDevices,
  checkMicrophone,
  levelDbfs,
  parseArecordList,
} from "../../../src/doctor/checks-audio.js";
import { checkBase } from "../../../src/doctor/checks-base.js";
import { checkBoard, checkGlibc, checkNode, describeBoard } from "../../../src/doctor/checks-host.js";
import { checkLlama, checkModels, checkSelfTest } from "../../../src/doctor/checks-models.js";
import { checkBroker, checkService } from "../../../src/doctor/checks-service.js";
import { formatResults, runDoctor } from "../../../src/doctor/run.js";
import type { Check, CommandResult, Probes } from "../../../src/doctor/types.js";
import { EdgeVoiceError } from "../../../src/errors.js";

/** A laptop-like machine where everything works; each test breaks one thing. */
function probes(overrides: Partial<Probes> = {}): Probes {
  return {
    nodeVersion: () => "20.20.2",
    glibcVersion: () => "2.36",
    platform: () => "linux",
    arch: () => "arm64",
    cpus: () => ({ model: "Cortex-A76", count: 4, notable: [] }),
    readFile: () => null,
    run: async () => ({ code: 0, stdout: "", stderr: "" }),
    capture: async () => ({ samples: noise(24_000, 300) }),
    verifyModel: async () => ({ path: "/m", pinned: true }),
    llama: async () => ({ supported: [], loaded: null }),
    sttSelfTest: async () => ({ ms: 900 }),
    wakeSelfTest: async () => ({ ms: 150 }),
    mqtt: async () => ({ ok: true }),
    base: async () => ({
      connected: true,
      status: {
        v: 1,
        site: "pi5",
        state: "online",
        beat: 2,
        capacity: { queue: 16, perSite: 2, sessions: 0 },
      },
      fresh: true,
      session: { state: "accepted" },
    }),
    ...overrides,
  };
}

function noise(length: number, amplitude: number): Int16Array {
  let seed = 1;
  return Int16Array.from({ length }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return Math.round(((seed / 0x7fffffff) * 2 - 1) * amplitude);
  });
}

function config(input: Record<string, unknown> = {}): Config {
  return configSchema.parse(input);
}

async function one(check: Check, p: Probes, c: Config | null = config()) {
  const results = await check({ probes: p, config: c });
  expect(results).toHaveLength(1);
  return results[0] as NonNullable<(typeof results)[0]>;
}

function commands(table: Record<string, Partial<CommandResult>>): Probes["run"] {
  return async (program, args) => ({
    code: 0,
    stdout: "",
    stderr: "",
    ...table[`${program} ${args.join(" ")}`],
  });
}

describe("host checks", () => {
  it("Node: pass on 20+, fail below", async () => {
    expect((await one(checkNode, probes())).status).toBe("pass");
    const old = await one(checkNode, probes({ nodeVersion: () => "18.19.0" }));
    expect(old).toMatchObject({ status: "fail", fix: expect.stringMatching(/Node\.js 20/) });
  });

  it("glibc: pass at 2.34+, warn below without an LLM, fail below with one", async () => {
    expect(await one(checkGlibc, probes({ glibcVersion: () => "2.34" }))).toMatchObject({ status: "pass" });
    const bullseye = probes({ glibcVersion: () => "2.31" });
    expect(await one(checkGlibc, bullseye)).toMatchObject({
      status: "warn",
      detail: expect.stringMatching(/2\.31.*2\.34/),
    });
    const withLlm = config({ llm: { model: "qwen2.5-0.5b-instruct-q4_k_m" } });
    expect(await one(checkGlibc, bullseye, withLlm)).toMatchObject({
      status: "fail",
      fix: expect.stringMatching(/Bookworm/),
    });
    expect(
      await one(checkGlibc, probes({ glibcVersion: () => null, platform: () => "darwin" })),
    ).toMatchObject({
      status: "pass",
    });
  });

  it("names the board from the device tree and the Tegra release", () => {
    expect(describeBoard("Raspberry Pi 5 Model B Rev 1.0\0", null)).toEqual({
      kind: "raspberry-pi",
      name: "Raspberry Pi 5 Model B Rev 1.0",
    });
    expect(
      describeBoard(
        "NVIDIA Jetson Orin Nano Developer Kit\0",
        "# R36 (release), REVISION: 4.3, GCID: 38968081, BOARD: generic",
      ),
    ).toMatchObject({
      kind: "jetson",
      jetpack: 6,
      name: "NVIDIA Jetson Orin Nano Developer Kit (L4T R36, JetPack 6)",
    });
    expect(describeBoard(null, "# R35 (release), REVISION: 4.1")).toMatchObject({ jetpack: 5 });
    expect(describeBoard(null, null)).toMatchObject({ kind: "other" });
  });

  it("board: pass on a Pi 5 and JetPack 6, warn on a Pi 3 and JetPack 5", async () => {
    const on = (model: string | null, tegra: string | null) =>
      probes({
        readFile: (f) =>
          f === "/proc/device-tree/model" ? model : f === "/etc/nv_tegra_release" ? tegra : null,
      });
    const pi5 = await one(checkBoard, on("Raspberry Pi 5 Model B Rev 1.0", null));
    expect(pi5).toMatchObject({
      status: "pass",
      detail: "Raspberry Pi 5 Model B Rev 1.0; 4 x Cortex-A76 (arm64)",
    });
    expect((await one(checkBoard, on("Raspberry Pi 3 Model B Plus Rev 1.3", null))).status).toBe("warn");
    const sme = probes({ cpus: () => ({ model: "ARM Cortex-X925", count: 8, notable: ["i8mm", "sme2"] }) });
    expect((await one(checkBoard, sme)).detail).toMatch(/8 x ARM Cortex-X925 \(arm64, i8mm, sme2\)$/);
    expect((await one(checkBoard, on("Jetson", "# R36 (release), REVISION: 3.0"))).status).toBe("pass");
    expect((await one(checkBoard, on("Jetson", "# R35 (release), REVISION: 5.0"))).status).toBe("warn");
  });
});

const ARECORD_L = `null
    Discard all samples (playback) or generate zero samples (capture)
default
    Default Audio Device
sysdefault:CARD=Device
    USB PnP Sound Device, USB Audio
    Default Audio Device
plughw:CARD=Device,DEV=0
    USB PnP Sound Device, USB Audio
    Hardware device with all software conversions
`;

describe("audio checks", () => {
  it("lists capture devices from arecord -L", () => {
    expect(parseArecordList(ARECORD_L)).toEqual([
      "default",
      "sysdefault:CARD=Device",
      "plughw:CARD=Device,DEV=0",
    ]);
    expect(parseArecordList("null\n    Discard all samples\n")).toEqual([]);
  });

  it("audio devices: pass with devices, fail without arecord or devices, warn for an unknown configured name", async () => {
    const listed = probes({ run: commands({ "arecord -L": { stdout: ARECORD_L } }) });
    expect(await one(checkAudioDevices, listed)).toMatchObject({
      status: "pass",
      detail: expect.stringMatching(/^3 capture/),
    });
    const missing = probes({ run: commands({ "arecord -L": { code: null, error: "ENOENT" } }) });
    expect(await one(checkAudioDevices, missing)).toMatchObject({
      status: "fail",
      fix: "sudo apt install alsa-utils",
    });
    const none = probes({ run: commands({ "arecord -L": { stdout: "null\n    Discard\n" } }) });
    expect(await one(checkAudioDevices, none)).toMatchObject({
      status: "fail",
      detail: "no capture device found",
    });
    const typo = config({ audio: { device: "plughw:CARD=Devise,DEV=0" } });
    expect(await one(checkAudioDevices, listed, typo)).toMatchObject({ status: "warn" });
    expect(await one(checkAudioDevices, listed, config({ audio: { device: "hw:1,0" } }))).toMatchObject({
      status: "pass",
    });
  });

  it("microphone: pass with sound, warn on silence, fail when it does not open or stalls", async () => {
    expect(await one(checkMicrophone, probes())).toMatchObject({
      status: "pass",
      detail: expect.stringMatching(/dBFS/),
    });
    const muted = probes({ capture: async () => ({ samples: new Int16Array(24_000) }) });
    expect(await one(checkMicrophone, muted)).toMatchObject({
      status: "warn",
      fix: expect.stringMatching(/alsamixer/),
    });
    const busy = probes({
      capture: async () => ({
        samples: null,
        reason: "arecord exited with code 1: audio open error: Device or resource busy",
      }),
    });
    expect(await one(checkMicrophone, busy)).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/resource busy/),
    });
    const short = probes({ capture: async () => ({ samples: noise(1600, 300) }) });
    expect((await one(checkMicrophone, short)).status).toBe("fail");
  });

  it("measures the level in dBFS", () => {
    expect(levelDbfs(new Int16Array(100))).toBe(Number.NEGATIVE_INFINITY);
    expect(levelDbfs(new Int16Array(100).fill(16384))).toBeCloseTo(-6.02, 1);
  });
});

describe("model and LLM checks", () => {
  it("models: one line per configured model, failing with the store's hint", async () => {
    const p = probes({
      verifyModel: async (request) => {
        if (request.value === "whisper-tiny") {
          throw new EdgeVoiceError("model-missing", "model whisper-tiny is missing", {
            hint: "run scripts/fetch-models.sh whisper-tiny",
          });
        }
        return { path: "/m", pinned: true };
      },
    });
    const results = await checkModels({ probes: p, config: config() });
    expect(results.map((r) => r.status)).toEqual(["pass", "pass", "pass", "pass", "fail"]);
    expect(results[4]).toMatchObject({
      fix: "run scripts/fetch-models.sh whisper-tiny",
      detail: expect.stringMatching(/^whisper-tiny \(stt\.model\)/),
    });
  });

  it("LLM: lists backends without an LLM and does not load llama.cpp", async () => {
    let loads = 0;
    const p = probes({
      llama: async (_gpu, load) => {
        if (load) loads++;
        return { supported: ["vulkan"], loaded: null };
      },
    });
    expect(await one(checkLlama, p)).toMatchObject({
      status: "pass",
      detail: expect.stringMatching(/cpu, vulkan/),
    });
    expect(loads).toBe(0);
  });

  it("LLM: pass when it loads, fail when it cannot, warn for CPU only on a Jetson", async () => {
    const withLlm = config({ llm: { model: "qwen2.5-0.5b-instruct-q4_k_m" } });
    const cuda = probes({
      llama: async () => ({ supported: ["cuda"], loaded: { gpu: "cuda", buildType: "localBuild" } }),
    });
    expect(await one(checkLlama, cuda, withLlm)).toMatchObject({
      status: "pass",
      detail: expect.stringMatching(/loads with cuda/),
    });
    const broken = probes({
      llama: async () => ({ supported: [], loaded: { error: "GLIBC_2.34 not found" } }),
    });
    expect(await one(checkLlama, broken, withLlm)).toMatchObject({ status: "fail" });
    const jetsonCpu = probes({
      readFile: (f) => (f === "/etc/nv_tegra_release" ? "# R36 (release)" : null),
      llama: async () => ({ supported: [], loaded: { gpu: "cpu", buildType: "prebuilt" } }),
    });
    expect(await one(checkLlama, jetsonCpu, withLlm)).toMatchObject({
      status: "warn",
      fix: expect.stringMatching(/CUDA/),
    });
    const noModule = probes({ llama: async () => Promise.reject(new Error("Cannot find package")) });
    expect(await one(checkLlama, noModule, withLlm)).toMatchObject({ status: "fail" });
    expect(await one(checkLlama, noModule)).toMatchObject({ status: "warn" });
  });
});

describe("Whisper self-test check", () => {
  it("passes when Whisper hears its clip, naming the time it took", async () => {
    expect(await one(checkSelfTest, probes())).toMatchObject({
      status: "pass",
      detail: expect.stringMatching(/heard its clip right \(900 ms/),
    });
  });

  it("fails with the self-test's message on a CPU that mishears", async () => {
    const mishears = probes({
      sttSelfTest: async () => {
        throw new EdgeVoiceError("stt-self-test-failed", "Whisper mishears on this CPU (X)", {
          hint: "run doctor",
          exitCode: 78,
        });
      },
    });
    expect(await one(checkSelfTest, mishears)).toMatchObject({
      status: "fail",
      detail: "Whisper mishears on this CPU (X)",
      fix: "run doctor",
    });
  });

  it("leaves a missing model to the model check, and warns when turned off", async () => {
    const missing = probes({
      sttSelfTest: async () => {
        throw new EdgeVoiceError("model-missing", "whisper-tiny is missing");
      },
    });
    expect(await checkSelfTest({ probes: missing, config: config() })).toEqual([]);
    expect((await one(checkSelfTest, probes(), config({ stt: { self_test: false } }))).status).toBe("warn");
  });
});

describe("broker and service checks", () => {
  const remote = config({ mqtt: { url: "mqtt://192.168.1.10:1883", username: "ev", password: "secret" } });

  it("broker: embedded passes, a connect passes, refused credentials and unreachable fail", async () => {
    expect(await one(checkBroker, probes())).toMatchObject({
      status: "pass",
      detail: expect.stringMatching(/embedded/),
    });
    expect(await one(checkBroker, probes(), remote)).toMatchObject({
      status: "pass",
      detail: "mqtt://192.168.1.10:1883: connected as ev",
    });
    const auth = probes({
      mqtt: async () => ({
        ok: false,
        kind: "auth",
        message: "Connection refused: Bad username or password",
      }),
    });
    expect(await one(checkBroker, auth, remote)).toMatchObject({
      status: "fail",
      fix: expect.stringMatching(/mqtt.password/),
    });
    const down = probes({
      mqtt: async () => ({ ok: false, kind: "unreachable", message: "connect ECONNREFUSED" }),
    });
    expect(await one(checkBroker, down, remote)).toMatchObject({
      status: "fail",
      fix: expect.stringMatching(/broker\.conf/),
    });
    const local = config({ mqtt: { url: "mqtt://127.0.0.1:1883" } });
    expect((await one(checkBroker, down, local)).fix).not.toMatch(/broker\.conf/);
    expect(JSON.stringify(await checkBroker({ probes: auth, config: remote }))).not.toContain("secret");
  });

  it("broker: warns when the installed unit may reach loopback only", async () => {
    const unit = (allow: string) =>
      probes({
        run: commands({
          "systemctl show --property=IPAddressAllow,LoadState edge-voice.service": {
            stdout: `IPAddressAllow=${allow}\nLoadState=loaded\n`,
          },
        }),
      });
    expect(await one(checkBroker, unit("127.0.0.0/8 ::1/128"), remote)).toMatchObject({
      status: "warn",
      fix: expect.stringMatching(/broker\.conf\.example/),
    });
    expect((await one(checkBroker, unit("127.0.0.0/8 ::1/128 192.168.1.10/32"), remote)).status).toBe("pass");
    const local = config({ mqtt: { url: "mqtt://127.0.0.1:1883" } });
    expect((await one(checkBroker, unit("127.0.0.0/8 ::1/128"), local)).status).toBe("pass");
    const noUnit = probes({ run: async () => ({ code: 1, stdout: "", stderr: "" }) });
    expect((await one(checkBroker, noUnit, remote)).status).toBe("pass");
  });

  it("service: states from systemctl", async () => {
    const state = (enabled: Partial<CommandResult>, active = "active") =>
      probes({
        run: commands({
          "systemctl is-enabled edge-voice.service": enabled,
          "systemctl is-active edge-voice.service": { stdout: `${active}\n` },
        }),
      });
    expect(await one(checkService, state({ stdout: "enabled\n" }))).toMatchObject({
      status: "pass",
      detail: "edge-voice.service enabled, active",
    });
    expect((await one(checkService, state({ stdout: "enabled\n" }, "failed"))).status).toBe("fail");
    expect((await one(checkService, state({ stdout: "enabled\n" }, "activating"))).status).toBe("warn");
    expect((await one(checkService, state({ stdout: "disabled\n", code: 1 }))).fix).toMatch(/enable/);
    const notFound = state({
      code: 1,
      stderr: "Failed to get unit file state for edge-voice.service: No such file or directory",
    });
    expect(await one(checkService, notFound)).toMatchObject({
      status: "warn",
      detail: "edge-voice.service is not installed",
    });
    const container = state({
      code: 1,
      stderr: "System has not been booted with systemd as init system (PID 1). Can't operate.",
    });
    expect((await one(checkService, container)).detail).toMatch(/systemd is not running/);
    expect((await one(checkService, probes({ platform: () => "darwin" }))).status).toBe("pass");
  });
});

describe("runDoctor", () => {
  it("turns a check that throws into a failed line and formats fixes", async () => {
    const boom: Check = async function boom() {
      throw new Error("kaput");
    };
    const results = await runDoctor({ probes: probes(), config: config() }, [checkNode, boom]);
    expect(results.map((r) => r.status)).toEqual(["pass", "fail"]);
    const text = formatResults(results);
    expect(text).toMatch(/^pass {2}Node\.js +v20\.20\.2$/m);
    expect(text).toMatch(/^fail {2}boom +the check itself failed: kaput$/m);
    expect(text).toMatch(/fix: please report/);
    expect(text).toMatch(/1 problem\(s\) to fix/);
  });
});

describe("base check (role satellite)", () => {
  const satellite = config({ role: "satellite", site: "kitchen", satellite: { base: "pi5" } });
  const status = { v: 1 as const, site: "pi5", state: "online" as const, beat: 3 };

  it("is silent unless the board is a satellite", async () => {
    expect(await checkBase({ probes: probes(), config: config() })).toEqual([]);
  });

  it("passes for a base online, with a heartbeat, that accepts a test session", async () => {
    expect(await one(checkBase, probes(), satellite)).toMatchObject({
      status: "pass",
      detail: "base pi5 is online and answering; queue 16, 2 per satellite, 0 now",
    });
  });

  it("says what is wrong: no base, never heard, offline, hung, not answering, busy", async () => {
    const result = (r: Awaited<ReturnType<Probes["base"]>>) =>
      one(checkBase, probes({ base: async () => r }), satellite);
    const noBase = config({ role: "satellite" });
    expect(await one(checkBase, probes(), noBase)).toMatchObject({
      status: "fail",
      detail: "role satellite without satellite.base",
    });
    expect(await result({ connected: false, message: "ECONNREFUSED" })).toMatchObject({ status: "fail" });
    expect(await result({ connected: true, status: null, fresh: false, session: null })).toMatchObject({
      status: "fail",
      detail: "base pi5 has never published its status on the broker",
    });
    const offline = { v: 1 as const, site: "pi5", state: "offline" as const };
    expect((await result({ connected: true, status: offline, fresh: false, session: null })).detail).toMatch(
      /offline/,
    );
    expect((await result({ connected: true, status, fresh: false, session: null })).detail).toMatch(
      /no heartbeat/,
    );
    const silent = await result({ connected: true, status, fresh: true, session: { state: "no-answer" } });
    expect(silent).toMatchObject({
      status: "fail",
      detail: "base pi5 is alive but did not answer a test session",
    });
    expect(silent.fix).toMatch(/edge-voice\/base\/pi5\/audio\/kitchen\/#/);
    const busy = await result({
      connected: true,
      status,
      fresh: true,
      session: { state: "rejected", reason: "queue-full" },
    });
    expect(busy).toMatchObject({ status: "warn" });
    expect(busy.detail).toMatch(/queue-full/);
  });
});
