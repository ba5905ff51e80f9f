import { describe, expect, it } from "vitest";
import type { TranscribeOptions, Transcript } from "../../src/stt/transcriber.js";
import { FakeTranscriber, kitchenOn } from "../support/fake-stages.js";
import { ends, runSetup, S, types } from "../support/pipeline-setup.js";
import { waitFor } from "../support/wait-for.js";

/** Whisper that answers only when the test says so, as a slow one on a busy board. */
class HeldTranscriber extends FakeTranscriber {
  #release: Array<() => void> = [];
  override async transcribe(audio: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
    await new Promise<void>((resolve) => this.#release.push(resolve));
    return super.transcribe(audio, options);
  }
  get waiting(): number {
    return this.#release.length;
  }
  release(): void {
    for (const resolve of this.#release.splice(0)) resolve();
  }
}

/**
 * Keeping up with the microphone: once a command has ended, its STT, intent and act steps run
 * off the frame path, so frames keep being heard while Whisper works instead of queueing behind it.
 */
describe("a run after its command's end", () => {
  it("lets frames flow while Whisper works, and acts once it answers", async () => {
    const transcriber = new HeldTranscriber();
    const { pipeline, events, wake, commands, feed } = runSetup({ transcriber });
    await feed(0, 8);
    // Every frame of the 8 s was listened to although Whisper has not answered.
    expect(wake.frames).toBe(Math.ceil((8 * S) / 1280));
    expect(transcriber.waiting).toBe(1);
    expect(types(events)).not.toContain("stt-end");
    expect(pipeline.busy).toBe(true);
    transcriber.release();
    await pipeline.finish();
    expect(commands.published).toEqual([kitchenOn]);
    expect(ends(events)).toEqual([["run-1", "published"]]);
  });

  it("starts a wake word's run heard meanwhile only once the first run has ended: runs never overlap", async () => {
    const transcriber = new HeldTranscriber();
    const { pipeline, events, wake, feed } = runSetup({
      transcriber,
      wakeAt: [1 * S, 4.5 * S],
      speech: [
        [1.2 * S, 2.5 * S],
        [4.7 * S, 5.5 * S],
      ],
    });
    const fed = feed(0, 9);
    await waitFor(() => wake.frames >= Math.ceil((4.5 * S) / 1280), { what: "the second wake word's frame" });
    expect(events.filter((e) => e.type === "run-start")).toHaveLength(1);
    transcriber.release();
    await waitFor(() => transcriber.waiting === 1, { what: "the second run's STT" });
    transcriber.release();
    await fed;
    await pipeline.finish();
    const order = events.flatMap((e) => (e.type === "run-start" || e.type === "run-end" ? [e.type] : []));
    expect(order).toEqual(["run-start", "run-end", "run-start", "run-end"]);
    expect(ends(events)).toEqual([
      ["run-1", "published"],
      ["run-2", "published"],
    ]);
  });

  it("a SIGHUP while Whisper works lets the command finish before the swap", async () => {
    const transcriber = new HeldTranscriber();
    const { pipeline, events, commands, feed } = runSetup({ transcriber });
    await feed(0, 6);
    const reloaded = pipeline.reconfigure({ speculative: true });
    transcriber.release();
    await reloaded;
    await pipeline.finish();
    expect(commands.published).toEqual([kitchenOn]);
    expect(ends(events)).toEqual([["run-1", "published"]]);
  });

  it("with input faster than real time (a file), frames wait for the run's steps, as on an infinitely fast board", async () => {
    const transcriber = new HeldTranscriber();
    const { pipeline, events, wake, feed } = runSetup({ transcriber, awaitRunSteps: true });
    const fed = feed(0, 8);
    await waitFor(() => transcriber.waiting === 1, { what: "the run's STT" });
    const heldAt = wake.frames;
    // Other frames are not heard while Whisper works: they wait, in order.
    await new Promise((resolve) => setImmediate(resolve));
    expect(wake.frames).toBe(heldAt);
    expect(heldAt).toBeLessThan(Math.ceil((8 * S) / 1280));
    transcriber.release();
    await fed;
    await pipeline.finish();
    expect(wake.frames).toBe(Math.ceil((8 * S) / 1280));
    expect(ends(events)).toEqual([["run-1", "published"]]);
  });
});
