import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preparedModelsDir, stateDir } from "../../src/config/paths.js";
import { type Config, configSchema } from "../../src/config/schema.js";
import { ModelStore } from "../../src/models/store.js";
import { createTranscriber } from "../../src/stt/create.js";
import { silentLogger } from "../../src/util/logger.js";
import { runCli } from "../support/cli.js";
import { flattenLargestWeight } from "../support/onnx-damage.js";
import { COMMANDS_DIR, fixtureAudio, normalise } from "./stt-support.js";

let root: string;
let goodDir: string;
let corruptModels: string;
let brokenDir: string;

/** Copies whisper-tiny's files (wherever the store finds them) into `dir`, in the manifest's layout. */
async function copyTiny(dir: string): Promise<void> {
  const { paths } = await new ModelStore({ modelsDir: "models", cacheFile: null }).verify("whisper-tiny");
  for (const [name, from] of Object.entries(paths)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    copyFileSync(from, path.join(dir, name));
  }
}

/** Where the daemon would keep this config's prepared models. */
function prepared(config: Config): string {
  return preparedModelsDir(stateDir(config.state_dir));
}

function flipByte(file: string, offset: number): void {
  const fd = openSync(file, "r+");
  try {
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, offset);
    byte[0] = (byte[0] as number) ^ 0xff;
    writeSync(fd, byte, 0, 1, offset);
  } finally {
    closeSync(fd);
  }
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "stt-model-"));
  goodDir = path.join(root, "my-whisper");
  await copyTiny(goodDir);
  // A models directory whose whisper-tiny encoder has one byte changed (same size, same name).
  corruptModels = path.join(root, "models");
  await copyTiny(path.join(corruptModels, "whisper-tiny"));
  flipByte(path.join(corruptModels, "whisper-tiny", "onnx", "encoder_model_quantized.onnx"), 4096);
  // A model directory (unpinned) whose encoder loads but computes nonsense.
  brokenDir = path.join(root, "broken-whisper");
  await copyTiny(brokenDir);
  flattenLargestWeight(path.join(brokenDir, "onnx", "encoder_model_quantized.onnx"));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("model files", () => {
  it("refuses a whisper-tiny file with one byte changed (sha256 pin), exit 78", async () => {
    const store = new ModelStore({ modelsDir: corruptModels, cacheFile: null });
    const loading = createTranscriber(configSchema.parse({}).stt, store, silentLogger(), {
      preparedDir: null,
    });
    await expect(loading).rejects.toMatchObject({ code: "model-corrupt", exitCode: 78 });
    await expect(loading).rejects.toThrow(/encoder_model_quantized\.onnx/);
  });

  it("loads a model directory given by path (unpinned), keeps its prepared files, and transcribes the same from them", async () => {
    const stateDir = path.join(root, "state-prepared");
    const config = configSchema.parse({ stt: { model: goodDir }, state_dir: stateDir });
    const store = new ModelStore({ modelsDir: "models", cacheFile: null });
    let kept: string[] | undefined;
    for (const load of ["prepared now", "from the kept files"]) {
      const stt = await createTranscriber(config.stt, store, silentLogger(), {
        preparedDir: prepared(config),
      });
      try {
        const result = await stt.transcribe(await fixtureAudio("turn-on-kitchen-light"));
        expect(normalise(result.text), load).toBe("turn on the kitchen light");
      } finally {
        await stt.dispose();
        await stt.dispose(); // idempotent
      }
      await expect(stt.transcribe(new Float32Array(16_000))).rejects.toMatchObject({ code: "stt-failed" });
      // The encoder and the decoder, edited (the pinned files stay as they are), written once.
      const files = readdirSync(path.join(stateDir, "prepared"))
        .filter((n) => n.endsWith(".onnx"))
        .map((n) => `${n} ${statSync(path.join(stateDir, "prepared", n)).mtimeMs}`);
      expect(files).toHaveLength(2);
      kept ??= files;
      expect(files).toEqual(kept);
    }
  });

  it("refuses to start when Whisper mishears its self-test clip even with the portable kernels, exit 78", async () => {
    const config = configSchema.parse({
      stt: { model: brokenDir },
      state_dir: path.join(root, "state-broken"),
    });
    const loading = createTranscriber(
      config.stt,
      new ModelStore({ modelsDir: "models", cacheFile: null }),
      silentLogger(),
      { preparedDir: prepared(config) },
    );
    await expect(loading).rejects.toMatchObject({
      code: "stt-self-test-failed",
      exitCode: 78,
      message: expect.stringMatching(/mishears on this CPU .*"turn on the kitchen light" came back as/),
    });
  });

  it("starts a broken model only when the self-test is turned off", async () => {
    const config = configSchema.parse({
      stt: { model: brokenDir, self_test: false },
      state_dir: path.join(root, "state-broken"),
    });
    const stt = await createTranscriber(
      config.stt,
      new ModelStore({ modelsDir: "models", cacheFile: null }),
      silentLogger(),
      { preparedDir: prepared(config) },
    );
    try {
      const result = await stt.transcribe(await fixtureAudio("turn-on-kitchen-light"));
      expect(normalise(result.text)).not.toBe("turn on the kitchen light");
    } finally {
      await stt.dispose();
    }
  });

  it("refuses a language the model does not know, naming the setting", async () => {
    const config = configSchema.parse({ stt: { language: "xx" } });
    await expect(
      createTranscriber(
        config.stt,
        new ModelStore({ modelsDir: "models", cacheFile: null }),
        silentLogger(),
        {
          preparedDir: null,
        },
      ),
    ).rejects.toMatchObject({ code: "config-invalid", message: expect.stringMatching(/stt\.language/) });
  });
});

describe("edge-voice transcribe", () => {
  const env = () => ({ EDGE_VOICE_STATE_DIR: path.join(root, "state") });

  it("prints one JSON object with the documented fields", async () => {
    const result = await runCli(
      ["transcribe", `${COMMANDS_DIR}/turn-off-living-room-lamp.wav`, "--json"],
      env(),
    );
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0] as string);
    const always = ["audioMs", "avgLogprob", "decodeMs", "encodeMs", "language", "noSpeechProb", "text"];
    // Guided decoding (stt.guided, on by default): which text was chosen and the scores; the
    // guided pass's own fields only when it ran (the free text was not understood).
    const guided = ["source", "freeText", "score", "freeScore"];
    const whenGuidedRan = ["margin", "guidedText", "guidedScore", "guidedWhy", "guidedMs"];
    expect(Object.keys(out)).toEqual(expect.arrayContaining([...always, ...guided]));
    expect([...always, ...guided, ...whenGuidedRan]).toEqual(expect.arrayContaining(Object.keys(out)));
    expect(normalise(out.text)).toBe("turn off the living room lamp");
    expect(out.language).toBe("en");
    expect(out.audioMs).toBeGreaterThan(2000);
  });

  it("prints the text, or an empty line for silence", async () => {
    const silence = path.join(root, "silence.wav");
    writeFileSync(silence, wavBytes(new Int16Array(16_000)));
    const quiet = await runCli(["transcribe", silence], env());
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toBe("\n");
    const spoken = await runCli(
      ["transcribe", `${COMMANDS_DIR}/turn-on-kitchen-light.wav`, "--no-prompt"],
      env(),
    );
    expect(spoken.code, spoken.stderr).toBe(0);
    expect(normalise(spoken.stdout)).toBe("turn on the kitchen light");
  });

  it("exits 78 with a hint when the model is corrupt, and 2 without a file", async () => {
    const config = path.join(root, "config.yaml");
    writeFileSync(config, `models:\n  dir: ${corruptModels}\n`);
    const corrupt = await runCli(
      ["transcribe", `${COMMANDS_DIR}/lock-front-door.wav`, "--config", config],
      env(),
    );
    expect(corrupt.code).toBe(78);
    expect(corrupt.stderr).toMatch(/corrupt/);
    expect(corrupt.stderr).toMatch(/hint:/);
    const usage = await runCli(["transcribe"], env());
    expect(usage.code).toBe(2);
  });

  it("names a file that is not a WAV", async () => {
    const bogus = path.join(root, "not-a.wav");
    writeFileSync(bogus, "hello");
    const result = await runCli(["transcribe", bogus], env());
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/not-a\.wav/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

/** A 16 kHz mono s16 WAV file's bytes. */
function wavBytes(samples: Int16Array): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVEfmt ", 8, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16_000, 24);
  header.writeUInt32LE(32_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
