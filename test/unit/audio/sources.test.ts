import { truncateSync, writeFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { type AudioFrame, FRAME_SAMPLES } from "../../../src/audio/format.js";
import { MicrophoneSource } from "../../../src/audio/microphone-source.js";
import { openAudioSource } from "../../../src/audio/open-source.js";
import type { AudioSource } from "../../../src/audio/source.js";
import { StdinSource } from "../../../src/audio/stdin-source.js";
import type { Sleep } from "../../../src/audio/timing.js";
import { decodeWav16kMono } from "../../../src/audio/wav.js";
import { WavFileSource } from "../../../src/audio/wav-file-source.js";
import { encodeWav } from "../../../src/audio/wav-writer.js";
import { configSchema } from "../../../src/config/schema.js";
import { EdgeVoiceError } from "../../../src/errors.js";
import { silentLogger } from "../../../src/util/logger.js";
import { buildWav, tempDir } from "./helpers.js";

const tmp = tempDir("sources");
afterAll(() => tmp.remove());

async function collect(source: AudioSource, signal = new AbortController().signal): Promise<AudioFrame[]> {
  const frames: AudioFrame[] = [];
  for await (const frame of source.frames(signal)) frames.push(frame);
  return frames;
}

function ramp(length: number): Int16Array {
  return Int16Array.from({ length }, (_, i) => (i * 7) % 30000);
}

/** A fake clock that only moves when the code under test sleeps. */
function fakeTime() {
  let now = 1000;
  const sleeps: number[] = [];
  const sleep: Sleep = async (ms) => {
    sleeps.push(ms);
    now += ms;
  };
  return { clock: () => now, sleep, sleeps, advance: (ms: number) => (now += ms) };
}

describe("WavFileSource", () => {
  const length = FRAME_SAMPLES * 3 + 500;
  const path = tmp.path("ramp.wav");
  writeFileSync(path, encodeWav(ramp(length)));

  it("yields the file's frames with exact start samples, the last one partial", async () => {
    const source = new WavFileSource(path);
    const frames = await collect(source);
    expect(frames.map((f) => [f.startSample, f.samples.length])).toEqual([
      [0, FRAME_SAMPLES],
      [FRAME_SAMPLES, FRAME_SAMPLES],
      [2 * FRAME_SAMPLES, FRAME_SAMPLES],
      [3 * FRAME_SAMPLES, 500],
    ]);
    expect(frames.flatMap((f) => Array.from(f.samples))).toEqual(Array.from(ramp(length)));
    expect(source.info).toMatchObject({
      kind: "file",
      name: path,
      inputFormat: { sampleRate: 16000, channels: 1 },
    });
  });

  it("does not sleep unless realtime", async () => {
    const time = fakeTime();
    await collect(new WavFileSource(path, { sleep: time.sleep, clock: time.clock }));
    expect(time.sleeps).toEqual([]);
  });

  it("paces frames at real time against the start, absorbing time the consumer spent", async () => {
    const time = fakeTime();
    const source = new WavFileSource(path, { realtime: true, sleep: time.sleep, clock: time.clock });
    const handed: number[] = [];
    for await (const frame of source.frames(new AbortController().signal)) {
      handed.push(time.clock() - 1000);
      if (frame.startSample === FRAME_SAMPLES) time.advance(30); // a slow consumer: 30 ms of work
    }
    // Each frame is handed out when its last sample "has been spoken": 80, 160, 240, 271.25 ms.
    expect(handed).toEqual([80, 160, 240, 271.25]);
    expect(time.sleeps).toEqual([80, 80, 50, 31.25]);
  });

  it("stops at an abort, also in the middle of a realtime wait", async () => {
    const controller = new AbortController();
    const sleep: Sleep = async () => controller.abort();
    const frames = await collect(
      new WavFileSource(path, { realtime: true, sleep, clock: () => 0 }),
      controller.signal,
    );
    expect(frames).toEqual([]);
  });

  it("refuses a corrupt or missing file when created, before any frame", () => {
    const bad = tmp.path("bad.wav");
    writeFileSync(bad, "not audio");
    expect(() => new WavFileSource(bad)).toThrow(expect.objectContaining({ code: "wav-invalid" }));
    expect(() => new WavFileSource(tmp.path("missing.wav"))).toThrow(
      expect.objectContaining({ code: "input-unreadable" }),
    );
  });

  it("knows the input's format before iterating", () => {
    const stereo = tmp.path("stereo-44k.wav");
    writeFileSync(stereo, buildWav({ sampleRate: 44100, channels: 2, data: Buffer.alloc(400) }));
    expect(new WavFileSource(stereo).info.inputFormat).toEqual({
      sampleRate: 44100,
      channels: 2,
      bitsPerSample: 16,
      encoding: "pcm",
    });
  });
});

describe("StdinSource", () => {
  it("frames raw s16le arriving in chunks split at odd bytes, ending with the partial frame", async () => {
    const samples = ramp(FRAME_SAMPLES * 2 + 77);
    const bytes = Buffer.from(samples.buffer);
    const stream = new PassThrough();
    const source = new StdinSource(stream);
    const done = collect(source);
    for (let at = 0, size = 1; at < bytes.length; at += size, size = (size * 3 + 1) % 1001) {
      stream.write(bytes.subarray(at, at + size));
      await new Promise((r) => setImmediate(r));
    }
    stream.end();
    const frames = await done;
    expect(frames.map((f) => [f.startSample, f.samples.length])).toEqual([
      [0, FRAME_SAMPLES],
      [FRAME_SAMPLES, FRAME_SAMPLES],
      [2 * FRAME_SAMPLES, 77],
    ]);
    expect(frames.flatMap((f) => Array.from(f.samples))).toEqual(Array.from(samples));
  });

  it("ends at an abort even when no more data comes", async () => {
    const stream = new PassThrough();
    const controller = new AbortController();
    const source = new StdinSource(stream);
    const done = collect(source, controller.signal);
    stream.write(Buffer.alloc(FRAME_SAMPLES * 2));
    await new Promise((r) => setImmediate(r));
    controller.abort();
    const frames = await done;
    expect(frames).toHaveLength(1);
  });

  it("leaves the stream open after an abort, so a new source can go on reading it", async () => {
    const stream = new PassThrough();
    const first = new AbortController();
    const done = collect(new StdinSource(stream), first.signal);
    stream.write(Buffer.alloc(FRAME_SAMPLES * 2, 1));
    await new Promise((r) => setImmediate(r));
    first.abort();
    expect(await done).toHaveLength(1);
    expect(stream.destroyed).toBe(false);
    const again = collect(new StdinSource(stream));
    stream.end(Buffer.alloc(FRAME_SAMPLES * 2, 2));
    const frames = await again;
    expect(frames.map((f) => [f.startSample, f.samples[0]])).toEqual([[0, 0x0202]]);
  });

  it("reports a failing stream as input-unreadable", async () => {
    const stream = new PassThrough();
    const done = collect(new StdinSource(stream));
    stream.destroy(new Error("EIO: i/o error"));
    await expect(done).rejects.toMatchObject({
      code: "input-unreadable",
      message: expect.stringContaining("EIO"),
    });
  });
});

describe("openAudioSource", () => {
  const audio = configSchema.parse({}).audio;
  const logger = silentLogger();

  it("chooses the source from --input", () => {
    expect(openAudioSource({ audio, logger })).toBeInstanceOf(MicrophoneSource);
    expect(openAudioSource({ input: "-", audio, logger, stdin: new PassThrough() })).toBeInstanceOf(
      StdinSource,
    );
    const wav = tmp.path("chosen.wav");
    writeFileSync(wav, encodeWav(new Int16Array(10)));
    const file = openAudioSource({ input: wav, realtime: true, audio, logger });
    expect(file).toBeInstanceOf(WavFileSource);
    expect(file.info).toMatchObject({ kind: "file", name: wav });
    expect(() => openAudioSource({ input: tmp.path("none.wav"), audio, logger })).toThrow(
      expect.objectContaining({ code: "input-unreadable" }),
    );
  });

  it("refuses to read audio from a terminal", () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    expect(() => openAudioSource({ input: "-", audio, logger, stdin: tty })).toThrow(EdgeVoiceError);
    expect(() => openAudioSource({ input: "-", audio, logger, stdin: tty })).toThrow(/stdin is a terminal/);
  });

  it("names the microphone by device and resolved recorder", () => {
    const mic = openAudioSource({
      audio: { ...audio, device: "plughw:CARD=Device,DEV=0", recorder: "arecord" },
      logger,
    });
    expect(mic.info.name).toBe("plughw:CARD=Device,DEV=0 (arecord)");
  });
});

describe("WavFileSource streams the file (issue 13 item 12)", () => {
  it("gives the samples decodeWav16kMono gives, bit for bit, for a 44.1 kHz stereo file", async () => {
    const frames = 44_100 * 3 + 123;
    const data = Buffer.alloc(frames * 4);
    for (let i = 0; i < frames; i++) {
      data.writeInt16LE(Math.round(8000 * Math.sin(i / 17)), i * 4);
      data.writeInt16LE(Math.round(6000 * Math.sin(i / 5)), i * 4 + 2);
    }
    const file = tmp.path("stereo44.wav");
    const bytes = buildWav({ channels: 2, sampleRate: 44_100, data });
    writeFileSync(file, bytes);
    const streamed = (await collect(new WavFileSource(file))).flatMap((f) => Array.from(f.samples));
    const whole = (await decodeWav16kMono(bytes, file)).samples;
    expect(streamed.length).toBe(whole.length);
    expect(streamed).toEqual(Array.from(whole));
  });

  it("a 2-hour file is not read whole: the first frames come without holding 230 MB", async () => {
    const file = tmp.path("two-hours.wav");
    const dataBytes = 2 * 3600 * 16_000 * 2;
    const header = buildWav({ data: Buffer.alloc(0), dataSize: dataBytes });
    writeFileSync(file, header);
    truncateSync(file, header.length + dataBytes); // sparse: costs no disk
    const before = process.memoryUsage().arrayBuffers;
    const source = new WavFileSource(file);
    const abort = new AbortController();
    let taken = 0;
    for await (const _frame of source.frames(abort.signal)) if (++taken === 50) abort.abort();
    expect(taken).toBe(50);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50_000_000);
  });
});
