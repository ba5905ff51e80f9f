import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWav16kMono } from "../../src/audio/wav.js";
import { encodeWav } from "../../src/audio/wav-writer.js";
import { isEdgeVoiceError } from "../../src/errors.js";
import { sox, soxSamples } from "../support/sox.js";
import { rms, snrDb, tempDir } from "../unit/audio/helpers.js";

/**
 * WAV decoding + down-mix + resampling against sox's own conversion
 * (`sox in.wav -r 16000 -c 1 -b 16 ref.wav`) of files sox made at test time.
 *
 * The master signal keeps every component out of the band where two good resamplers may
 * legitimately differ (the last ~10% below 8 kHz, where libsamplerate's passband ends at
 * 7.2 kHz and sox's at 7.6 kHz): left = a 100-3300 Hz sweep plus an 11 kHz tone that must
 * be filtered out (aliased, it would land at 5 kHz at full level), right = 700 + 2500 Hz.
 * A wrong down-mix (one channel), a wrong sample scale, a misaligned or aliasing resampler
 * each cost tens of dB, so the thresholds (measured: ~79 dB, 49 dB for 8-bit input, whose
 * own noise fills the whole band) catch them.
 */
const tmp = tempDir("wav-convert");
const EDGE = 1600; // 0.1 s at each end: filters start and end differently

beforeAll(() => {
  const master = (name: string) => tmp.path(name);
  sox(
    "-n",
    "-r",
    "48000",
    "-c",
    "1",
    "-b",
    "32",
    "-e",
    "floating-point",
    master("left.wav"),
    "synth",
    "3",
    "sine",
    "100-3300",
    "sine",
    "11000",
    "remix",
    "-",
    "gain",
    "-6",
  );
  sox(
    "-n",
    "-r",
    "48000",
    "-c",
    "1",
    "-b",
    "32",
    "-e",
    "floating-point",
    master("right.wav"),
    "synth",
    "3",
    "sine",
    "700",
    "sine",
    "2500",
    "remix",
    "-",
    "gain",
    "-6",
  );
  sox("-M", master("left.wav"), master("right.wav"), master("master.wav"));
});
afterAll(() => tmp.remove());

interface Case {
  name: string;
  /** sox output options for the test input, from the master. */
  make: string[];
  format: { sampleRate: number; channels: number; bitsPerSample: number; encoding: "pcm" | "float" };
  minSnrDb: number;
}

const cases: Case[] = [
  {
    name: "8 kHz mono 16-bit (upsampling)",
    make: ["-r", "8000", "-c", "1", "-b", "16"],
    format: { sampleRate: 8000, channels: 1, bitsPerSample: 16, encoding: "pcm" },
    minSnrDb: 65,
  },
  {
    name: "44.1 kHz stereo 16-bit",
    make: ["-r", "44100", "-c", "2", "-b", "16"],
    format: { sampleRate: 44100, channels: 2, bitsPerSample: 16, encoding: "pcm" },
    minSnrDb: 65,
  },
  {
    name: "48 kHz stereo 24-bit (WAVE_FORMAT_EXTENSIBLE)",
    make: ["-r", "48000", "-c", "2", "-b", "24"],
    format: { sampleRate: 48000, channels: 2, bitsPerSample: 24, encoding: "pcm" },
    minSnrDb: 65,
  },
  {
    name: "48 kHz mono 24-bit (plain WAVE_FORMAT_PCM header)",
    make: ["-t", "wavpcm", "-r", "48000", "-c", "1", "-b", "24"],
    format: { sampleRate: 48000, channels: 1, bitsPerSample: 24, encoding: "pcm" },
    minSnrDb: 65,
  },
  {
    name: "22.05 kHz mono 32-bit float",
    make: ["-r", "22050", "-c", "1", "-b", "32", "-e", "floating-point"],
    format: { sampleRate: 22050, channels: 1, bitsPerSample: 32, encoding: "float" },
    minSnrDb: 65,
  },
  {
    name: "32 kHz stereo 32-bit integer",
    make: ["-r", "32000", "-c", "2", "-b", "32", "-e", "signed-integer"],
    format: { sampleRate: 32000, channels: 2, bitsPerSample: 32, encoding: "pcm" },
    minSnrDb: 65,
  },
  {
    name: "11.025 kHz mono 8-bit unsigned",
    make: ["-r", "11025", "-c", "1", "-b", "8", "-e", "unsigned-integer"],
    format: { sampleRate: 11025, channels: 1, bitsPerSample: 8, encoding: "pcm" },
    minSnrDb: 40,
  },
  {
    name: "44.1 kHz 6-channel 64-bit float",
    make: ["-r", "44100", "-c", "6", "-b", "64", "-e", "floating-point"],
    format: { sampleRate: 44100, channels: 6, bitsPerSample: 64, encoding: "float" },
    minSnrDb: 65,
  },
  {
    name: "16 kHz stereo 16-bit (down-mix only)",
    make: ["-r", "16000", "-c", "2", "-b", "16"],
    format: { sampleRate: 16000, channels: 2, bitsPerSample: 16, encoding: "pcm" },
    minSnrDb: 65,
  },
];

describe("readWav16kMono against sox", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const input = tmp.path(`${c.name.replace(/\W+/g, "-")}.wav`);
      const ref = `${input}.ref.wav`;
      sox(tmp.path("master.wav"), ...c.make, input);
      sox(input, "-r", "16000", "-c", "1", "-b", "16", ref);
      const reference = soxSamples(ref);

      const { samples, format } = await readWav16kMono(input);

      expect(format).toEqual(c.format);
      expect(Math.abs(samples.length - reference.length)).toBeLessThanOrEqual(1);
      const snr = snrDb(samples, reference, EDGE);
      if (process.env.PRINT_SNR) console.log(`${c.name}: ${snr.toFixed(1)} dB`);
      expect(snr).toBeGreaterThanOrEqual(c.minSnrDb);
    });
  }

  it("16 kHz mono 16-bit is returned bit-exact", async () => {
    const input = tmp.path("internal.wav");
    sox(tmp.path("master.wav"), "-r", "16000", "-c", "1", "-b", "16", input);
    const { samples } = await readWav16kMono(input);
    expect(samples).toEqual(soxSamples(input));
  });

  it("converts speech (espeak-ng, 22.05 kHz) like sox, exactly so below 7 kHz", async () => {
    // Real speech has some energy between 7.2 and 8 kHz, where the two filters differ by
    // design: the full band agrees to ~35 dB, the band below 7 kHz (both sides low-passed
    // by sox) to ~67 dB.
    const input = tmp.path("speech.wav");
    execFileSync("espeak-ng", [
      "-v",
      "en-us",
      "-s",
      "150",
      "-w",
      input,
      "Turn on the kitchen light and set the thermostat to twenty one degrees",
    ]);
    const ref = tmp.path("speech-ref.wav");
    sox(input, "-r", "16000", "-c", "1", "-b", "16", ref);
    const ours = tmp.path("speech-ours.wav");
    writeFileSync(ours, encodeWav((await readWav16kMono(input)).samples));
    expect(snrDb(soxSamples(ours), soxSamples(ref), EDGE)).toBeGreaterThanOrEqual(30);
    sox(ours, tmp.path("ours-lp.wav"), "sinc", "-7000");
    sox(ref, tmp.path("ref-lp.wav"), "sinc", "-7000");
    const passband = snrDb(soxSamples(tmp.path("ours-lp.wav")), soxSamples(tmp.path("ref-lp.wav")), EDGE);
    expect(passband).toBeGreaterThanOrEqual(60);
  });

  it("reads espeak-ng --stdout output, whose data size is the 0x7FFFF000 placeholder", async () => {
    const input = tmp.path("espeak-stdout.wav");
    writeFileSync(input, execFileSync("espeak-ng", ["--stdout", "-v", "en-us", "turn on the light"]));
    const { samples, format } = await readWav16kMono(input);
    expect(format.sampleRate).toBe(22050);
    const ref = tmp.path("espeak-stdout-ref.wav");
    sox(input, "-r", "16000", "-c", "1", "-b", "16", ref);
    const reference = soxSamples(ref);
    expect(Math.abs(samples.length - reference.length)).toBeLessThanOrEqual(1);
    expect(snrDb(samples, reference, EDGE)).toBeGreaterThanOrEqual(30);
  });

  it("removes content above 8 kHz instead of folding it back (anti-aliasing)", async () => {
    // A lone 11 kHz tone: after conversion only filter ripple may remain.
    const input = tmp.path("tone11k.wav");
    sox("-n", "-r", "44100", "-c", "1", "-b", "16", input, "synth", "2", "sine", "11000", "gain", "-3");
    const { samples } = await readWav16kMono(input);
    const level = rms(samples, EDGE, samples.length - EDGE) / (32768 * Math.SQRT1_2 * 10 ** (-3 / 20));
    expect(20 * Math.log10(level)).toBeLessThan(-60);
  });
});

describe("readWav16kMono on WAVs sox encodes", () => {
  it.each([
    ["mu-law", "mu-law"],
    ["a-law", "A-law"],
  ])("refuses a %s WAV by name", async (encoding, name) => {
    const source = tmp.path(`src-${encoding}.wav`);
    writeFileSync(source, encodeWav(new Int16Array(1600)));
    const path = tmp.path(`sox-${encoding}.wav`);
    sox(source, "-e", encoding, path);
    const error = await readWav16kMono(path).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isEdgeVoiceError(error) && error.code).toBe("wav-invalid");
    expect((error as Error).message).toMatch(new RegExp(`unsupported encoding: ${name}`));
  });
});
