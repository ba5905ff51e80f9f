import { truncateSync, writeFileSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { int16ToFloat32 } from "../../../src/audio/format.js";
import { decodeWav16kMono, readWavLayoutSync } from "../../../src/audio/wav.js";
import { WavAudioReader } from "../../../src/audio/wav-reader.js";
import { buildWav, tempDir } from "./helpers.js";

const tmp = tempDir("wav-reader");
afterAll(() => tmp.remove());
afterEach(() => vi.restoreAllMocks());

/** Whisper's window after its 0.4 s lead-in: what `edge-voice transcribe` asks for at a time. */
const WINDOW = 480_000 - 6_400;

/** Every read of any open file: its length in bytes, and the handles read (`fd` -1 once closed). */
async function spyOnFileReads(file: string): Promise<{ sizes: number[]; handles: Set<FileHandle> }> {
  const probe = await open(file, "r");
  const proto = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => Promise<unknown> };
  await probe.close();
  const sizes: number[] = [];
  const handles = new Set<FileHandle>();
  const read = proto.read;
  vi.spyOn(proto, "read").mockImplementation(function (this: FileHandle, ...args: unknown[]) {
    sizes.push(typeof args[2] === "number" ? args[2] : (args[0] as Buffer).length);
    handles.add(this);
    return read.apply(this, args);
  });
  return { sizes, handles };
}

describe("WavAudioReader", () => {
  it("gives readWav16kMono's samples bit for bit, in pieces of any size, for a 44.1 kHz stereo file", async () => {
    const frames = 44_100 * 3 + 123;
    const data = Buffer.alloc(frames * 4);
    for (let i = 0; i < frames; i++) {
      data.writeInt16LE(Math.round(8000 * Math.sin(i / 17)), i * 4);
      data.writeInt16LE(Math.round(6000 * Math.sin(i / 5)), i * 4 + 2);
    }
    const file = tmp.path("stereo44.wav");
    const bytes = buildWav({ channels: 2, sampleRate: 44_100, data });
    writeFileSync(file, bytes);
    const whole = int16ToFloat32((await decodeWav16kMono(bytes, file)).samples);
    const reader = new WavAudioReader(file, readWavLayoutSync(file));
    expect(reader.samples).toBe(whole.length);
    const pieces: Float32Array[] = [];
    for (const count of [7_000, 20_001, 1, 100_000]) pieces.push(await reader.read(count));
    await reader.close();
    expect(pieces.map((p) => p.length)).toEqual([7_000, 20_001, 1, whole.length - 27_002]);
    expect(Array.from(pieces.flatMap((p) => Array.from(p)))).toEqual(Array.from(whole));
    expect((await reader.read(10)).length).toBe(0);
  });

  it("a 2-hour file: one window reads about a window of the file, in bounded blocks, never the file", async () => {
    const file = tmp.path("two-hours.wav");
    const dataBytes = 2 * 3600 * 16_000 * 2;
    const header = buildWav({ data: Buffer.alloc(0), dataSize: dataBytes });
    writeFileSync(file, header);
    truncateSync(file, header.length + dataBytes); // sparse: costs no disk
    const layout = readWavLayoutSync(file);
    const { sizes } = await spyOnFileReads(file);
    const reader = new WavAudioReader(file, layout);
    expect(reader.samples).toBe(2 * 3600 * 16_000);
    const first = await reader.read(WINDOW);
    const second = await reader.read(WINDOW);
    await reader.close();
    expect([first.length, second.length]).toEqual([WINDOW, WINDOW]);
    const read = sizes.reduce((a, b) => a + b, 0);
    // Two windows of 16-bit samples and at most one block beyond; blocks of 64 kB.
    expect(read).toBeGreaterThanOrEqual(2 * WINDOW * 2);
    expect(read).toBeLessThanOrEqual(2 * WINDOW * 2 + 65_536);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(65_536);
  });

  it("reads nothing until asked, and closes the file when closed", async () => {
    const file = tmp.path("short.wav");
    writeFileSync(file, buildWav({ data: Buffer.alloc(32_000) }));
    const { sizes, handles } = await spyOnFileReads(file);
    const reader = new WavAudioReader(file, readWavLayoutSync(file));
    expect(sizes).toEqual([]);
    expect((await reader.read(WINDOW)).length).toBe(16_000);
    const [handle] = handles;
    expect(handle?.fd).toBeGreaterThan(0);
    await reader.close();
    await reader.close();
    expect(sizes).toEqual([32_000]);
    expect(handle?.fd).toBe(-1);
  });

  it("a file that got shorter after its header was checked is refused as truncated", async () => {
    const file = tmp.path("shrunk.wav");
    writeFileSync(file, buildWav({ data: Buffer.alloc(200_000) }));
    const reader = new WavAudioReader(file, readWavLayoutSync(file));
    truncateSync(file, 1_000);
    await expect(reader.read(WINDOW)).rejects.toMatchObject({
      code: "wav-invalid",
      message: `${file}: truncated: the file got shorter while it was read`,
    });
    await reader.close();
  });
});
