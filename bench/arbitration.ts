/**
 * Rooms arbitration benchmark (run by hand: `nice -n 10 npx tsx bench/arbitration.ts [trials]`):
 * what a rooms group costs the board that answers, in felt latency (from the end of speech to
 * the command, run-end `feltMs`), against the same board with no group, measured in the same
 * run on the same machine. Goal: under 100 ms added.
 *
 * Every trial, in real time (80 ms frames paced like a microphone) and all at once on one real
 * Mosquitto on loopback:
 *  - peer: one board alone (no rooms.group);
 *  - a group of three boards, window 200 ms (the default), hearing the wake word at random
 *    offsets of 0-150 ms;
 *  - a group of three with a 1000 ms window, to show the cost once the window outlasts the command.
 * Stages are fakes with no speech-recognition time at all (the worst case for hiding the window:
 * a real Whisper pass only hides it further). Two utterance shapes: a typical command (1.3 s of
 * speech after the wake word, 0.7 s trailing silence) and a short one ("stop": 0.3 s, 0.3 s).
 */
import { configSchema } from "../src/config/schema.js";
import { EventBus } from "../src/events/bus.js";
import type { PipelineEvent } from "../src/events/types.js";
import { MqttArbitration } from "../src/mqtt/arbitration.js";
import type { Arbitration } from "../src/pipeline/arbitration.js";
import { Pipeline } from "../src/pipeline/pipeline.js";
import { silentLogger } from "../src/util/logger.js";
import type { WakeDetection, WakeWordDetector } from "../src/wake/detector.js";
import {
  FakeCommands,
  FakeIntent,
  FakeTranscriber,
  FakeVad,
  kitchenOn,
} from "../test/support/fake-stages.js";
import { prng } from "../test/support/mixed-audio.js";
import { Mosquitto } from "../test/support/mosquitto.js";

const S = 16000;
const FRAME = 1280;
const TRIALS = Number(process.argv[2] ?? 12);
const SHAPES = [
  { name: "typical command", speechSeconds: 1.3, silenceSeconds: 0.7 },
  { name: "short command", speechSeconds: 0.3, silenceSeconds: 0.3 },
];
/** Wake word at 1 s into each trial's audio; speech starts 0.1 s after it. */
const WAKE_AT = 1;
const TRIAL_SECONDS = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class OnceWake implements WakeWordDetector {
  readonly engine = "fake";
  readonly wakeWords = ["hey_jarvis"];
  constructor(
    private readonly at: number,
    private readonly score: number,
  ) {}
  async process(frame: { startSample: number; samples: Int16Array }): Promise<WakeDetection | null> {
    const end = frame.startSample + frame.samples.length;
    if (!(this.at > frame.startSample && this.at <= end)) return null;
    return { wakeWord: "hey_jarvis", score: this.score, endSample: end };
  }
  reset(): void {}
  async dispose(): Promise<void> {}
}

interface Board {
  site: string;
  arbitration: MqttArbitration | null;
}

/** One board's trial: its audio in real time from `delayMs` on; resolves with its run-end. */
async function runBoard(
  board: Board,
  shape: (typeof SHAPES)[number],
  score: number,
  delayMs: number,
): Promise<{ site: string; outcome: string; feltMs?: number; published: boolean; decision?: unknown }> {
  const events: PipelineEvent[] = [];
  const bus = new EventBus(() => performance.now(), "throw");
  bus.onAny((e) => events.push(e));
  const commands = new FakeCommands();
  const speechStart = (WAKE_AT + 0.1) * S;
  const pipeline = new Pipeline({
    site: board.site,
    bus,
    wake: new OnceWake(WAKE_AT * S, score),
    vad: new FakeVad([[speechStart, speechStart + shape.speechSeconds * S]]),
    transcriber: new FakeTranscriber(),
    intent: new FakeIntent({ "turn on the kitchen light": { kind: "execute", intent: kitchenOn, ms: 0 } }),
    commands,
    endpointer: {
      startThreshold: 0.5,
      endThreshold: 0.35,
      noSpeechTimeoutSeconds: 5,
      trailingSilenceSeconds: shape.silenceSeconds,
      maxCommandSeconds: 15,
      minSpeechSeconds: 0.1,
      earlyEndSeconds: null,
    },
    preRollSeconds: 0.5,
    speculative: false,
    sttPrompt: () => "",
    logger: silentLogger(),
  });
  pipeline.rooms.set(board.arbitration as Arbitration | null);
  await sleep(delayMs);
  const start = performance.now();
  for (let position = 0, i = 0; position < TRIAL_SECONDS * S; position += FRAME, i++) {
    // Like a microphone: a frame is there once its audio has been spoken.
    const due = start + ((i + 1) * FRAME * 1000) / S;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    await pipeline.process({ samples: new Int16Array(FRAME), startSample: position });
  }
  await pipeline.finish();
  const end = events.find((e) => e.type === "run-end");
  return {
    site: board.site,
    outcome: end?.type === "run-end" ? end.outcome : "none",
    feltMs: end?.type === "run-end" ? end.feltMs : undefined,
    published: commands.published.length > 0,
    decision: events.find((e) => e.type === "arbitration"),
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const broker = await Mosquitto.start();
  const group = (name: string, windowMs: number): Board[] =>
    ["kitchen", "hallway", "living"].map((site) => ({
      site,
      arbitration: MqttArbitration.start({
        config: configSchema.parse({
          site: `${site}-${name}`,
          mqtt: { url: broker.url },
          rooms: { group: name, arbitration_ms: windowMs },
        }),
        logger: silentLogger(),
      }),
    }));
  const groups = { "window 200 ms": group("g200", 200), "window 1000 ms": group("g1000", 1000) };
  const all = Object.values(groups).flat();
  await Promise.all(all.map((b) => b.arbitration?.firstAttempt(5000)));
  if (!all.every((b) => b.arbitration?.ready)) throw new Error("the boards could not join their groups");
  const random = prng(16);
  console.log(
    `rooms arbitration: ${TRIALS} trials per shape, 3 boards per group, offsets 0-150 ms, Mosquitto on loopback`,
  );
  try {
    for (const shape of SHAPES) {
      const felt: Record<string, number[]> = { "alone (peer)": [] };
      const acting: Record<string, number[]> = {};
      for (const name of Object.keys(groups)) {
        felt[name] = [];
        acting[name] = [];
      }
      for (let trial = 0; trial < TRIALS; trial++) {
        const jobs: Array<Promise<unknown>> = [
          runBoard({ site: "alone", arbitration: null }, shape, 0.9, 0).then(
            (r) => r.feltMs !== undefined && felt["alone (peer)"]?.push(r.feltMs),
          ),
        ];
        for (const [name, boards] of Object.entries(groups)) {
          const runs = boards.map((b) =>
            runBoard(b, shape, Math.round(random() * 50 + 50) / 100, random() * 150),
          );
          jobs.push(
            Promise.all(runs).then((results) => {
              const winners = results.filter((r) => r.published);
              acting[name]?.push(winners.length);
              if (winners.length !== 1)
                for (const r of results)
                  console.log(`  ${name}, ${r.site}: ${r.outcome}`, JSON.stringify(r.decision));
              for (const w of winners) if (w.feltMs !== undefined) felt[name]?.push(w.feltMs);
            }),
          );
        }
        await Promise.all(jobs);
      }
      const peer = percentile(felt["alone (peer)"] ?? [], 50);
      console.log(
        `\n${shape.name} (${shape.speechSeconds} s of speech, ${shape.silenceSeconds} s trailing silence):`,
      );
      for (const [name, values] of Object.entries(felt)) {
        const p50 = percentile(values, 50);
        const counts = acting[name];
        const once = counts
          ? `, exactly one acted in ${counts.filter((n) => n === 1).length}/${counts.length}`
          : "";
        const added =
          name === "alone (peer)"
            ? ""
            : `, added p50 ${(p50 - peer).toFixed(0)} ms, ratio ${(p50 / peer).toFixed(2)}`;
        console.log(
          `  ${name.padEnd(16)} felt p50 ${p50.toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms${added}${once}`,
        );
      }
    }
  } finally {
    await Promise.all(all.map((b) => b.arbitration?.stop()));
    await broker.dispose();
  }
}

await main();
