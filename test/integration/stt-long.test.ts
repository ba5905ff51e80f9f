import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { KvDecoder } from "../../src/stt/kv-decoder.js";
import { WhisperSessions } from "../../src/stt/onnx-whisper.js";
import type { AudioReader, Transcriber } from "../../src/stt/transcriber.js";
import { arrayReader } from "../../src/stt/windows.js";
import { concat, fixtureAudio, loadTinyTranscriber, normalise } from "./stt-support.js";

describe("Whisper on audio longer than a window (edge-voice transcribe on a long file)", () => {
  let stt: Transcriber;
  let audio: Float32Array;

  beforeAll(async () => {
    stt = await loadTinyTranscriber();
    const command = await fixtureAudio("turn-on-kitchen-light");
    const gap = (seconds: number) => new Float32Array(Math.round(seconds * 16_000));
    // Three windows of 29.6 s: the command in the first and in the third.
    audio = concat(gap(1), command, gap(60), command, gap(1));
  }, 60_000);
  afterAll(async () => {
    await stt?.dispose();
    vi.restoreAllMocks();
  });

  it("read a window at a time, the transcript is the one of the audio in memory", async () => {
    const reads: number[] = [];
    const memory = arrayReader(audio);
    const reader: AudioReader = {
      samples: audio.length,
      read: (count) => {
        reads.push(count);
        return memory.read(count);
      },
    };
    const streamed = await stt.transcribeFrom?.(reader);
    const whole = await stt.transcribe(audio);
    expect(reads).toEqual([473_600, 473_600, 473_600]);
    expect(streamed).toEqual({ ...whole, encodeMs: streamed?.encodeMs, decodeMs: streamed?.decodeMs });
    expect(normalise(whole.text)).toBe("turn on the kitchen light turn on the kitchen light");
  }, 60_000);

  it("keeps no window's decoder caches once the next window is decoded", async () => {
    const decoders: KvDecoder[] = [];
    const make = WhisperSessions.prototype.decoder;
    vi.spyOn(WhisperSessions.prototype, "decoder").mockImplementation(function (
      this: WhisperSessions,
      ...args
    ) {
      const decoder = make.apply(this, args);
      decoders.push(decoder);
      return decoder;
    });
    await stt.transcribe(audio);
    expect(decoders).toHaveLength(3);
    expect(decoders.map((d) => d.caches())).toEqual([null, null, null]);
  }, 60_000);
});
