import { describe, expect, it } from "vitest";
import type { IntentDecision } from "../../src/intent/types.js";
import { LEAD_SECONDS } from "../../src/pipeline/pre-roll.js";
import type { TranscribeOptions, Transcript } from "../../src/stt/transcriber.js";
import {
  FakeIntent,
  FakeTranscriber,
  kitchenOn,
  quietListening,
  silentFrames,
} from "../support/fake-stages.js";
import { runSetup, S, types } from "../support/pipeline-setup.js";

const execute: IntentDecision = { kind: "execute", intent: kitchenOn, ms: 1 };

/**
 * The run's pipeline of fakes (support/pipeline-setup.ts) with a speculative pass and a Whisper
 * prompt, as the daemon's defaults have them; `whole` swaps in a guided transcript and intent.
 */
function setup(options: {
  wakeAt?: number[];
  speech?: [number, number][];
  text?: string;
  decisions?: Record<string, IntentDecision>;
  speculative?: boolean;
  commands?: boolean;
  isGated?: () => boolean;
  area?: string | null;
  preRollSeconds?: number;
  /** Guided decoding: the transcript is a command the templates understood; the guide says whether it is whole. */
  whole?: boolean;
  earlyEndSeconds?: number | null;
  wakeTailSeconds?: number;
}) {
  const { whole, earlyEndSeconds, wakeTailSeconds, speculative, commands, decisions, area, ...rest } =
    options;
  const guided = whole !== undefined;
  const transcriber = guided ? new UnderstoodTranscriber() : new FakeTranscriber(options.text);
  const intent = guided
    ? new GuidedIntent({ "turn on the kitchen light": execute }, whole)
    : new FakeIntent(decisions ?? { "turn on the kitchen light": execute });
  const run = runSetup({
    ...rest,
    transcriber,
    intent,
    area: area ?? null,
    endpointer: {
      ...quietListening().endpointer,
      earlyEndSeconds: earlyEndSeconds ?? null,
      ...(wakeTailSeconds ? { wakeTailSeconds } : {}),
    },
    speculative: speculative ?? true,
    sttPrompt: () => "kitchen light",
    // No command publisher at all (--no-mqtt).
    ...(commands === false ? { commands: undefined } : {}),
  });
  return { ...run, transcriber, intent };
}

/** A transcript the guided pass found understood as it was (confident, -0.2 per token). */
class UnderstoodTranscriber extends FakeTranscriber {
  override async transcribe(audio: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
    const transcript = await super.transcribe(audio, options);
    return { ...transcript, source: "free", freeText: transcript.text, guided: { why: "understood", ms: 0 } };
  }
}

/** An intent stage whose sentence space says every text is (or is not) a whole command. */
class GuidedIntent extends FakeIntent {
  constructor(
    decisions: Record<string, IntentDecision>,
    private readonly whole: boolean,
  ) {
    super(decisions);
  }
  transcriptGuide() {
    return { isWhole: () => this.whole } as never;
  }
}

describe("pipeline run", () => {
  it("goes wake -> speech -> endpoint -> STT -> intent -> command, with the DESIGN events in order", async () => {
    const { events, commands, feed } = setup({});
    await feed(0, 6);
    expect(types(events)).toEqual([
      "run-start",
      "wake_word-end",
      "stt-vad-start",
      "stt-vad-end",
      "stt-start",
      "stt-end",
      "intent-start",
      "intent-end",
      "run-end",
    ]);
    expect(commands.published).toEqual([kitchenOn]);
    const byType = Object.fromEntries(events.map((e) => [e.type, e]));
    expect(byType["run-start"]).toMatchObject({ runId: "run-1", site: "kitchen", trigger: "wake-word" });
    expect(byType["wake_word-end"]).toMatchObject({ wakeWord: "hey_jarvis", audioMs: 1040 });
    // Speech runs from 1.2 s to 2.5 s (to within a 32 ms VAD window).
    expect((byType["stt-vad-start"] as { audioMs: number }).audioMs).toBeCloseTo(1200, -2);
    expect((byType["stt-vad-end"] as { audioMs: number }).audioMs).toBeGreaterThanOrEqual(2468);
    expect((byType["stt-vad-end"] as { audioMs: number }).audioMs).toBeLessThan(2550);
    expect(byType["run-end"]).toMatchObject({ outcome: "published" });
    expect(events.every((e) => e.type === "run-start" || e.runId === "run-1")).toBe(true);
  });

  it("ends a run with no speech after the timeout and publishes nothing", async () => {
    const { events, transcriber, feed } = setup({ speech: [] });
    await feed(0, 8);
    expect(types(events)).toEqual(["run-start", "wake_word-end", "run-end"]);
    expect(events.at(-1)).toMatchObject({ outcome: "no-speech" });
    expect(transcriber.calls).toHaveLength(0);
  });

  it("an empty transcript (silence hallucination filtered) ends as no-speech without an intent", async () => {
    const { events, intent, feed } = setup({ text: "" });
    await feed(0, 6);
    expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "no-speech" });
    expect(intent.texts).toEqual([]);
  });

  it("transcribes speculatively when silence begins and uses that result at the endpoint", async () => {
    const { transcriber, feed, events } = setup({});
    await feed(0, 6);
    expect(transcriber.calls).toHaveLength(1);
    expect(transcriber.calls[0]?.aborted).toBe(false);
    expect(transcriber.calls[0]?.prompt).toBe("kitchen light");
    expect(events.at(-1)).toMatchObject({ outcome: "published" });
  });

  it("ends a whole, confident command after the early endpoint's shorter silence", async () => {
    /** Seconds of input fed when the command ended (stt-vad-end), frame by frame. */
    const endedAfter = async (options: Parameters<typeof setup>[0]) => {
      const { pipeline, events } = setup(options);
      for (const frame of silentFrames(6)) {
        await pipeline.process(frame);
        // As a microphone's frames come: the event loop turns between them, so the
        // speculative pass can finish during the trailing silence.
        await new Promise((resolve) => setImmediate(resolve));
        if (events.some((e) => e.type === "stt-vad-end")) {
          expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "published" });
          return (frame.startSample + frame.samples.length) / S;
        }
      }
      return Number.POSITIVE_INFINITY;
    };
    // Speech ends at 2.5 s; frames are 80 ms.
    const early = await endedAfter({ whole: true, earlyEndSeconds: 0.3 });
    const notWhole = await endedAfter({ whole: false, earlyEndSeconds: 0.3 });
    const off = await endedAfter({ whole: true, earlyEndSeconds: null });
    expect(early).toBeGreaterThanOrEqual(2.8);
    expect(early).toBeLessThan(2.95);
    expect(notWhole).toBeGreaterThanOrEqual(3.2);
    expect(off).toBe(notWhole);
  });

  it("discards the speculative pass when speech resumes within the trailing silence", async () => {
    const { transcriber, feed, events } = setup({
      speech: [
        [1.2 * S, 2.0 * S],
        [2.4 * S, 3.0 * S],
      ],
    });
    // The first part's pass says something else: if its text were kept, the intent would see it.
    const heard = ["turn on the kitchen", "turn on the kitchen light"];
    transcriber.transcribe = async function (audio, options = {}) {
      const transcript = await FakeTranscriber.prototype.transcribe.call(this, audio, options);
      return { ...transcript, text: heard[this.calls.length - 1] ?? "" };
    };
    await feed(0, 6);
    // The first pass may finish (frames come slower than a fake transcribes) or be aborted; either way it is not used.
    expect(transcriber.calls).toHaveLength(2);
    // The pass that counted covers the whole command, up to the second part's end.
    expect(transcriber.calls[1]?.samples).toBeGreaterThan(transcriber.calls[0]?.samples ?? 0);
    expect(events.filter((e) => e.type === "stt-vad-start")).toHaveLength(1);
    expect(events.find((e) => e.type === "stt-end")).toMatchObject({ text: "turn on the kitchen light" });
  });

  it("starts the speculative pass at a pause's first silent window; a dip inside a word drops it", async () => {
    // Speech to 2.0 s, a 0.1 s dip (shorter than min_speech_seconds: never announced), speech to 2.5 s.
    const { pipeline, transcriber, events } = setup({
      speech: [
        [1.2 * S, 2.0 * S],
        [2.1 * S, 2.5 * S],
      ],
    });
    const fedAtCall: number[] = [];
    for (const frame of silentFrames(6)) {
      await pipeline.process(frame);
      const fed = (frame.startSample + frame.samples.length) / S;
      while (fedAtCall.length < transcriber.calls.length) fedAtCall.push(fed);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // The dip's pass (words to 2.0 s), then the end's, begun within a frame (80 ms) of the
    // silence at 2.5 s, not once it was announced 0.15 s in (the frame ending at 2.72 s).
    expect(transcriber.calls).toHaveLength(2);
    expect(transcriber.calls[0]?.samples).toBeLessThan(transcriber.calls[1]?.samples ?? 0);
    expect(fedAtCall[0]).toBeLessThan(2.2);
    expect(fedAtCall[1]).toBeLessThan(2.65);
    expect(events.filter((e) => e.type === "stt-vad-start")).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "published" });
  });

  it("without speculation transcribes once at the endpoint", async () => {
    const { transcriber, feed } = setup({ speculative: false });
    await feed(0, 6);
    expect(transcriber.calls).toHaveLength(1);
  });

  it("keeps the pre-roll when the command runs straight on from the wake word", async () => {
    // Speech all through the pre-roll (no pause): the command audio starts 0.5 s before the wake fired.
    const { transcriber, feed } = setup({ speech: [[0.3 * S, 2.5 * S]] });
    await feed(0, 6);
    const commandSeconds = (transcriber.calls[0]?.samples ?? 0) / S;
    expect(commandSeconds).toBeCloseTo(2.5 - (1.04 - 0.5), 1);
  });

  it("starts the command after the pause when there was one before the wake fired", async () => {
    // Wake word speech ends at 0.6 s, the detector fires at 1.04 s, the command starts at 1.2 s.
    const { transcriber, feed } = setup({
      speech: [
        [0.2 * S, 0.6 * S],
        [1.2 * S, 2.5 * S],
      ],
    });
    await feed(0, 6);
    const commandSeconds = (transcriber.calls[0]?.samples ?? 0) / S;
    expect(commandSeconds).toBeLessThan(2.5 - 0.6);
  });

  it("waits for the command after the wake phrase's tail when the wake fired inside the phrase", async () => {
    // "hey jarvis" from 0.2 s to 1.2 s, the detector fires at 1.04 s (before it ends), a pause
    // longer than the trailing silence, then the command from 2.1 s to 3.3 s.
    const speech: [number, number][] = [
      [0.2 * S, 1.2 * S],
      [2.1 * S, 3.3 * S],
    ];
    const withTail = setup({ speech, speculative: false, wakeTailSeconds: 0.3 });
    await withTail.feed(0, 6);
    expect(withTail.transcriber.calls).toHaveLength(1);
    // The command ends where the command's speech ends, not the tail's.
    const endSeconds = (events: typeof withTail.events) => {
      const end = events.find((e) => e.type === "stt-vad-end");
      return end?.type === "stt-vad-end" ? end.audioMs / 1000 : Number.NaN;
    };
    expect(endSeconds(withTail.events)).toBeCloseTo(3.3, 1);
    // Its audio starts LEAD_SECONDS before the command's speech, not with the pause's quiet.
    const audioSeconds = (withTail.transcriber.calls[0]?.samples ?? 0) / S;
    expect(audioSeconds).toBeCloseTo(3.3 - 2.1 + LEAD_SECONDS, 1);
    // Without the rule the tail was the command, ended by the pause.
    const without = setup({ speech, speculative: false });
    await without.feed(0, 6);
    expect(endSeconds(without.events)).toBeCloseTo(1.2, 1);
  });

  it("hands the board's area to the intent stage with each utterance", async () => {
    const { intent, feed, pipeline } = setup({ area: "kitchen" });
    await feed(0, 6);
    await pipeline.handleText("turn on the kitchen light");
    expect(intent.contexts.map((c) => c.area)).toEqual(["kitchen", "kitchen"]);
  });

  it("starts the command with the whole wake phrase when the pre-roll holds its beginning", async () => {
    // "hey jarvis" from 0.2 s, running on into the command; the detector fires at 1.04 s.
    const { transcriber, feed } = setup({ speech: [[0.2 * S, 2.5 * S]], preRollSeconds: 1.5 });
    await feed(0, 6);
    const call = transcriber.calls.at(-1);
    // The speculative pass that counted: from 0.1 s before the phrase to the end of speech.
    expect((call?.samples ?? 0) / S).toBeCloseTo(2.5 - 0.1, 1);
    // Whisper is told the phrase was said, so it writes "Hey Jarvis," rather than other words.
    expect(call?.prompt).toBe("Hey Jarvis, kitchen light");
    // If it copies that prompt instead of hearing the command, it reads the audio again
    // after the list alone, made to start with the phrase.
    expect(call?.retry).toEqual({ prompt: "kitchen light", prefix: "Hey Jarvis," });
  });

  it("keeps the wake phrase (and names it) across a pause after it", async () => {
    const { transcriber, feed } = setup({
      speech: [
        [0.2 * S, 0.9 * S],
        [1.3 * S, 2.5 * S],
      ],
      preRollSeconds: 1.5,
    });
    await feed(0, 6);
    const call = transcriber.calls.at(-1);
    expect((call?.samples ?? 0) / S).toBeCloseTo(2.5 - 0.1, 1);
    expect(call?.prompt).toBe("Hey Jarvis, kitchen light");
  });

  it("with a pre-roll too short for the wake phrase, leaves the prompt as it is", async () => {
    const { transcriber, feed } = setup({ speech: [[0.3 * S, 2.5 * S]] });
    await feed(0, 6);
    expect(transcriber.calls.at(-1)?.prompt).toBe("kitchen light");
    expect(transcriber.calls.at(-1)?.retry).toBeUndefined();
  });

  it("strips the wake phrase Whisper heard in the pre-roll", async () => {
    const { intent, feed } = setup({ text: "Jarvis, turn on the kitchen light" });
    await feed(0, 6);
    expect(intent.texts).toEqual(["turn on the kitchen light"]);
  });

  it("ignores wake detections during a run but keeps feeding the detector its context", async () => {
    const { wake, events, feed } = setup({ wakeAt: [1 * S, 2 * S] });
    await feed(0, 6);
    expect(events.filter((e) => e.type === "run-start")).toHaveLength(1);
    expect(wake.frames).toBe(Math.ceil((6 * S) / 1280));
    expect(wake.resets).toBe(0);
  });

  it("wakes again on a wake word said right after a run", async () => {
    const { events, feed } = setup({
      wakeAt: [1 * S, 3.4 * S],
      speech: [
        [1.2 * S, 2.5 * S],
        [3.6 * S, 4.4 * S],
      ],
    });
    await feed(0, 9);
    expect(events.filter((e) => e.type === "run-end").map((e) => (e as { outcome: string }).outcome)).toEqual(
      ["published", "published"],
    );
  });

  it("ends a run as recognized when there is no command output (--no-mqtt)", async () => {
    const { events, feed } = setup({ commands: false });
    await feed(0, 6);
    expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "recognized" });
  });

  it("rejects what the intent stage does not recognize", async () => {
    const { events, commands, feed } = setup({ text: "sing me a song" });
    await feed(0, 6);
    expect(events.find((e) => e.type === "intent-rejected")).toMatchObject({ reason: "not-recognized" });
    expect(events.at(-1)).toMatchObject({ outcome: "rejected" });
    expect(commands.published).toEqual([]);
  });

  it("ends the command where the input stops when it ends mid-speech", async () => {
    const { pipeline, events, feed } = setup({ speech: [[1.2 * S, 10 * S]] });
    await feed(0, 2);
    await pipeline.finish();
    expect(types(events)).toContain("stt-end");
    expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "published" });
  });
});

describe("pipeline control", () => {
  it("does not wake while muted, and wakes again when unmuted", async () => {
    const { pipeline, events, feed } = setup({ wakeAt: [1 * S, 7 * S], speech: [[7.2 * S, 8 * S]] });
    pipeline.setMuted(true);
    await feed(0, 6);
    expect(events).toEqual([]);
    pipeline.setMuted(false);
    await feed(6, 12);
    expect(events.filter((e) => e.type === "run-start")).toHaveLength(1);
  });

  it("does not wake while the device plays a sound (it never wakes itself)", async () => {
    let playing = true;
    const { events, feed } = setup({
      wakeAt: [1 * S, 7 * S],
      speech: [[7.2 * S, 8 * S]],
      isGated: () => playing,
    });
    await feed(0, 6);
    expect(events).toEqual([]);
    playing = false;
    await feed(6, 12);
    expect(events.filter((e) => e.type === "run-start")).toHaveLength(1);
  });

  it("handles injected text as its own run", async () => {
    const { pipeline, events, commands } = setup({ wakeAt: [] });
    await pipeline.handleText("turn on the kitchen light");
    expect(types(events)).toEqual(["run-start", "intent-start", "intent-end", "run-end"]);
    expect(events[0]).toMatchObject({ trigger: "text" });
    expect(commands.published).toHaveLength(1);
  });

  it("listens for a yes without the wake word after a confirmation request", async () => {
    const unlock = { ...kitchenOn, intent: "HassTurnOff", targets: ["front_door"] };
    const decisions: Record<string, IntentDecision> = {
      "unlock the front door": {
        kind: "reject",
        reason: "needs-confirmation",
        intent: unlock,
        confirmWindowSeconds: 5,
        ms: 1,
        prompt: "say yes to unlock the front door",
      },
      yes: { kind: "execute", intent: unlock, ms: 1 },
    };
    const { pipeline, events, commands, transcriber, feed } = setup({
      decisions,
      speech: [
        [1.2 * S, 2.5 * S],
        [4 * S, 4.5 * S],
      ],
      text: "unlock the front door",
    });
    await feed(0, 3.5);
    expect(events.find((e) => e.type === "run-end")).toMatchObject({ runId: "run-1", outcome: "rejected" });
    transcriber.text = "yes";
    await feed(3.5, 8);
    const starts = events.filter((e) => e.type === "run-start");
    expect(starts.map((e) => (e as { trigger?: string }).trigger)).toEqual(["wake-word", "follow-up"]);
    expect(commands.published).toEqual([unlock]);
    void pipeline;
  });
});
