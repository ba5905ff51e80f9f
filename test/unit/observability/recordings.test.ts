import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeWav16kMono } from "../../../src/audio/wav.js";
import { RecordingWriter } from "../../../src/observability/recordings.js";

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "edge-voice-rec-"));
});
afterEach(() => {
  chmodSync(tmp, 0o700);
  rmSync(tmp, { recursive: true, force: true });
});

function logs() {
  const lines: Array<{ level: string; msg: string }> = [];
  const logger = {
    warn: (a: unknown, b?: string) =>
      lines.push({ level: "warn", msg: typeof a === "string" ? a : (b ?? "") }),
    debug: (a: unknown) => lines.push({ level: "debug", msg: String(a) }),
  } as never;
  return { lines, logger };
}

describe("RecordingWriter", () => {
  it("is off unless debug.recordings_dir is set", () => {
    expect(RecordingWriter.fromConfig({ recordings_dir: null, recordings_max_files: 10 })).toBeNull();
  });

  it("says in the log at start that recording is on", () => {
    const { lines, logger } = logs();
    RecordingWriter.fromConfig({ recordings_dir: path.join(tmp, "rec"), recordings_max_files: 10 }, logger);
    expect(lines).toEqual([{ level: "warn", msg: expect.stringMatching(/debug recordings are ON/) }]);
  });

  it("writes one private 16 kHz WAV per run that decodes to the same samples", async () => {
    let second = 0;
    const writer = new RecordingWriter({
      dir: path.join(tmp, "rec"),
      maxFiles: 10,
      now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, second++)),
    });
    const samples = Int16Array.from({ length: 1600 }, (_, i) => Math.round(Math.sin(i / 5) * 8000));
    const file = await writer.write("run/1", samples);
    expect(path.basename(file ?? "")).toBe("2026-01-02T03-04-00-000Z_run_1.wav");
    expect(statSync(file ?? "").mode & 0o777).toBe(0o600);
    expect(statSync(path.join(tmp, "rec")).mode & 0o777).toBe(0o700);
    const decoded = await decodeWav16kMono(readFileSync(file ?? ""), "rec");
    expect(decoded.format.sampleRate).toBe(16_000);
    expect(decoded.samples).toEqual(samples);
  });

  it("keeps only the newest recordings_max_files", async () => {
    let second = 0;
    const dir = path.join(tmp, "rec");
    const writer = new RecordingWriter({
      dir,
      maxFiles: 3,
      now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, second++)),
    });
    writeFileSync(path.join(dir, "notes.txt"), "mine"); // not a recording: left alone
    for (let i = 0; i < 5; i++) await writer.write(`r${i}`, new Int16Array(10));
    expect(readdirSync(dir).sort()).toEqual([
      "2026-01-01T00-00-02-000Z_r2.wav",
      "2026-01-01T00-00-03-000Z_r3.wav",
      "2026-01-01T00-00-04-000Z_r4.wav",
      "notes.txt",
    ]);
  });

  it("fails at start with a config error when the directory cannot be written", () => {
    const file = path.join(tmp, "a-file");
    writeFileSync(file, "");
    expect(() => new RecordingWriter({ dir: path.join(file, "rec"), maxFiles: 1 })).toThrow(
      expect.objectContaining({ code: "config-invalid", exitCode: 78 }),
    );
  });

  it("never throws when a write fails later, and warns once", async () => {
    const { lines, logger } = logs();
    const dir = path.join(tmp, "rec");
    const writer = new RecordingWriter({ dir, maxFiles: 5, logger });
    rmSync(dir, { recursive: true });
    writeFileSync(dir, "the directory went away and a file took its place"); // ENOTDIR, even for root
    expect(await writer.write("r1", new Int16Array(10))).toBeNull();
    expect(await writer.write("r2", new Int16Array(10))).toBeNull();
    expect(lines.filter((l) => l.level === "warn").map((l) => l.msg)).toHaveLength(2); // start + first failure
  });
});
