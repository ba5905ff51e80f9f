import { describe, expect, it } from "vitest";
import type { RunOutcome } from "../../src/events/types.js";
import type { RemoteAnswer, RemoteSession, RemoteSteps } from "../../src/pipeline/remote.js";
import { runSetup, S, types } from "../support/pipeline-setup.js";
import { waitFor } from "../support/wait-for.js";

/** A base in the test's hand: records what each session sent, answers when told. */
class FakeRemote implements RemoteSteps {
  sessions: Array<{
    run: Parameters<RemoteSteps["open"]>[0];
    samples: number;
    cut: { from: number; to: number } | null;
    cancelled: RunOutcome | null;
    answer: (answer: RemoteAnswer) => void;
  }> = [];
  open(run: Parameters<RemoteSteps["open"]>[0]): RemoteSession {
    const answer: (answer: RemoteAnswer) => void = () => {};
    const entry = {
      run,
      samples: 0,
      cut: null as { from: number; to: number } | null,
      cancelled: null as RunOutcome | null,
      answer,
    };
    const promise = new Promise<RemoteAnswer>((resolve) => {
      entry.answer = resolve;
    });
    this.sessions.push(entry);
    return {
      send: (samples) => {
        entry.samples += samples.length;
      },
      end: (cut) => {
        entry.cut = cut;
      },
      cancel: (outcome) => {
        entry.cancelled = outcome;
      },
      answer: promise,
    };
  }
}

/** The run's pipeline of fakes (support/pipeline-setup.ts) as a satellite: its command goes to `remote`. */
function satellite(speech: [number, number][]) {
  const remote = new FakeRemote();
  return { ...runSetup({ speech, remote }), remote };
}

describe("a satellite's pipeline (role satellite, fake base)", () => {
  it("streams from the pre-roll to the endpoint, cuts the command, and ends with the base's outcome", async () => {
    const sat = satellite([[1.2 * S, 2.5 * S]]);
    await sat.feed(0, 4);
    const session = sat.remote.sessions[0];
    expect(session?.run).toMatchObject({
      site: "kitchen",
      area: "kitchen",
      wakeWord: "hey_jarvis",
      score: 0.99,
    });
    // Everything from the command's start to the endpoint (speech end + 0.7 s) was sent, then the cut.
    expect(session?.cut).not.toBeNull();
    const cut = session?.cut as { from: number; to: number };
    expect(session?.samples).toBeGreaterThanOrEqual(cut.to);
    expect((cut.to - cut.from) / S).toBeGreaterThan(1.3);
    expect(types(sat.events)).toEqual(["run-start", "wake_word-end", "stt-vad-start", "stt-vad-end"]);
    session?.answer({ outcome: "published", by: "pi5" });
    await waitFor(() => sat.events.some((e) => e.type === "run-end"));
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "published", answeredBy: "pi5" });
    // Nothing was transcribed, understood or published here.
    expect(sat.transcriber.calls).toEqual([]);
    expect(sat.intent.texts).toEqual([]);
    expect(sat.commands.published).toEqual([]);
    expect(session?.cancelled).toBeNull();
  });

  it("a base that refuses mid-command ends the run at once, with the error; later frames go nowhere", async () => {
    const sat = satellite([[1.2 * S, 3.5 * S]]);
    await sat.feed(0, 2);
    const session = sat.remote.sessions[0];
    const sent = session?.samples ?? 0;
    session?.answer({
      outcome: "error",
      error: { code: "satellite-rejected", message: "base pi5 refused the command: site-busy" },
    });
    await waitFor(() => sat.events.some((e) => e.type === "run-end"));
    expect(sat.events.find((e) => e.type === "error")).toMatchObject({ code: "satellite-rejected" });
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "error" });
    await sat.feed(2, 4);
    expect(session?.samples).toBe(sent);
    expect(session?.cut).toBeNull();
  });

  it("no speech after the wake word: the base is told to drop the session", async () => {
    const sat = satellite([]);
    await sat.feed(0, 8);
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "no-speech" });
    expect(sat.remote.sessions[0]?.cancelled).toBe("no-speech");
  });

  it("shutdown mid-command aborts and cancels the session", async () => {
    const sat = satellite([[1.2 * S, 3.5 * S]]);
    await sat.feed(0, 2);
    sat.pipeline.abort();
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "aborted" });
    expect(sat.remote.sessions[0]?.cancelled).toBe("aborted");
  });
});
