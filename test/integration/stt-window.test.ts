import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WhisperSessions } from "../../src/stt/onnx-whisper.js";
import type { Transcriber } from "../../src/stt/transcriber.js";
import { concat, fixtureAudio, loadTinyTranscriber, normalise } from "./stt-support.js";

describe("Whisper with a 10 s encoder window (stt.encoder_window_seconds = 10)", () => {
  let stt: Transcriber;

  beforeAll(async () => {
    stt = await loadTinyTranscriber({ encoder_window_seconds: 10 });
  }, 60_000);
  afterAll(async () => {
    await stt?.dispose();
    vi.restoreAllMocks();
  });

  it("transcribes a short command in the short window", async () => {
    const encode = vi.spyOn(WhisperSessions.prototype, "encode");
    const result = await stt.transcribe(await fixtureAudio("turn-on-kitchen-light"));
    expect(encode.mock.calls.map((call) => call[2])).toEqual([1000]);
    expect(normalise(result.text)).toBe("turn on the kitchen light");
  }, 30_000);

  it("falls back to the 30 s window for a command longer than 10 s, without truncating it", async () => {
    const encode = vi.spyOn(WhisperSessions.prototype, "encode");
    encode.mockClear();
    const command = await fixtureAudio("turn-on-kitchen-light");
    const result = await stt.transcribe(concat(new Float32Array(10 * 16_000), command));
    expect(encode.mock.calls.map((call) => call[2])).toEqual([3000]);
    expect(normalise(result.text)).toBe("turn on the kitchen light");
  }, 30_000);
});
