import { describe, expect, it } from "vitest";
import type { Arbitration, ArbitrationDecision, WakeClaim } from "../../src/pipeline/arbitration.js";
import { kitchenOn } from "../support/fake-stages.js";
import { runSetup, types } from "../support/pipeline-setup.js";
import { waitFor } from "../support/wait-for.js";

/** An arbitration the test decides by hand: each claim waits until `decide` is called. */
class HandArbitration implements Arbitration {
  readonly group = "home";
  readonly claims: WakeClaim[] = [];
  #pending: Array<(decision: ArbitrationDecision) => void> = [];
  claim(claim: WakeClaim): Promise<ArbitrationDecision> {
    this.claims.push(claim);
    return new Promise((resolve) => this.#pending.push(resolve));
  }
  decide(won: boolean): void {
    const winner = won ? "kitchen" : "hallway";
    const claims = [
      { site: "kitchen", score: 0.99, level: 20 },
      { site: "hallway", score: 0.99, level: won ? 10 : 30 },
    ];
    for (const resolve of this.#pending.splice(0))
      resolve({ won, reason: won ? "best" : "outranked", winner, claims, late: [], ms: 200 });
  }
}

/** The run's pipeline of fakes (support/pipeline-setup.ts) in a rooms group decided by `arbitration`. */
function setup(arbitration: Arbitration | null) {
  const run = runSetup();
  run.pipeline.rooms.set(arbitration);
  return run;
}

describe("pipeline with rooms arbitration", () => {
  it("claims at the wake word with its score and level, keeps transcribing, and acts once it won", async () => {
    const arbitration = new HandArbitration();
    const { events, commands, transcriber, feed } = setup(arbitration);
    await feed(0, 1.5);
    // Said at the wake word, so the earcon waits for the decision (feedback).
    expect(events.find((e) => e.type === "wake_word-end")).toMatchObject({ arbitrated: true });
    expect(arbitration.claims).toEqual([
      { runId: "run-1", wakeWord: "hey_jarvis", score: 0.99, level: 0, dbfs: -96, audioMs: 1040 },
    ]);
    // The decision is not in yet when the command has been transcribed: the act step waits for it.
    const fed = feed(1.5, 6);
    await waitFor(() => events.some((e) => e.type === "stt-end"), { what: "the command transcribed" });
    expect(transcriber.calls).toHaveLength(1);
    expect(commands.published).toEqual([]);
    arbitration.decide(true);
    await fed;
    await waitFor(() => events.some((e) => e.type === "run-end"), { what: "the run's end" });
    expect(commands.published).toEqual([kitchenOn]);
    expect(types(events)).toEqual([
      "run-start",
      "wake_word-end",
      "stt-vad-start",
      "stt-vad-end",
      "stt-start",
      "stt-end",
      "intent-start",
      "arbitration",
      "intent-end",
      "run-end",
    ]);
    expect(events.find((e) => e.type === "arbitration")).toMatchObject({
      runId: "run-1",
      group: "home",
      won: true,
      reason: "best",
      winner: "kitchen",
      ms: 200,
    });
    expect(events.at(-1)).toMatchObject({ outcome: "published" });
  });

  it("a board that lost early ends its run at once: no STT, no intent, no command", async () => {
    const arbitration = new HandArbitration();
    const { events, commands, transcriber, intent, feed } = setup(arbitration);
    await feed(0, 1.2);
    arbitration.decide(false);
    await waitFor(() => events.some((e) => e.type === "run-end"), { what: "the run's end" });
    await feed(1.2, 6);
    expect(types(events)).toEqual(["run-start", "wake_word-end", "arbitration", "run-end"]);
    expect(events.at(-1)).toMatchObject({ outcome: "lost-arbitration" });
    expect(transcriber.calls).toEqual([]);
    expect(intent.texts).toEqual([]);
    expect(commands.published).toEqual([]);
  });

  it("a board that learns it lost only when about to act ends there: no intent-end, no command", async () => {
    const arbitration = new HandArbitration();
    const { events, commands, intent, feed } = setup(arbitration);
    const fed = feed(0, 6);
    await waitFor(() => events.some((e) => e.type === "intent-start"), { what: "the intent step" });
    arbitration.decide(false);
    await fed;
    expect(types(events).slice(-3)).toEqual(["intent-start", "arbitration", "run-end"]);
    expect(events.at(-1)).toMatchObject({ outcome: "lost-arbitration" });
    expect(intent.texts).toEqual(["turn on the kitchen light"]);
    expect(commands.published).toEqual([]);
  });

  it("losing while Whisper works ends the run at once and stops Whisper (its signal)", async () => {
    const arbitration = new HandArbitration();
    const { events, commands, intent, feed, pipeline } = setup(arbitration);
    const aborted: boolean[] = [];
    let begun = () => {};
    const started = new Promise<void>((resolve) => {
      begun = resolve;
    });
    pipeline.reconfigure({
      transcriber: {
        async transcribe(_audio, options = {}) {
          begun();
          await new Promise((resolve) => options.signal?.addEventListener("abort", resolve, { once: true }));
          aborted.push(options.signal?.aborted ?? false);
          throw new Error("aborted");
        },
        async dispose() {},
      },
    });
    const fed = feed(0, 6);
    await started;
    arbitration.decide(false);
    await fed;
    expect(aborted).toEqual([true]);
    expect(types(events).slice(-3)).toEqual(["stt-start", "arbitration", "run-end"]);
    expect(events.at(-1)).toMatchObject({ outcome: "lost-arbitration" });
    expect(events.some((e) => e.type === "error")).toBe(false);
    expect(intent.texts).toEqual([]);
    expect(commands.published).toEqual([]);
  });

  it("without a group nothing is claimed and nothing waits", async () => {
    const { events, commands, feed, pipeline } = setup(null);
    await feed(0, 6);
    await pipeline.finish();
    expect(types(events)).not.toContain("arbitration");
    expect(events.find((e) => e.type === "wake_word-end")).not.toHaveProperty("arbitrated");
    expect(commands.published).toEqual([kitchenOn]);
  });

  it("text is never claimed: it came to this board alone", async () => {
    const arbitration = new HandArbitration();
    const { pipeline, commands } = setup(arbitration);
    await pipeline.handleText("turn on the kitchen light");
    expect(arbitration.claims).toEqual([]);
    expect(commands.published).toEqual([kitchenOn]);
  });
});
