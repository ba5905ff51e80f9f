import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { int16ToFloat32 } from "../../src/audio/format.js";
import { readWav16kMono } from "../../src/audio/wav.js";
import type { Transcriber } from "../../src/stt/transcriber.js";
import { fixtureAudio, loadTinyTranscriber, normalise } from "./stt-support.js";

/**
 * Language detection and non-ASCII text with the multilingual whisper-tiny: a German
 * command spoken by espeak-ng (installed with the test tools, as for scripts/make-fixtures.sh).
 */
let dir: string;
let german: Float32Array;
let stt: Transcriber;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "stt-lang-"));
  const raw = path.join(dir, "raw.wav");
  const wav = path.join(dir, "de.wav");
  execFileSync("espeak-ng", [
    "-v",
    "de",
    "-s",
    "140",
    "-w",
    raw,
    "Schalte bitte das Licht in der Küche ein.",
  ]);
  execFileSync("sox", [raw, "-r", "16000", "-c", "1", "-b", "16", wav]);
  german = int16ToFloat32((await readWav16kMono(wav)).samples);
  stt = await loadTinyTranscriber({ language: "auto" });
});

afterAll(async () => {
  await stt?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("language", () => {
  it("detects German and decodes its non-ASCII letters", async () => {
    const result = await stt.transcribe(german);
    expect(result.language).toBe("de");
    // whisper-tiny hears "Schaut damit das Licht in der Küche ein." or "... in den Kühlschrank ..."
    // (the int8 encoder is that sensitive): either way the ü must come out whole.
    expect(result.text).toMatch(/Licht/);
    expect(result.text).toMatch(/Kü/);
    expect(result.text).not.toMatch(/\uFFFD/);
  });

  it("detects English on an English command", async () => {
    const result = await stt.transcribe(await fixtureAudio("turn-on-kitchen-light"));
    expect(result.language).toBe("en");
    expect(normalise(result.text)).toBe("turn on the kitchen light");
  });
});
