import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { inspectWav, readWav16kMono } from "../../../src/audio/wav.js";
import { encodeWav } from "../../../src/audio/wav-writer.js";
import { EdgeVoiceError } from "../../../src/errors.js";
import { buildWav, int16Bytes, tempDir } from "./helpers.js";

const tmp = tempDir("wav-decode");
afterAll(() => tmp.remove());

function file(name: string, bytes: Buffer): string {
  const path = tmp.path(name);
  writeFileSync(path, bytes);
  return path;
}

async function refusal(path: string): Promise<EdgeVoiceError> {
  const error = await readWav16kMono(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EdgeVoiceError);
  return error as EdgeVoiceError;
}

/** Every refusal: code wav-invalid, the file named, what is wrong, and the conversion command. */
async function expectInvalid(path: string, problem: RegExp): Promise<void> {
  const error = await refusal(path);
  expect(error.code).toBe("wav-invalid");
  expect(error.message).toContain(path);
  expect(error.message).toMatch(problem);
  expect(error.hint).toContain("sox in.wav -r 16000 -c 1 -b 16 out.wav");
}

const SAMPLES = [0, 1000, -1000, 32767, -32768, 42];
const pcm16 = int16Bytes(SAMPLES);

/** A WAVE_FORMAT_EXTENSIBLE fmt body with the given sub-format GUID head and tail. */
function extensibleFmt(
  subFormat: number,
  tail = [0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71],
) {
  const fmt = Buffer.alloc(40);
  fmt.writeUInt16LE(0xfffe, 0);
  fmt.writeUInt16LE(1, 2);
  fmt.writeUInt32LE(16000, 4);
  fmt.writeUInt32LE(32000, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  fmt.writeUInt16LE(22, 16);
  fmt.writeUInt16LE(16, 18);
  fmt.writeUInt32LE(4, 20);
  fmt.writeUInt16LE(subFormat, 24);
  Buffer.from(tail).copy(fmt, 26);
  return fmt;
}

describe("readWav16kMono: the container", () => {
  it("reads 16 kHz mono s16 as it is", async () => {
    const { samples, format } = await readWav16kMono(file("plain.wav", buildWav({ data: pcm16 })));
    expect(Array.from(samples)).toEqual(SAMPLES);
    expect(format).toEqual({ sampleRate: 16000, channels: 1, bitsPerSample: 16, encoding: "pcm" });
  });

  it("skips LIST and other chunks before data, honouring the pad byte of odd-sized chunks", async () => {
    const bytes = buildWav({
      data: pcm16,
      before: [
        ["LIST", Buffer.from("INFOISFT\x03\x00\x00\x00ab\x00")], // 15 bytes: padded to 16
        ["junk", Buffer.from([1, 2, 3])], // 3 bytes: padded to 4
      ],
    });
    const { samples } = await readWav16kMono(file("list.wav", bytes));
    expect(Array.from(samples)).toEqual(SAMPLES);
  });

  it.each([
    ["0", 0],
    ["0xFFFFFFFF", 0xffffffff],
    ["0x80000000 (arecord to a pipe)", 0x80000000],
    ["0x7FFFFFFF", 0x7fffffff],
  ])("reads a data size of %s (streaming writers) as 'to the end of the file'", async (_, size) => {
    const { samples } = await readWav16kMono(
      file(`stream-${size}.wav`, buildWav({ data: pcm16, dataSize: size })),
    );
    expect(Array.from(samples)).toEqual(SAMPLES);
  });

  it("stops at the declared data size (chunks after data are not audio) and drops a partial sample frame", async () => {
    const trailing = Buffer.concat([
      int16Bytes([7]),
      Buffer.from([0x55]),
      Buffer.from("LIST\x04\x00\x00\x00abcd"),
    ]);
    const bytes = buildWav({ data: Buffer.concat([pcm16, trailing]), dataSize: pcm16.length + 3 });
    const { samples } = await readWav16kMono(file("trailing.wav", bytes));
    expect(Array.from(samples)).toEqual([...SAMPLES, 7]);
  });

  it("scales 8-bit unsigned, 24-bit and 32-bit samples to s16", async () => {
    const u8 = Buffer.from([0, 128, 255, 64]);
    expect(
      Array.from((await readWav16kMono(file("u8.wav", buildWav({ bitsPerSample: 8, data: u8 })))).samples),
    ).toEqual([-32768, 0, 32512, -16384]);
    const s24 = Buffer.from([0xff, 0xff, 0x7f, 0x00, 0x00, 0x80, 0x00, 0x40, 0x00, 0x00, 0x80, 0x00]);
    const s24Out = (await readWav16kMono(file("s24.wav", buildWav({ bitsPerSample: 24, data: s24 }))))
      .samples;
    expect(Array.from(s24Out)).toEqual([32767, -32768, 64, 128]);
    const s32 = Buffer.alloc(8);
    s32.writeInt32LE(0x40000000, 0);
    s32.writeInt32LE(-0x80000000, 4);
    const s32Out = (await readWav16kMono(file("s32.wav", buildWav({ bitsPerSample: 32, data: s32 }))))
      .samples;
    expect(Array.from(s32Out)).toEqual([16384, -32768]);
  });

  it("clips float samples beyond full scale instead of wrapping", async () => {
    const f32 = Buffer.alloc(12);
    f32.writeFloatLE(1.5, 0);
    f32.writeFloatLE(-2, 4);
    f32.writeFloatLE(0.25, 8);
    const bytes = buildWav({ formatTag: 3, bitsPerSample: 32, data: f32 });
    expect(Array.from((await readWav16kMono(file("f32.wav", bytes))).samples)).toEqual([32767, -32768, 8192]);
  });

  it("reads WAVE_FORMAT_EXTENSIBLE PCM", async () => {
    const { samples } = await readWav16kMono(
      file("ext.wav", buildWav({ fmtBody: extensibleFmt(1), data: pcm16 })),
    );
    expect(Array.from(samples)).toEqual(SAMPLES);
  });

  it("round-trips encodeWav", async () => {
    const input = new Int16Array([1, -2, 3, 32767, -32768]);
    const path = file("written.wav", encodeWav(input));
    expect((await readWav16kMono(path)).samples).toEqual(input);
    const at8k = await readWav16kMono(file("written-8k.wav", encodeWav(new Int16Array(800), 8000)));
    expect(at8k.format.sampleRate).toBe(8000);
    expect(at8k.samples.length).toBe(1600);
  });

  it("inspectWav reports the format without converting, and refuses the same way", async () => {
    const path = file("inspect.wav", buildWav({ sampleRate: 44100, channels: 2, data: pcm16 }));
    expect(await inspectWav(path)).toEqual({
      sampleRate: 44100,
      channels: 2,
      bitsPerSample: 16,
      encoding: "pcm",
    });
    await expect(inspectWav(file("inspect-bad.wav", Buffer.from("nope")))).rejects.toMatchObject({
      code: "wav-invalid",
    });
    await expect(inspectWav(tmp.path("inspect-missing.wav"))).rejects.toMatchObject({
      code: "input-unreadable",
    });
  });

  it("returns no samples for a WAV with an empty data chunk at the end of the file", async () => {
    expect(
      (await readWav16kMono(file("empty-data.wav", buildWav({ data: Buffer.alloc(0) })))).samples.length,
    ).toBe(0);
  });
});

describe("readWav16kMono: refusals", () => {
  it("a missing file or a directory is input-unreadable, naming the path", async () => {
    for (const path of [tmp.path("nope.wav"), tmp.dir]) {
      const error = await refusal(path);
      expect(error.code).toBe("input-unreadable");
      expect(error.message).toContain(path);
    }
  });

  it.each<[string, Buffer, RegExp]>([
    ["empty", Buffer.alloc(0), /not a WAV file: the file is empty/],
    [
      "text",
      Buffer.from("hello, this is not audio at all"),
      /not a WAV file: it does not start with "RIFF....WAVE"/,
    ],
    ["mp3", Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00 mp3 frames"), /not a WAV file: it is an MP3 file/],
    ["flac", Buffer.from("fLaC\x00\x00\x00\x22............"), /it is a FLAC file/],
    ["ogg", Buffer.from("OggS\x00\x02............"), /it is an Ogg/],
    ["rifx", Buffer.from("RIFX\x00\x00\x00\x24WAVEfmt "), /big-endian RIFX/],
    ["rf64", Buffer.from("RF64\xff\xff\xff\xffWAVEds64"), /RF64 \(64-bit WAV\) files are not supported/],
    ["avi", Buffer.from("RIFF\x00\x00\x00\x00AVI LIST"), /a RIFF file of type "AVI ", not WAVE/],
    ["short header", Buffer.from("RIFF\x24\x00\x00"), /truncated: the file ends inside its header/],
  ])("not a WAV: %s", async (name, bytes, problem) => {
    await expectInvalid(file(`not-${name}.wav`, bytes), problem);
  });

  it.each<[string, () => Buffer, RegExp]>([
    [
      "mu-law",
      () => buildWav({ formatTag: 7, bitsPerSample: 8, data: Buffer.alloc(8) }),
      /unsupported encoding: mu-law \(format 0x0007\); only PCM and float/,
    ],
    [
      "A-law",
      () => buildWav({ formatTag: 6, bitsPerSample: 8, data: Buffer.alloc(8) }),
      /unsupported encoding: A-law \(format 0x0006\)/,
    ],
    [
      "MP3 in WAV",
      () => buildWav({ formatTag: 0x55, bitsPerSample: 0, blockAlign: 1, data: Buffer.alloc(8) }),
      /unsupported encoding: MP3 \(format 0x0055\)/,
    ],
    [
      "IMA ADPCM",
      () => buildWav({ formatTag: 0x11, bitsPerSample: 4, blockAlign: 256, data: Buffer.alloc(8) }),
      /IMA ADPCM/,
    ],
    [
      "unknown codec",
      () => buildWav({ formatTag: 0x1234, data: pcm16 }),
      /unsupported encoding: format 0x1234/,
    ],
    [
      "extensible mu-law",
      () => buildWav({ fmtBody: extensibleFmt(7), data: pcm16 }),
      /unsupported encoding: mu-law/,
    ],
    [
      "extensible, foreign GUID",
      () => buildWav({ fmtBody: extensibleFmt(1, Array(14).fill(7)), data: pcm16 }),
      /unknown sub-format GUID/,
    ],
    [
      "extensible, short fmt",
      () => buildWav({ fmtBody: extensibleFmt(1).subarray(0, 18), data: pcm16 }),
      /WAVE_FORMAT_EXTENSIBLE "fmt " chunk of only 18 bytes/,
    ],
    [
      "16-bit float",
      () => buildWav({ formatTag: 3, bitsPerSample: 16, data: pcm16 }),
      /unsupported sample format: 16-bit float/,
    ],
    [
      "12-byte integer samples",
      () => buildWav({ bitsPerSample: 96, data: Buffer.alloc(24) }),
      /unsupported sample format: 96-bit integer/,
    ],
    [
      "0 channels",
      () => buildWav({ channels: 0, blockAlign: 2, data: pcm16 }),
      /corrupt: the header says 0 channels/,
    ],
    ["rate 0", () => buildWav({ sampleRate: 0, data: pcm16 }), /a sample rate of 0 Hz/],
    [
      "block align mismatch",
      () => buildWav({ channels: 2, blockAlign: 3, data: pcm16 }),
      /block align 3 does not fit 2 channel\(s\) of 16-bit samples/,
    ],
    [
      "fmt too short",
      () => buildWav({ fmtBody: Buffer.alloc(14), data: pcm16 }),
      /"fmt " chunk is 14 bytes, at least 16/,
    ],
    [
      "data before fmt",
      () =>
        Buffer.concat([
          Buffer.from("RIFF\x00\x00\x00\x00WAVE"),
          Buffer.from("data\x04\x00\x00\x00\x00\x00\x00\x00"),
        ]),
      /"data" chunk comes before the "fmt " chunk/,
    ],
    ["no data chunk", () => buildWav({ data: pcm16 }).subarray(0, 36), /no "data" chunk/],
    ["no fmt chunk", () => Buffer.from("RIFF\x04\x00\x00\x00WAVEjunk\x00\x00\x00\x00"), /no "fmt " chunk/],
    [
      "cut inside fmt",
      () => buildWav({ data: pcm16 }).subarray(0, 30),
      /truncated: the file ends inside its "fmt " chunk/,
    ],
    [
      "cut inside LIST",
      () => buildWav({ data: pcm16, before: [["LIST", Buffer.alloc(100)]] }).subarray(0, 80),
      /ends inside its "LIST" chunk/,
    ],
    [
      "cut inside data",
      () => buildWav({ data: pcm16 }).subarray(0, 48),
      /truncated: the data chunk declares 12 bytes of audio but only 4 are in the file/,
    ],
  ])("corrupt or non-PCM: %s", async (name, make, problem) => {
    await expectInvalid(file(`bad-${name.replace(/\W+/g, "-")}.wav`, make()), problem);
  });
});
