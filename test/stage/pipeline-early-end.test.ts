import { describe, expect, it } from "vitest";
import type { IntentDecision } from "../../src/intent/types.js";
import type { TranscribeOptions, Transcript } from "../../src/stt/transcriber.js";
import {
  FakeIntent,
  FakeTranscriber,
  frameGap,
  kitchenOn,
  quietListening,
  silentFrames,
} from "../support/fake-stages.js";
import { runSetup, S } from "../support/pipeline-setup.js";

const execute: IntentDecision = { kind: "execute", intent: kitchenOn, ms: 1 };

/**
 * A guided transcript the templates understood (confident, -0.2 per token), held back until
 * `release()`: the speculative pass comes back when the test says, as a slow Whisper would.
 */
class HeldTranscriber extends FakeTranscriber {
  #release: () => void = () => {};
  readonly #gate = new Promise<void>((resolve) => {
    this.#release = resolve;
  });
  release(): void {
    this.#release();
  }
  override async transcribe(audio: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
    const transcript = await super.transcribe(audio, options);
    await this.#gate;
    return { ...transcript, source: "free", freeText: transcript.text, guided: { why: "understood", ms: 0 } };
  }
}

/** An intent stage whose sentence space says every text is a whole command. */
class WholeIntent extends FakeIntent {
  transcriptGuide() {
    return { isWhole: () => true } as never;
  }
}

/** Speech 1.2-2.5 s after a wake word at 1 s; the early endpoint after 0.3 s of silence. */
function setup(awaitRunSteps = false) {
  const transcriber = new HeldTranscriber();
  const run = runSetup({
    transcriber,
    intent: new WholeIntent({ "turn on the kitchen light": execute }),
    endpointer: { ...quietListening().endpointer, earlyEndSeconds: 0.3 },
    speculative: true,
    awaitRunSteps,
  });
  /** Feeds 80 ms frames up to `seconds` of input, a turn of the event loop after each. */
  const feedTo = async (seconds: number) => {
    for (const frame of silentFrames(seconds)) {
      await run.pipeline.process(frame);
      await frameGap();
    }
  };
  const ended = () => run.events.find((e) => e.type === "stt-vad-end") as { audioMs: number } | undefined;
  return { ...run, transcriber, feedTo, ended };
}

describe("early endpoint when the speculative pass comes back between frames", () => {
  it("ends the command as the pass settles, once the silence already lasted early_endpoint_seconds", async () => {
    const { transcriber, feedTo, ended, events } = setup();
    // 0.46 s of silence fed (speech ended at 2.5 s): past the early endpoint, short of the 0.7 s.
    await feedTo(2.96);
    expect(ended()).toBeUndefined();
    transcriber.release();
    for (let i = 0; i < 5; i++) await frameGap();
    // No frame after the pass: the end is dated where speech stopped, and the command goes out.
    expect(ended()?.audioMs).toBeGreaterThanOrEqual(2468);
    expect(ended()?.audioMs).toBeLessThan(2550);
    expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "published" });
    expect(transcriber.calls).toHaveLength(1);
  });

  it("waits for the silence when the pass settles before it lasted early_endpoint_seconds", async () => {
    const { transcriber, feedTo, ended, pipeline } = setup();
    await feedTo(2.64);
    transcriber.release();
    for (let i = 0; i < 5; i++) await frameGap();
    expect(ended()).toBeUndefined();
    // The frame that takes the silence to 0.3 s ends it (2.5 + 0.3, to within a frame).
    let fed = 2.64;
    for (const frame of silentFrames(3.2, 2.64 * S)) {
      await pipeline.process(frame);
      await frameGap();
      fed = (frame.startSample + frame.samples.length) / S;
      if (ended()) break;
    }
    expect(fed).toBeGreaterThanOrEqual(2.8);
    expect(fed).toBeLessThan(2.95);
  });

  it("with input read as fast as it comes (frames wait for the run's steps), the next frame ends it", async () => {
    const { transcriber, feedTo, ended, pipeline, events } = setup(true);
    await feedTo(2.96);
    transcriber.release();
    for (let i = 0; i < 5; i++) await frameGap();
    expect(ended()).toBeUndefined();
    await pipeline.process({ samples: new Int16Array(1280), startSample: 2.96 * S });
    expect(ended()?.audioMs).toBeLessThan(2550);
    expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "published" });
  });
});
