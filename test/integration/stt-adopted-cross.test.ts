import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promptedSequence } from "../../src/stt/decode.js";
import { LogMelSpectrogram } from "../../src/stt/mel.js";
import type { WhisperSpec } from "../../src/stt/model-spec.js";
import type { WhisperSessions } from "../../src/stt/onnx-whisper.js";
import type { WhisperTokenizer } from "../../src/stt/tokenizer.js";
import { defaultPreparedDir, fixtureAudio, HEARING_PROMPT, loadTinySessions } from "./stt-support.js";

/**
 * A decoder that keeps the free pass's cross-attention cache (the guided searches' prompt
 * with command words, guided-second.ts withPrompt) instead of copying out its own: whisper-
 * tiny computes the same keys and values from the same encoder output, bit for bit, so every
 * logit after it is the same as with its own cache.
 */
let sessions: WhisperSessions;
let spec: WhisperSpec;
let tokenizer: WhisperTokenizer;

beforeAll(async () => {
  // As the daemon loads it: the prepared decoder (logits_from, the output layer in blocks).
  ({ sessions, spec, tokenizer } = await loadTinySessions(defaultPreparedDir()));
});

afterAll(async () => {
  await sessions?.dispose();
});

describe("a decoder over the free pass's cross-attention cache", () => {
  it("gives the logits of one with its own, and shares the free pass's cache object", async () => {
    const audio = await fixtureAudio("timer-five-minutes");
    const features = new LogMelSpectrogram(spec.mel).compute(audio);
    const hidden = await sessions.encode(features, spec.mel.featureSize, spec.mel.nbMaxFrames);
    const device = tokenizer.encode(` ${HEARING_PROMPT}`);
    const free = sessions.decoder(hidden);
    await free.step(promptedSequence(spec, "en", device), { lastRowOnly: true });
    const freeCross = free.caches()?.cross;
    expect(freeCross?.size).toBeGreaterThan(0);

    const ending = promptedSequence(spec, "en", [...device, ...tokenizer.encode(" Turn on, set, start.")]);
    const own = sessions.decoder(hidden);
    const adopted = sessions.decoder(hidden, freeCross);
    const ownFirst = await own.step(ending, { lastRowOnly: true });
    const adoptedFirst = await adopted.step(ending, { lastRowOnly: true });
    expect(adoptedFirst.logits).toEqual(ownFirst.logits);
    expect(adopted.caches()?.cross).toBe(freeCross);

    // The cross cache the fresh decoder computed is the free pass's, value for value.
    for (const [name, tensor] of own.caches()?.cross ?? []) {
      expect(tensor.data).toEqual(freeCross?.get(name)?.data);
    }
    // So are the cached steps after it.
    const next = tokenizer.encode(" Set")[0] as number;
    expect((await adopted.step([next])).logits).toEqual((await own.step([next])).logits);
  });
});
