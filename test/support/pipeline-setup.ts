import type { PipelineEvent } from "../../src/events/types.js";
import type { IntentDecision, RecognizedIntent } from "../../src/intent/types.js";
import { Pipeline, type PipelineOptions } from "../../src/pipeline/pipeline.js";
import type { LocalSkills, SkillAnswer, SkillContext } from "../../src/pipeline/skills.js";
import { testBus } from "./bus.js";
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
} from "./fake-stages.js";

import { ManualTimers } from "./manual-timers.js";

export const S = 16000;

/**
 * A pipeline of fakes for the run's tests, its timers on a manual clock: a spoken "turn on
 * the kitchen light" (wake at 1 s, speech 1.2-2.5 s, endpoint ~3.2 s) unless told otherwise.
 */
export function runSetup(
  options: {
    wakeAt?: number[];
    speech?: [number, number][];
    text?: string;
    decisions?: Record<string, IntentDecision>;
  } & Partial<PipelineOptions> = {},
) {
  const { wakeAt, speech, text, decisions, ...overrides } = options;
  const events: PipelineEvent[] = [];
  let tick = 0;
  const bus = testBus(() => tick++);
  bus.onAny((e) => events.push(e));
  const timers = new ManualTimers();
  const wake = new FakeWake(wakeAt ?? [1 * S]);
  const transcriber = new FakeTranscriber(text);
  const intent = new FakeIntent(
    decisions ?? { "turn on the kitchen light": { kind: "execute", intent: kitchenOn, ms: 1 } },
  );
  const commands = new FakeCommands();
  let runs = 0;
  const pipeline = new Pipeline({
    site: "kitchen",
    area: "kitchen",
    bus,
    wake,
    vad: new FakeVad(speech ?? [[1.2 * S, 2.5 * S]]),
    transcriber,
    intent,
    commands,
    ...quietListening(),
    newRunId: () => `run-${++runs}`,
    timer: timers.timer,
    ...overrides,
  });
  /** Feeds [from, to) seconds of silent frames (the fakes decide what is speech). */
  const feed = async (from: number, to: number) => {
    for (const frame of silentFrames(to, from * S)) {
      await pipeline.process(frame);
      await frameGap();
    }
  };
  return { pipeline, bus, events, timers, wake, transcriber, intent, commands, feed };
}

export const types = (events: PipelineEvent[]) => events.map((e) => e.type);

export const ends = (events: PipelineEvent[]) =>
  events.flatMap((e) => (e.type === "run-end" ? [[e.runId, e.outcome]] : []));

/** Local skills that handle the listed intents, answering `answer`; records each call. */
export class FakeSkills implements LocalSkills {
  calls: { intent: RecognizedIntent; context: SkillContext }[] = [];
  constructor(
    private readonly intents: string[],
    private readonly answer: SkillAnswer,
  ) {}
  handles(intent: RecognizedIntent): boolean {
    return this.intents.includes(intent.intent);
  }
  async perform(intent: RecognizedIntent, context: SkillContext): Promise<SkillAnswer> {
    this.calls.push({ intent, context });
    return this.answer;
  }
}
