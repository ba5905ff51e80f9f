import { describe, expect, it } from "vitest";
import type { IntentDecision } from "../../src/intent/types.js";
import type { PipelineOptions } from "../../src/pipeline/pipeline.js";
import { type Logger, silentLogger } from "../../src/util/logger.js";
import { frameGap, kitchenOn, silentFrames } from "../support/fake-stages.js";
import { ends, runSetup, S } from "../support/pipeline-setup.js";

const fanOff = { ...kitchenOn, intent: "HassTurnOff", targets: ["fan"] };
const decisions: Record<string, IntentDecision> = {
  "turn on the kitchen light": { kind: "execute", intent: kitchenOn, ms: 1 },
  "turn off the fan": { kind: "execute", intent: fanOff, ms: 1 },
};

/** The run's pipeline of fakes (support/pipeline-setup.ts): a spoken "turn on the kitchen light". */
function setup(options: Partial<PipelineOptions> = {}) {
  const run = runSetup({ decisions, ...options });
  /** Feeds [from, to) seconds of frames, injecting `text` every `everySeconds` of audio. */
  const feed = async (from: number, to: number, text?: { text: string; everySeconds: number }) => {
    let next = from;
    for (const frame of silentFrames(to, from * S)) {
      if (text && frame.startSample / S >= next) {
        run.pipeline.injectText(text.text);
        next += text.everySeconds;
      }
      await run.pipeline.process(frame);
      await frameGap();
    }
  };
  return { ...run, feed };
}

describe("text and voice runs take turns", () => {
  it("text injected during a spoken command waits for it instead of aborting it", async () => {
    const { events, commands, feed } = setup();
    await feed(0, 1.5);
    expect(events.at(-1)).toMatchObject({ type: "stt-vad-start", runId: "run-1" });
    await feed(1.5, 6, { text: "turn off the fan", everySeconds: 100 });
    expect(ends(events)).toEqual([
      ["run-1", "published"],
      ["run-2", "published"],
    ]);
    expect(events.find((e) => e.type === "run-start" && e.runId === "run-2")).toMatchObject({
      trigger: "text",
    });
    expect(commands.published).toEqual([kitchenOn, fanOff]);
  });

  it("a text every 0.5 s does not keep a spoken command from being acted on", async () => {
    const { events, commands, feed } = setup();
    await feed(0, 6, { text: "turn off the fan", everySeconds: 0.5 });
    expect(ends(events).filter(([, outcome]) => outcome !== "published")).toEqual([]);
    expect(commands.published).toContainEqual(kitchenOn);
    expect(commands.published.filter((i) => i === fanOff)).toHaveLength(12);
  });

  it("refuses text beyond the queue's bound with one input-rejected event counting them", async () => {
    const { pipeline, events, commands, feed } = setup({ maxPendingText: 3 });
    await feed(0, 1.5);
    const accepted = Array.from({ length: 10 }, () => pipeline.injectText("turn off the fan"));
    expect(accepted).toEqual([true, true, true, false, false, false, false, false, false, false]);
    const rejections = events.filter((e) => e.type === "input-rejected");
    expect(rejections).toEqual([
      expect.objectContaining({ reason: "queue-full", count: 1, site: "kitchen" }),
    ]);
    await feed(1.5, 6);
    expect(commands.published).toEqual([kitchenOn, fanOff, fanOff, fanOff]);
  });
});

describe("run-end tells whether the broker has the command", () => {
  it("is published when the broker acknowledged it", async () => {
    const { pipeline, events, commands } = setup();
    commands.delivery = Promise.resolve("acked");
    await pipeline.handleText("turn off the fan");
    expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "published" });
  });

  it("is queued when no acknowledgement came in time, and dropped when the command expired", async () => {
    const { pipeline, events, commands, timers } = setup({ ackWaitMs: 5 });
    commands.delivery = new Promise(() => {});
    // The wait for the broker's acknowledgement is on the manual clock: it ends when the test says.
    const handled = pipeline.handleText("turn off the fan");
    await timers.waiting(5);
    expect(events.at(-1)?.type).not.toBe("run-end");
    timers.advance(5);
    await handled;
    expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "queued" });
    commands.delivery = Promise.resolve("expired");
    await pipeline.handleText("turn off the fan");
    expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "dropped" });
  });
});

describe("felt latency and lag behind the microphone", () => {
  /** A microphone: one 80 ms frame every 80 ms on the pipeline's clock; `stallAt` holds one frame back. */
  async function speak(stall?: { atSeconds: number; ms: number }) {
    let now = 0;
    const warnings: string[] = [];
    const { pipeline, events } = setup({ clock: () => now, logger: recordingLogger(warnings) });
    for (const frame of silentFrames(6)) {
      now = (frame.startSample / S) * 1000 + 80;
      if (stall && frame.startSample / S >= stall.atSeconds) now += stall.ms;
      await pipeline.process(frame);
      await frameGap();
    }
    return { end: events.find((e) => e.type === "run-end"), warnings };
  }

  it("counts from the last speech sample, trailing silence included, not from the endpoint", async () => {
    const { end } = await speak();
    // Speech ends at 2.5 s; the endpoint needs 0.7 s of silence; frames are 80 ms.
    expect(end).toMatchObject({ outcome: "published" });
    const felt = (end as { feltMs: number }).feltMs;
    expect(felt).toBeGreaterThanOrEqual(700);
    expect(felt).toBeLessThan(900);
    expect(end).toMatchObject({ lagMs: 0 });
  });

  it("adds a backlog behind the microphone to the felt latency, reports it and warns", async () => {
    const { end, warnings } = await speak({ atSeconds: 2, ms: 2000 });
    expect((end as { feltMs: number }).feltMs).toBeGreaterThanOrEqual(2700);
    expect(end).toMatchObject({ lagMs: 2000 });
    expect(warnings.join("\n")).toMatch(/2\.0 s behind the microphone/);
  });
});

function recordingLogger(warnings: string[]): Logger {
  const logger = silentLogger();
  logger.warn = ((_fields: unknown, message: string) => {
    warnings.push(message);
  }) as Logger["warn"];
  return logger;
}
