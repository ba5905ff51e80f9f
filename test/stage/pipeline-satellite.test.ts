import { describe, expect, it } from "vitest";
import type { PipelineEvent, RunOutcome } from "../../src/events/types.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import type { RemoteAnswer, RemoteSession, RemoteSteps } from "../../src/pipeline/remote.js";
import { testBus } from "../support/bus.js";
import {
  FakeCommands,
  FakeIntent,
  FakeTranscriber,
  FakeVad,
  FakeWake,
  frameGap,
  kitchenOn,
  quietListening,
  silentFrames,
} from "../support/fake-stages.js";
import { waitFor } from "../support/wait-for.js";

const S = 16000;

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

function satellite(speech: [number, number][]) {
  const bus = testBus();
  const events: PipelineEvent[] = [];
  bus.onAny((event) => events.push(event));
  const remote = new FakeRemote();
  const transcriber = new FakeTranscriber();
  const intent = new FakeIntent({
    "turn on the kitchen light": { kind: "execute", intent: kitchenOn, ms: 1 },
  });
  const commands = new FakeCommands();
  const pipeline = new Pipeline({
    site: "kitchen",
    area: "kitchen",
    bus,
    wake: new FakeWake([1 * S]),
    vad: new FakeVad(speech),
    transcriber,
    intent,
    commands,
    remote,
    ...quietListening(),
  });
  const feed = async (seconds: number, from = 0) => {
    for (const frame of silentFrames(seconds, from)) {
      await pipeline.process(frame);
      await frameGap();
    }
  };
  return { pipeline, events, remote, transcriber, intent, commands, feed };
}

const types = (events: PipelineEvent[]) => events.map((e) => e.type);

describe("a satellite's pipeline (role satellite, fake base)", () => {
  it("streams from the pre-roll to the endpoint, cuts the command, and ends with the base's outcome", async () => {
    const sat = satellite([[1.2 * S, 2.5 * S]]);
    await sat.feed(4);
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
    await sat.feed(2);
    const session = sat.remote.sessions[0];
    const sent = session?.samples ?? 0;
    session?.answer({
      outcome: "error",
      error: { code: "satellite-rejected", message: "base pi5 refused the command: site-busy" },
    });
    await waitFor(() => sat.events.some((e) => e.type === "run-end"));
    expect(sat.events.find((e) => e.type === "error")).toMatchObject({ code: "satellite-rejected" });
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "error" });
    await sat.feed(4, 2 * S);
    expect(session?.samples).toBe(sent);
    expect(session?.cut).toBeNull();
  });

  it("no speech after the wake word: the base is told to drop the session", async () => {
    const sat = satellite([]);
    await sat.feed(8);
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "no-speech" });
    expect(sat.remote.sessions[0]?.cancelled).toBe("no-speech");
  });

  it("shutdown mid-command aborts and cancels the session", async () => {
    const sat = satellite([[1.2 * S, 3.5 * S]]);
    await sat.feed(2);
    sat.pipeline.abort();
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "aborted" });
    expect(sat.remote.sessions[0]?.cancelled).toBe("aborted");
  });
});
