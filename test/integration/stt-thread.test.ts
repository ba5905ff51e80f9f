import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Transcriber } from "../../src/stt/transcriber.js";
import { FIXTURE_HOME_PROMPT, fixtureAudio, loadTinyTranscriber } from "./stt-support.js";

/**
 * Whisper's encoder in a worker thread (stt.encoder_thread, the default) hears exactly what it
 * heard on the main thread, and the event loop, which carries the microphone's frames, keeps
 * turning while it computes.
 */
describe("stt.encoder_thread", () => {
  let threaded: Transcriber;
  let inline: Transcriber;

  beforeAll(async () => {
    threaded = await loadTinyTranscriber({ encoder_thread: true, guided: false });
    inline = await loadTinyTranscriber({ encoder_thread: false, guided: false });
  }, 240_000);

  afterAll(async () => {
    await threaded?.dispose();
    await inline?.dispose();
  });

  it("gives the same words and scores as the encoder on the main thread", async () => {
    for (const name of ["turn-on-kitchen-light", "thermostat-twenty-one"]) {
      const audio = await fixtureAudio(name);
      const a = await threaded.transcribe(audio, { prompt: FIXTURE_HOME_PROMPT });
      const b = await inline.transcribe(audio, { prompt: FIXTURE_HOME_PROMPT });
      expect(a.text).toBe(b.text);
      expect(a.avgLogprob).toBeCloseTo(b.avgLogprob, 5);
    }
  }, 120_000);

  /** Counts how many times the event loop came round (setImmediate) while `work` was running. */
  async function turnsDuring(work: Promise<unknown>): Promise<number> {
    let turns = 0;
    let done = false;
    const spin = () => {
      if (done) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    await work.finally(() => {
      done = true;
    });
    return turns;
  }

  it("leaves the event loop free while the encoder computes", async () => {
    const audio = await fixtureAudio("turn-on-kitchen-light");
    const threadedTurns = await turnsDuring(threaded.transcribe(audio, { prompt: FIXTURE_HOME_PROMPT }));
    const inlineTurns = await turnsDuring(inline.transcribe(audio, { prompt: FIXTURE_HOME_PROMPT }));
    // Inline, the loop only comes round between the decoder's token steps (a few dozen);
    // threaded, it also turns all through the encoder's hundreds of milliseconds.
    expect(threadedTurns).toBeGreaterThan(inlineTurns * 3);
  }, 120_000);
});
