import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UTTERANCES } from "../../../scripts/hearing-utterances.js";
import type { ManifestEntry } from "../../../scripts/make-hearing-fixtures.js";
import { inspectWav, readWav16kMono } from "../../../src/audio/wav.js";

// The committed subset of the hearing fixtures (scripts/make-hearing-fixtures.ts --committed):
// its manifest must describe exactly the files beside it, so it cannot rot.
const DIR = "test/fixtures/wav/hearing";
const manifest = JSON.parse(readFileSync(path.join(DIR, "manifest.json"), "utf8")) as ManifestEntry[];

describe("committed hearing fixtures", () => {
  it("lists every WAV in the folder, and only those", () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith(".wav"));
    expect(manifest.map((e) => e.file).sort()).toEqual(files.sort());
  });

  it("holds a few voices, every condition, out-of-grammar clips and clips said without a pause", () => {
    expect(new Set(manifest.map((e) => e.voice)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(manifest.map((e) => e.condition))).toEqual(new Set(["clean", "noisy", "reverb"]));
    expect(manifest.filter((e) => e.expect === "reject").length).toBeGreaterThanOrEqual(2);
    expect(manifest.filter((e) => e.noPause).length).toBeGreaterThanOrEqual(2);
  });

  it.each(manifest.map((e) => [e.file, e] as const))(
    "%s: 16 kHz mono s16, as the manifest says",
    async (file, entry) => {
      const format = await inspectWav(path.join(DIR, file));
      expect(format).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16, encoding: "pcm" });
      const { samples } = await readWav16kMono(path.join(DIR, file));
      expect(Math.abs((samples.length / 16000) * 1000 - entry.durationMs)).toBeLessThanOrEqual(1);
      expect(entry.speechEndMs).toBeLessThan(entry.durationMs);
      // The text and expectation are today's for that utterance.
      const utterance = UTTERANCES.find((u) => u.text === entry.text);
      expect(utterance, entry.text).toBeDefined();
      expect(entry.expect).toEqual(utterance?.expect ?? "reject");
    },
  );
});
