import { describe, expect, it } from "vitest";
import type { IntentContext, IntentDecision } from "../../src/intent/types.js";
import type { TranscribeOptions, Transcript } from "../../src/stt/transcriber.js";
import { FakeIntent, FakeTranscriber, kitchenOn } from "../support/fake-stages.js";
import { ends, runSetup, S, types } from "../support/pipeline-setup.js";
import { waitFor } from "../support/wait-for.js";

/** Whisper that never finishes: it rejects when its signal aborts, or (`deaf`) not even then. */
class HangingTranscriber extends FakeTranscriber {
  signals: AbortSignal[] = [];
  constructor(private readonly deaf = false) {
    super();
  }
  override transcribe(_audio: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
    const signal = options.signal as AbortSignal;
    this.signals.push(signal);
    return new Promise((_, reject) => {
      if (!this.deaf) signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  }
}

/** An intent stage that never decides until its signal aborts. */
class HangingIntent extends FakeIntent {
  constructor() {
    super({});
  }
  override handle(text: string, context: IntentContext): Promise<IntentDecision> {
    this.texts.push(text);
    this.contexts.push(context);
    const signal = context.signal as AbortSignal;
    return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
  }
}

const limits = { sttSeconds: 2, intentSeconds: 3 };

describe("a run's time limits and abort signal", () => {
  it("ends the run as timeout with an stt-timeout error when Whisper passes stt's limit", async () => {
    const transcriber = new HangingTranscriber();
    const { events, timers, intent, feed } = runSetup({ transcriber, limits });
    const fed = feed(0, 6);
    await timers.waiting(2000);
    expect(events.at(-1)).toMatchObject({ type: "stt-start" });
    timers.advance(2000);
    await fed;
    expect(types(events).slice(-2)).toEqual(["error", "run-end"]);
    expect(events.at(-2)).toMatchObject({
      code: "stt-timeout",
      message: expect.stringMatching(/stt\.timeout_seconds: 2 s/),
    });
    expect(events.at(-1)).toMatchObject({ runId: "run-1", outcome: "timeout" });
    expect(transcriber.signals[0]?.aborted).toBe(true);
    expect(types(events)).not.toContain("stt-end");
    expect(intent.texts).toEqual([]);
  });

  it("ends the run on time even when the stage ignores its signal, and listens on", async () => {
    const transcriber = new HangingTranscriber(true);
    const { events, timers, wake, feed } = runSetup({ transcriber, limits });
    const fed = feed(0, 6);
    await timers.waiting(2000);
    timers.advance(2000);
    await fed;
    expect(ends(events)).toEqual([["run-1", "timeout"]]);
    expect(wake.frames).toBe(Math.ceil((6 * S) / 1280));
  });

  it("limits the intent step too (intent-timeout), and its stage sees the run's signal abort", async () => {
    const intent = new HangingIntent();
    const { pipeline, events, timers, commands } = runSetup({ intent, limits, wakeAt: [] });
    const done = pipeline.handleText("turn on the kitchen light");
    await timers.waiting(3000);
    timers.advance(3000);
    await done;
    expect(types(events)).toEqual(["run-start", "intent-start", "error", "run-end"]);
    expect(events[2]).toMatchObject({ code: "intent-timeout" });
    expect(events[3]).toMatchObject({ outcome: "timeout" });
    expect(intent.contexts[0]?.signal?.aborted).toBe(true);
    expect(commands.published).toEqual([]);
  });

  it("aborting the pipeline stops Whisper's work and ends the run as aborted, without an error", async () => {
    const transcriber = new HangingTranscriber();
    const { pipeline, events, timers, feed } = runSetup({ transcriber, limits });
    const fed = feed(0, 6);
    await timers.waiting(2000);
    pipeline.abort();
    await fed;
    expect(transcriber.signals[0]?.aborted).toBe(true);
    expect(ends(events)).toEqual([["run-1", "aborted"]]);
    expect(types(events)).not.toContain("error");
    // The time limit's timer went with the step.
    expect(timers.pendingMs()).toEqual([]);
  });

  it("hands the intent stage the run's signal, and the speculative pass stops with its run", async () => {
    const transcriber = new HangingTranscriber();
    const { pipeline, intent, timers, feed } = runSetup({ transcriber, limits, speculative: true });
    const fed = feed(0, 6);
    await timers.waiting(2000);
    // The speculative pass began in the trailing silence and was taken at the endpoint.
    expect(transcriber.signals).toHaveLength(1);
    pipeline.abort();
    await fed;
    expect(transcriber.signals[0]?.aborted).toBe(true);
    await pipeline.handleText("turn on the kitchen light");
    expect(intent.contexts[0]?.signal).toBeInstanceOf(AbortSignal);
  });
});

describe("waiting for the broker's acknowledgement", () => {
  it("does not hold up the frames: the run ends when the PUBACK comes, and finish() waits for it", async () => {
    const { pipeline, events, wake, commands, feed } = runSetup({});
    let ack: (value: "acked") => void = () => {};
    commands.delivery = new Promise((resolve) => {
      ack = resolve;
    });
    await feed(0, 6);
    expect(commands.published).toEqual([kitchenOn]);
    expect(wake.frames).toBe(Math.ceil((6 * S) / 1280));
    expect(types(events)).not.toContain("run-end");
    expect(pipeline.busy).toBe(true);
    const finished = pipeline.finish();
    ack("acked");
    await finished;
    expect(ends(events)).toEqual([["run-1", "published"]]);
    expect(pipeline.busy).toBe(false);
  });

  it("a SIGHUP during the wait swaps settings without aborting the run, whose command is out", async () => {
    const { pipeline, events, commands, feed } = runSetup({});
    let ack: (value: "acked") => void = () => {};
    commands.delivery = new Promise((resolve) => {
      ack = resolve;
    });
    await feed(0, 6);
    await pipeline.reconfigure({ speculative: true });
    ack("acked");
    await pipeline.finish();
    expect(ends(events)).toEqual([["run-1", "published"]]);
  });

  it("ends as queued after ackWaitMs on the injected timer", async () => {
    const { pipeline, events, timers, commands, feed } = runSetup({ ackWaitMs: 700 });
    commands.delivery = new Promise(() => {});
    await feed(0, 6);
    await timers.waiting(700);
    timers.advance(700);
    await pipeline.finish();
    expect(ends(events)).toEqual([["run-1", "queued"]]);
  });

  it("a wake word during the wait starts its run only once the first has ended: runs never overlap", async () => {
    const { pipeline, events, timers, wake, commands, feed } = runSetup({
      wakeAt: [1 * S, 4 * S],
      speech: [
        [1.2 * S, 2.5 * S],
        [4.2 * S, 5 * S],
      ],
    });
    commands.delivery = new Promise(() => {});
    const fed = feed(0, 8);
    const detectionFrame = Math.ceil((4 * S) / 1280);
    await waitFor(() => wake.frames >= detectionFrame, { what: "the frame with the second wake word" });
    await timers.waiting(1000);
    expect(events.filter((e) => e.type === "run-start")).toHaveLength(1);
    timers.advance(1000);
    await fed;
    const order = events.flatMap((e) =>
      e.type === "run-start" || e.type === "run-end" ? [[e.type, e.runId]] : [],
    );
    expect(order).toEqual([
      ["run-start", "run-1"],
      ["run-end", "run-1"],
      ["run-start", "run-2"],
    ]);
    expect(ends(events)).toEqual([["run-1", "queued"]]);
    expect(commands.published).toHaveLength(2);
    pipeline.abort();
    expect(ends(events)).toEqual([
      ["run-1", "queued"],
      ["run-2", "aborted"],
    ]);
  });
});

/**
 * Whisper heard a number it was not sure of (15 / 50), or a lock that may have been an
 * unlock: STT drops the text, keeping it as freeText.
 */
class UnsureTranscriber extends FakeTranscriber {
  constructor(
    private readonly why: string,
    private readonly heard: string,
  ) {
    super();
  }

  override async transcribe(audio: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
    const heard = await super.transcribe(audio, options);
    const guided = { why: this.why, ms: 1 };
    return { ...heard, text: "", source: "free", freeText: this.heard, guided };
  }
}

describe("words heard but too unsure to act on", () => {
  it.each([
    ["ambiguous-number", "Set the lamp to 15%."],
    ["ambiguous-action", "Lock the front door."],
  ])("(%s) end the run as not understood (an apology), not as silence", async (why, heard) => {
    const { events, intent, commands, feed } = runSetup({ transcriber: new UnsureTranscriber(why, heard) });
    await feed(0, 6);
    expect(intent.texts).toEqual([]);
    expect(commands.published).toEqual([]);
    expect(types(events).slice(-3)).toEqual(["stt-end", "intent-rejected", "run-end"]);
    expect(events.at(-2)).toMatchObject({ reason: "not-recognized" });
    expect(events.at(-1)).toMatchObject({ outcome: "rejected" });
  });

  it("an empty transcript without words heard stays a silent no-speech", async () => {
    const { events, feed } = runSetup({ text: "" });
    await feed(0, 6);
    expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "no-speech" });
  });
});
