import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { type AudioFrame, FRAME_SAMPLES } from "../../../src/audio/format.js";
import { RAW_FORMAT, sniffStdin } from "../../../src/audio/stdin-format.js";
import { StdinSource } from "../../../src/audio/stdin-source.js";
import { decodeWav16kMono } from "../../../src/audio/wav.js";
import { EdgeVoiceError } from "../../../src/errors.js";
import { buildWav } from "./helpers.js";

/** Feeds bytes in odd-sized pieces (the header split across several) and collects the frames. */
function sourceFor(): { source: StdinSource; stream: PassThrough } {
  const stream = new PassThrough();
  return { source: new StdinSource(stream), stream };
}

async function run(bytes: Buffer): Promise<{ frames: AudioFrame[]; source: StdinSource }> {
  const { source, stream } = sourceFor();
  const frames: AudioFrame[] = [];
  const done = (async () => {
    for await (const frame of source.frames(new AbortController().signal)) frames.push(frame);
  })().then(
    () => undefined,
    (error: unknown) => error,
  );
  for (let at = 0, size = 3; at < bytes.length; at += size, size = (size * 5 + 7) % 4099) {
    stream.write(bytes.subarray(at, at + size));
    await new Promise((r) => setImmediate(r));
  }
  stream.end();
  const error = await done;
  if (error) throw error;
  return { frames, source };
}

function tone(frames: number, channels: number, rate: number): Buffer {
  const out = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++)
    for (let c = 0; c < channels; c++)
      out.writeInt16LE(
        Math.round(9000 * Math.sin((2 * Math.PI * (400 + 300 * c) * i) / rate)),
        (i * channels + c) * 2,
      );
  return out;
}

describe("sniffStdin", () => {
  const wav = buildWav({
    sampleRate: 44100,
    channels: 2,
    data: Buffer.alloc(40),
    before: [["LIST", Buffer.alloc(9)]],
  });

  it("takes anything that does not start with RIFF as raw s16le 16 kHz mono", () => {
    expect(sniffStdin(Buffer.from([1, 2, 3, 4, 5]), false)).toEqual({ headerBytes: 0, format: RAW_FORMAT });
    expect(sniffStdin(Buffer.from([1, 2]), false)).toBeUndefined();
    expect(sniffStdin(Buffer.from([1, 2]), true)).toEqual({ headerBytes: 0, format: RAW_FORMAT });
  });

  it("waits for a WAV header to be complete, then says where the audio starts", () => {
    const dataOffset = wav.length - 40;
    for (const cut of [4, 11, 20, 40, dataOffset - 1])
      expect(sniffStdin(wav.subarray(0, cut), false), `${cut}`).toBeUndefined();
    expect(sniffStdin(wav.subarray(0, dataOffset), false)).toEqual({
      headerBytes: dataOffset,
      format: { sampleRate: 44100, channels: 2, bitsPerSample: 16, encoding: "pcm" },
    });
  });

  it("refuses a stream that ends inside its header, and WAVs that are not 16-bit PCM", () => {
    expect(() => sniffStdin(wav.subarray(0, 30), true)).toThrow(
      /stdin: truncated: the input ended inside its WAV header/,
    );
    const float = buildWav({ formatTag: 3, bitsPerSample: 32, data: Buffer.alloc(8) });
    const error = (() => {
      try {
        sniffStdin(float, false);
      } catch (e) {
        return e as EdgeVoiceError;
      }
    })();
    expect(error).toBeInstanceOf(EdgeVoiceError);
    expect(error?.code).toBe("wav-invalid");
    expect(error?.message).toMatch(/stdin: a 32-bit float WAV; on stdin only 16-bit PCM WAV/);
    expect(error?.hint).toMatch(/--input FILE.wav/);
    expect(() => sniffStdin(buildWav({ bitsPerSample: 24, data: Buffer.alloc(6) }), false)).toThrow(
      /24-bit integer WAV/,
    );
    expect(() =>
      sniffStdin(buildWav({ formatTag: 7, bitsPerSample: 8, data: Buffer.alloc(6) }), false),
    ).toThrow(/mu-law/);
  });
});

describe("StdinSource with a WAV stream", () => {
  it("skips the header of a 16 kHz mono WAV (as arecord writes without -t raw), placeholder size and all", async () => {
    const audio = tone(FRAME_SAMPLES * 2 + 10, 1, 16000);
    const { frames, source } = await run(buildWav({ data: audio, dataSize: 0x80000000 }));
    expect(frames.map((f) => [f.startSample, f.samples.length])).toEqual([
      [0, FRAME_SAMPLES],
      [FRAME_SAMPLES, FRAME_SAMPLES],
      [2 * FRAME_SAMPLES, 10],
    ]);
    const samples = frames.flatMap((f) => Array.from(f.samples));
    expect(Buffer.from(Int16Array.from(samples).buffer)).toEqual(audio);
    expect(source.info.inputFormat).toEqual(RAW_FORMAT);
  });

  it("converts a 44.1 kHz stereo WAV stream like the file path does", async () => {
    const wav = buildWav({ sampleRate: 44100, channels: 2, data: tone(44100, 2, 44100) });
    const { frames, source } = await run(wav);
    const streamed = frames.flatMap((f) => Array.from(f.samples));
    const file = (await decodeWav16kMono(wav, "same.wav")).samples;
    expect(streamed.length).toBe(file.length);
    let worst = 0;
    for (let i = 0; i < file.length; i++)
      worst = Math.max(worst, Math.abs((streamed[i] as number) - (file[i] as number)));
    expect(worst).toBeLessThanOrEqual(2);
    expect(source.info.inputFormat).toEqual({
      sampleRate: 44100,
      channels: 2,
      bitsPerSample: 16,
      encoding: "pcm",
    });
  });

  it("refuses a 24-bit WAV stream before any frame", async () => {
    await expect(run(buildWav({ bitsPerSample: 24, data: Buffer.alloc(3 * 4000) }))).rejects.toMatchObject({
      code: "wav-invalid",
    });
  });

  it("still reads raw audio shorter than a header", async () => {
    const { frames } = await run(Buffer.from([5, 0, 6]));
    expect(frames.map((f) => Array.from(f.samples))).toEqual([[5]]);
  });
});
