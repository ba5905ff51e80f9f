import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../../src/config/schema.js";
import { EdgeVoiceError } from "../../../src/errors.js";
import { ModelStore } from "../../../src/models/store.js";
import { silentLogger } from "../../../src/util/logger.js";
import { createWakeWordDetector, type WakeFactoryOptions } from "../../../src/wake/create.js";
import { currentPlatform, PorcupineDetector, type PorcupineEngine } from "../../../src/wake/porcupine.js";
import { ACCESS_KEY_ENV, resolveAccessKey } from "../../../src/wake/porcupine-access.js";
import { cpuPart, type PlatformInfo, porcupineSupport } from "../../../src/wake/porcupine-platform.js";

const store = new ModelStore({ modelsDir: "models", cacheFile: null });
const KEY = "Zm9vYmFyLXRoaXMtaXMtbm90LWEtcmVhbC1rZXktMTIzNDU2Nzg5MA==";

const cpuinfo = (part: string) =>
  `processor\t: 0\nBogoMIPS\t: 108.00\nCPU implementer\t: 0x41\nCPU part\t: ${part}\n`;
const linuxArm = (part: string): PlatformInfo => ({
  platform: "linux",
  arch: "arm64",
  cpuInfo: cpuinfo(part),
});

function porcupineConfig(porcupine: Record<string, unknown> = {}) {
  return configSchema.parse({ wake: { engine: "porcupine", porcupine } });
}

async function startError(porcupine: Record<string, unknown>, options: Partial<WakeFactoryOptions> = {}) {
  const result = await createWakeWordDetector(porcupineConfig(porcupine), store, silentLogger(), {
    env: {},
    ...options,
  }).catch((e: unknown) => e);
  expect(result).toBeInstanceOf(EdgeVoiceError);
  return result as EdgeVoiceError;
}

describe("Porcupine platform support (the package's own library lookup)", () => {
  const cases: Array<[string, PlatformInfo, boolean, string?]> = [
    ["Linux x86_64", { platform: "linux", arch: "x64", cpuInfo: null }, true],
    ["macOS arm64", { platform: "darwin", arch: "arm64", cpuInfo: null }, true],
    ["Windows x64", { platform: "win32", arch: "x64", cpuInfo: null }, true],
    ["Raspberry Pi 4 (Cortex-A72)", linuxArm("0xd08"), true],
    ["Raspberry Pi 5 (Cortex-A76)", linuxArm("0xd0b"), true],
    ["Raspberry Pi 3 32-bit (Cortex-A53)", { ...linuxArm("0xd03"), arch: "arm" }, true],
    ["Jetson Orin (Cortex-A78AE)", linuxArm("0xd42"), false, "Jetson Orin"],
    ["Jetson Nano (Cortex-A57)", linuxArm("0xd07"), false, "Jetson Nano"],
    [
      "an ARM board without a CPU part line",
      { platform: "linux", arch: "arm64", cpuInfo: "processor : 0\n" },
      false,
    ],
    ["Linux on 32-bit x86", { platform: "linux", arch: "ia32", cpuInfo: null }, false, "linux/ia32"],
    ["FreeBSD", { platform: "freebsd", arch: "x64", cpuInfo: null }, false, "freebsd/x64"],
  ];
  for (const [name, info, supported, mentions] of cases) {
    it(`${name}: ${supported ? "supported" : "unsupported"}`, () => {
      const result = porcupineSupport(info);
      expect(result.supported).toBe(supported);
      if (!result.supported && mentions) expect(result.reason).toContain(mentions);
    });
  }

  it("reads the last CPU part line, lower-cased", () => {
    expect(cpuPart(`${cpuinfo("0xD08")}\n${cpuinfo("0xD42")}`)).toBe("0xd42");
    expect(cpuPart(null)).toBeNull();
  });

  it("fails at start on a Jetson with wake-unavailable, naming the board and openWakeWord", async () => {
    const error = await startError({ access_key: KEY }, { platform: linuxArm("0xd42") });
    expect(error.code).toBe("wake-unavailable");
    expect(error.exitCode).toBe(78);
    expect(error.message).toContain("Jetson Orin");
    expect(error.hint).toContain("openwakeword");
  });
});

describe("Porcupine AccessKey", () => {
  it("fails at start without a key, saying where one goes and naming openWakeWord", async () => {
    const error = await startError({});
    expect(error.code).toBe("wake-unavailable");
    expect(error.exitCode).toBe(78);
    expect(error.message).toContain("AccessKey");
    expect(error.hint).toContain(ACCESS_KEY_ENV);
    expect(error.hint).toContain("wake.engine: openwakeword");
  });

  it("takes the key from the config, then the environment, then the key file", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ev-key-"));
    const file = path.join(dir, "key");
    writeFileSync(file, "from-file\n");
    const base = { access_key: null, access_key_file: file, keywords: [] };
    expect(resolveAccessKey({ ...base, access_key: "from-config" }, { [ACCESS_KEY_ENV]: "from-env" })).toBe(
      "from-config",
    );
    expect(resolveAccessKey(base, { [ACCESS_KEY_ENV]: "from-env" })).toBe("from-env");
    expect(resolveAccessKey(base, {})).toBe("from-file");
  });

  it("names an unreadable or empty key file without showing anything from it", async () => {
    const missing = await startError({ access_key_file: "/nonexistent/picovoice.key" });
    expect(missing.code).toBe("wake-unavailable");
    expect(missing.message).toContain("/nonexistent/picovoice.key");
    const dir = mkdtempSync(path.join(os.tmpdir(), "ev-key-"));
    writeFileSync(path.join(dir, "empty"), "  \n");
    expect((await startError({ access_key_file: path.join(dir, "empty") })).message).toContain("is empty");
  });

  // Runs the real Porcupine library, which exists only for some platforms (the CI's x86_64 is one).
  it.skipIf(!porcupineSupport(currentPlatform()).supported)(
    "a key Porcupine rejects (checked for real, offline) fails at start, the key redacted everywhere",
    async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const logger = pino({ level: "trace" }, sink);
      const result = await createWakeWordDetector(porcupineConfig({ access_key: KEY }), store, logger, {
        env: {},
      }).catch((e: unknown) => e);
      expect(result).toBeInstanceOf(EdgeVoiceError);
      const error = result as EdgeVoiceError;
      expect(error.code).toBe("wake-unavailable");
      expect(error.message).toContain("AccessKey");
      expect(error.message).toContain("validates the key online");
      expect(error.hint).toContain("openwakeword");
      const everything = [error.message, error.hint, ...lines].join("\n");
      expect(everything).not.toContain(KEY);
      expect(everything).not.toContain(KEY.slice(0, 20));
    },
  );

  it("uses $PICOVOICE_ACCESS_KEY when the config has none", async () => {
    const seen: string[] = [];
    const error = await startError(
      {},
      {
        env: { [ACCESS_KEY_ENV]: "env-key" },
        porcupine: (key) => {
          seen.push(key);
          throw new Error("AccessKey is invalid");
        },
      },
    );
    expect(seen).toEqual(["env-key"]);
    expect(error.code).toBe("wake-unavailable");
  });
});

/** A stand-in for the native engine: fires on the frame that contains sample `fireAt`. */
function fakeEngine(fireAt: number[], frames: Int16Array[] = []): PorcupineEngine {
  let seen = 0;
  return {
    frameLength: 512,
    sampleRate: 16000,
    process(frame) {
      frames.push(frame.slice());
      const start = seen;
      seen += frame.length;
      return fireAt.some((s) => s >= start && s < seen) ? 0 : -1;
    },
    release() {},
  };
}

describe("PorcupineDetector", () => {
  it("re-chunks 80 ms frames into 512-sample frames, reporting the exact end of the detecting one", async () => {
    const frames: Int16Array[] = [];
    const d = await PorcupineDetector.create({
      accessKey: KEY,
      keywords: [{ keyword: "jarvis", sensitivity: 0.6 }],
      logger: silentLogger(),
      platform: { platform: "linux", arch: "x64", cpuInfo: null },
      factory: () => fakeEngine([3000], frames),
    });
    const hits = [];
    for (let start = 0; start < 6400; start += 1280) {
      const samples = Int16Array.from({ length: 1280 }, (_, i) => (start + i) % 20000);
      const hit = await d.process({ samples, startSample: start });
      if (hit) hits.push(hit);
    }
    expect(hits).toEqual([{ wakeWord: "jarvis", score: 1, endSample: 3072 }]);
    expect(frames.map((f) => f[0])).toEqual([
      0, 512, 1024, 1536, 2048, 2560, 3072, 3584, 4096, 4608, 5120, 5632,
    ]);
    await d.dispose();
    await d.dispose();
  });

  it("refuses a keyword that is neither built in nor a .ppn file, listing the built-in ones", async () => {
    const error = await startError({ access_key: KEY, keywords: [{ keyword: "hey robot" }] });
    expect(error.code).toBe("wake-unavailable");
    expect(error.hint).toContain("bumblebee");
  });

  it("names a .ppn keyword file that does not exist", async () => {
    const error = await startError({
      access_key: KEY,
      keywords: [{ keyword: "/nonexistent/hey-robot.ppn" }],
    });
    expect(error.code).toBe("wake-unavailable");
    expect(error.message).toContain("keyword file not found: /nonexistent/hey-robot.ppn");
  });

  it("passes per-keyword sensitivities and names .ppn keywords by file name", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ev-ppn-"));
    const ppn = path.join(dir, "hey-robot_en_linux_v3_0_0.ppn");
    writeFileSync(ppn, "not a real keyword file");
    let args: unknown[] = [];
    const d = await PorcupineDetector.create({
      accessKey: KEY,
      keywords: [
        { keyword: "computer", sensitivity: 0.3 },
        { keyword: ppn, sensitivity: 0.8 },
      ],
      logger: silentLogger(),
      platform: { platform: "linux", arch: "x64", cpuInfo: null },
      factory: (...a) => {
        args = a;
        return fakeEngine([]);
      },
    });
    expect(args).toEqual([KEY, ["computer", ppn], [0.3, 0.8]]);
    expect(d.wakeWords).toEqual(["computer", "hey-robot_en_linux_v3_0_0"]);
  });
});
