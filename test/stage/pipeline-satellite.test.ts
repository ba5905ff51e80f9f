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

/** `local`: Whisper and the intent stage loaded (satellite.fallback local); `fallback`: used when the base is gone. */
function satellite(
  speech: [number, number][],
  models: { local?: boolean; fallback?: boolean; commandFollowUpSeconds?: number } = {},
) {
  const local = models.local ?? true;
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
    transcriber: local ? transcriber : null,
    intent: local ? intent : null,
    commands,
    remote,
    localFallback: models.fallback ?? false,
    commandFollowUpSeconds: models.commandFollowUpSeconds ?? 0,
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

describe("a satellite's local fallback (satellite.fallback: local)", () => {
  const gone = {
    outcome: "error" as const,
    error: { code: "satellite-no-base" as const, message: "base pi5 is offline" },
  };

  it("the base goes away mid-command: the run transcribes and acts here, with no error", async () => {
    const sat = satellite([[1.2 * S, 2.5 * S]], { fallback: true });
    await sat.feed(2);
    const session = sat.remote.sessions[0];
    const sent = session?.samples ?? 0;
    session?.answer(gone);
    await sat.feed(4, 2 * S);
    await waitFor(() => sat.events.some((e) => e.type === "run-end"));
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "published" });
    expect(sat.events.some((e) => e.type === "error")).toBe(false);
    expect(types(sat.events).filter((t) => t === "stt-vad-end")).toHaveLength(1);
    expect(sat.transcriber.calls).toHaveLength(1);
    // From the command's start (pre-roll included) to the end of speech: 1.3 s and more.
    expect(sat.transcriber.calls[0]?.samples).toBeGreaterThan(1.3 * S);
    expect(sat.intent.texts).toEqual(["turn on the kitchen light"]);
    expect(sat.commands.published).toEqual([kitchenOn]);
    // Nothing more went to the base once it was gone, not even the cut.
    expect(session?.samples).toBe(sent);
    expect(session?.cut).toBeNull();
  });

  it("a refusal after the cut: transcribed here, stt-vad-end said once", async () => {
    const sat = satellite([[1.2 * S, 2.5 * S]], { fallback: true });
    await sat.feed(4);
    const session = sat.remote.sessions[0];
    expect(session?.cut).not.toBeNull();
    session?.answer({
      outcome: "error",
      error: { code: "satellite-rejected", message: "base pi5 refused the command: queue-full" },
    });
    await waitFor(() => sat.events.some((e) => e.type === "run-end"));
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "published" });
    expect(types(sat.events).filter((t) => t === "stt-vad-end")).toHaveLength(1);
    expect(sat.commands.published).toEqual([kitchenOn]);
  });

  it("no answer in time is not a fallback: the base may have acted (error, nothing done here)", async () => {
    const sat = satellite([[1.2 * S, 2.5 * S]], { fallback: true });
    await sat.feed(4);
    sat.remote.sessions[0]?.answer({
      outcome: "timeout",
      error: { code: "satellite-base-timeout", message: "base pi5 did not answer" },
    });
    await waitFor(() => sat.events.some((e) => e.type === "run-end"));
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "timeout" });
    expect(sat.transcriber.calls).toEqual([]);
    expect(sat.commands.published).toEqual([]);
  });

  it("without the fallback the same base gone ends the run with the error", async () => {
    const sat = satellite([[1.2 * S, 2.5 * S]], { fallback: false });
    await sat.feed(2);
    sat.remote.sessions[0]?.answer(gone);
    await waitFor(() => sat.events.some((e) => e.type === "run-end"));
    expect(sat.events.find((e) => e.type === "error")).toMatchObject({ code: "satellite-no-base" });
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "error" });
    expect(sat.transcriber.calls).toEqual([]);
  });
});

describe("a satellite without Whisper and intents (satellite.fallback: none)", () => {
  it("streams and ends with the base's answer; text is refused with a reason", async () => {
    const sat = satellite([[1.2 * S, 2.5 * S]], { local: false });
    await sat.feed(4);
    sat.remote.sessions[0]?.answer({ outcome: "published", by: "pi5" });
    await waitFor(() => sat.events.some((e) => e.type === "run-end"));
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "published", answeredBy: "pi5" });
    expect(sat.pipeline.injectText("turn on the kitchen light")).toBe(false);
    expect(sat.events.at(-1)).toMatchObject({
      type: "input-rejected",
      source: "text",
      reason: "no-intent-stage",
      count: 1,
    });
    expect(sat.intent.texts).toEqual([]);
  });
});

describe("a satellite's follow-up window", () => {
  it("the base asks a question: the next speech goes to the base as a follow-up of that run", async () => {
    const sat = satellite(
      [
        [1.2 * S, 2.5 * S],
        [5.2 * S, 5.8 * S],
      ],
      { local: false },
    );
    await sat.feed(4);
    const first = sat.remote.sessions[0];
    first?.answer({ outcome: "rejected", by: "pi5", followUpSeconds: 8 });
    await waitFor(() => sat.events.some((e) => e.type === "run-end"));
    const firstId = first?.run.id;
    await sat.feed(8, 4 * S);
    const second = sat.remote.sessions[1];
    expect(second?.run).toMatchObject({ wakeWord: null, previousRunId: firstId });
    expect(second?.run.id).not.toBe(firstId);
    expect(sat.events.find((e) => e.type === "run-start" && e.runId === second?.run.id)).toMatchObject({
      trigger: "follow-up",
      previousRunId: firstId,
    });
    // The answer (0.6 s of speech) was streamed and cut.
    const cut = second?.cut as { from: number; to: number };
    expect((cut.to - cut.from) / S).toBeGreaterThan(0.6);
    second?.answer({ outcome: "published", by: "pi5" });
    await waitFor(() => sat.events.filter((e) => e.type === "run-end").length === 2);
    expect(sat.events.at(-1)).toMatchObject({ type: "run-end", outcome: "published", runId: second?.run.id });
  });

  it("conversation.follow_up_seconds: after a command the base carried out, the next speech is a follow-up", async () => {
    const speech: [number, number][] = [
      [1.2 * S, 2.5 * S],
      [5.2 * S, 5.8 * S],
    ];
    const sat = satellite(speech, { local: false, commandFollowUpSeconds: 5 });
    await sat.feed(4);
    const first = sat.remote.sessions[0];
    first?.answer({ outcome: "published", by: "pi5" });
    await waitFor(() => sat.events.some((e) => e.type === "run-end"));
    await sat.feed(8, 4 * S);
    expect(sat.remote.sessions[1]?.run).toMatchObject({ wakeWord: null, previousRunId: first?.run.id });

    // A command the base did not carry out opens no window.
    const refused = satellite(speech, { local: false, commandFollowUpSeconds: 5 });
    await refused.feed(4);
    refused.remote.sessions[0]?.answer({ outcome: "rejected", by: "pi5" });
    await waitFor(() => refused.events.some((e) => e.type === "run-end"));
    await refused.feed(8, 4 * S);
    expect(refused.remote.sessions).toHaveLength(1);
  });

  it("an answer without a question opens no window", async () => {
    const sat = satellite(
      [
        [1.2 * S, 2.5 * S],
        [5.2 * S, 5.8 * S],
      ],
      { local: false },
    );
    await sat.feed(4);
    sat.remote.sessions[0]?.answer({ outcome: "published", by: "pi5" });
    await waitFor(() => sat.events.some((e) => e.type === "run-end"));
    await sat.feed(8, 4 * S);
    expect(sat.remote.sessions).toHaveLength(1);
  });
});
