// Where the guided decoder's misses come from. The hearing fixtures go through the whole
// daemon in this process (the same stages, pipeline and endpointing as `edge-voice run`),
// with guided decoding on; after each free pass the sentence that was said is scored over the
// same encoder output (hearing-reference.ts). Every in-grammar clip that did not come out
// right is then put in one class:
//   (a) search:      the grammar's best sentence is wrong (or none), and the said sentence
//                    scores better than it: the beam lost it;
//   (b) calibration: the grammar's best sentence is right, a threshold or rule refused it;
//   (c) model:       the said sentence scores worse than the wrong sentence the beam found;
//   free-wrong:      the free text was understood as it was, and wrongly (no guided pass);
//   not woken.
// With --try SETTINGS (e.g. --try beam=8 --try beam=4,minScore=-1.6) each free pass is also
// decoded with those guided settings, and the table shows what each would have done
// (right / wrong action / rejected), judged by the same templates.
//
//   npm run build && nice -n 10 npx tsx bench/hearing-diagnose.ts --voices en-us,en-029 \
//       --count 24 [--conditions clean] [--try beam=8]

import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { BENCH_AREA } from "../scripts/hearing-utterances.js";
import { allSpecs, CONDITIONS, type Condition, makeClip, VOICES } from "../scripts/make-hearing-fixtures.js";
import { readWav16kMono } from "../src/audio/wav.js";
import { validate } from "../src/config/load.js";
import { Daemon } from "../src/daemon.js";
import { EventBus } from "../src/events/bus.js";
import type { TranscriptGuide } from "../src/stt/guide.js";
import type { GuidedPass } from "../src/stt/guided-pass.js";
import type { FreePass, GuidedSettings } from "../src/stt/guided-types.js";
import type { TranscribeOptions } from "../src/stt/transcriber.js";
import { WhisperTranscriber } from "../src/stt/whisper.js";
import { createLogger } from "../src/util/logger.js";
import { type Probe, probe, type Trial, trial } from "./hearing-probe.js";
import { type BenchEvent, type ClipResult, matches, scoreClips } from "./hearing-score.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(ROOT, "bench/out/hearing");
const STATE_DIR = path.join(ROOT, "bench/out/hearing-state");
const GAP_SECONDS = 2;
const RATE = 16_000;

/** stt.guided_min_score's default: a said sentence below it would be refused anyway. */
const MIN_SCORE = -1.4;
/** The home's sentence space as the pipeline handed it to the transcriber. */
let seenGuide: TranscriptGuide | null = null;

function options() {
  const { values } = parseArgs({
    options: {
      voices: { type: "string" },
      conditions: { type: "string" },
      count: { type: "string" },
      try: { type: "string", multiple: true },
      set: { type: "string", multiple: true },
    },
  });
  return {
    voices: values.voices ? VOICES.filter((v) => values.voices?.split(",").includes(v.id)) : VOICES,
    conditions: (values.conditions?.split(",") ?? [...CONDITIONS]) as Condition[],
    count: values.count ? Number(values.count) : undefined,
    tries: values.try ?? [],
    sets: values.set ?? [],
  };
}

function config(sets: string[]) {
  const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8")) as Record<string, unknown>;
  mkdirSync(STATE_DIR, { recursive: true });
  const raw = { ...home, area: BENCH_AREA, state_dir: STATE_DIR, log: { level: "warn" } } as Record<
    string,
    unknown
  >;
  // The probes run inside each transcription: the stage's time limit must not cut them.
  for (const set of ["stt.timeout_seconds=300", ...sets, "stt.guided=true"]) {
    const [key, value] = set.split("=") as [string, string];
    const parts = key.split(".");
    let node = raw;
    for (const part of parts.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts.at(-1) as string] = parse(value);
  }
  return validate(raw);
}

async function main(): Promise<void> {
  const opts = options();
  const cfg = config(opts.sets);
  const base: GuidedSettings = {
    beam: cfg.stt.guided_beam,
    maxTokens: Math.min(cfg.stt.max_tokens, 48),
    thresholds: {
      minScore: cfg.stt.guided_min_score,
      minScoreSensitive: cfg.stt.guided_min_score_sensitive,
      minMargin: cfg.stt.guided_min_margin,
      maxDrop: cfg.stt.guided_max_drop,
    },
  };
  const trials = opts.tries.map((t) => trial(t, base));
  mkdirSync(OUT, { recursive: true });
  const entries = allSpecs(opts.voices, opts.conditions, opts.count).map((spec) => makeClip(spec, OUT));
  const parts: Buffer[] = [];
  const offsetsMs: number[] = [];
  let samples = 0;
  for (const entry of entries) {
    const wav = await readWav16kMono(path.join(OUT, entry.file));
    offsetsMs.push((samples / RATE) * 1000);
    parts.push(Buffer.from(wav.samples.buffer, wav.samples.byteOffset, wav.samples.byteLength));
    parts.push(Buffer.alloc(GAP_SECONDS * RATE * 2));
    samples += wav.samples.length + GAP_SECONDS * RATE;
  }
  console.log(`${entries.length} clips, load ${(await import("node:os")).loadavg()[0]?.toFixed(1)}`);

  const bus = new EventBus();
  const events: BenchEvent[] = [];
  let runId = "";
  let clip = -1;
  bus.onAny((event) => {
    events.push(event as unknown as BenchEvent);
    if (event.type === "run-start") runId = event.runId;
    if (event.type === "wake_word-end") clip = offsetsMs.findLastIndex((o) => o <= event.audioMs);
  });
  const probes: Probe[] = [];
  const passes = new Map<Trial, GuidedPass>();
  const original = WhisperTranscriber.prototype.transcribe;
  WhisperTranscriber.prototype.transcribe = function (this: WhisperTranscriber, audio, options = {}) {
    const guide = options.guide;
    if (guide) seenGuide = guide;
    const at = { runId, clip };
    const inspect = async (free: FreePass) => {
      const entry = entries[at.clip];
      if (!guide || !entry) return;
      const found = await probe(this, free, guide, entry.text, trials, passes, at);
      probes.push(found);
      // As it goes, so a long run shows something before its end.
      const tried = found.trials.map((t) => `${JSON.stringify(t.chosen)} ${t.ms?.toFixed(0) ?? "-"} ms`);
      console.log(
        `${entry.file}: free ${JSON.stringify(free.text)} said ${found.reference?.score.toFixed(2) ?? "-"} | ${tried.join(" | ")}`,
      );
    };
    return original.call(this, audio, { ...options, inspect } satisfies TranscribeOptions);
  };
  const logger = createLogger({ level: "warn", format: "json" });
  const daemon = await Daemon.start({
    config: cfg,
    bus,
    logger,
    input: "-",
    stdin: Readable.from([Buffer.concat(parts)]),
    mqtt: false,
    env: {},
    cwd: ROOT,
  });
  await daemon.run();
  await daemon.close();
  const results = scoreClips(entries, offsetsMs, events);
  report(results, events, probes, trials);
}

/** right / wrong / rejected for a text, judged by the home's templates (the guide's meaning). */
function judgeText(
  guide: TranscriptGuide,
  text: string,
  expect: ClipResult["entry"]["expect"],
): "right" | "wrong" | "rejected" {
  const meaning = guide.meaning(text);
  if (!meaning.startsWith("[")) return "rejected";
  const [intent, targets, slots] = JSON.parse(meaning) as [string, string[], Record<string, unknown>];
  if (expect === "reject") return "wrong";
  return matches({ intent, targets, slots }, expect) ? "right" : "wrong";
}

type Counts = { right: number; wrong: number; rejected: number; oogExecuted: number };

function count(counts: Counts, inGrammar: boolean, verdict: string): void {
  if (!inGrammar) {
    if (verdict === "wrong") counts.oogExecuted++;
  } else if (verdict === "right") counts.right++;
  else if (verdict === "wrong") counts.wrong++;
  else counts.rejected++;
}

function report(results: ClipResult[], events: BenchEvent[], probes: Probe[], trials: Trial[]): void {
  const sttEnd = new Map(
    events.filter((e) => e.type === "stt-end" && e.runId).map((e) => [e.runId as string, e as SttEnd]),
  );
  const classes = new Map<string, string[]>();
  const production: Counts = { right: 0, wrong: 0, rejected: 0, oogExecuted: 0 };
  const tried: Counts[] = trials.map(() => ({ right: 0, wrong: 0, rejected: 0, oogExecuted: 0 }));
  const free: Counts = { right: 0, wrong: 0, rejected: 0, oogExecuted: 0 };
  results.forEach((r, i) => {
    const inGrammar = r.entry.expect !== "reject";
    count(production, inGrammar, r.verdict);
    const p = probes.filter((x) => x.clip === i).at(-1);
    if (p && seenGuide) {
      const guide = seenGuide;
      count(free, inGrammar, judgeText(guide, p.freeText, r.entry.expect));
      p.trials.forEach((t, k) => {
        count(tried[k] as Counts, inGrammar, judgeText(guide, t.chosen, r.entry.expect));
      });
    }
    // Not woken, or nothing transcribed: the same for every decoding.
    else for (const c of [free, ...tried]) count(c, inGrammar, r.verdict === "wrong" ? "wrong" : "rejected");
    if (!inGrammar || r.verdict === "right") return;
    const [name, line] = classify(r, p, p ? sttEnd.get(p.runId) : undefined);
    classes.set(name, [...(classes.get(name) ?? []), line]);
  });
  const commands = results.filter((r) => r.entry.expect !== "reject").length;
  const oog = results.length - commands;
  const show = (c: Counts) =>
    `commands right ${c.right}/${commands}, wrong ${c.wrong}, rejected ${c.rejected}; out of grammar executed ${c.oogExecuted}/${oog}`;
  console.log(`\nfree decoding (peer: the same free passes) ${show(free)}`);
  console.log(`this build's settings (end to end)  ${show(production)}`);
  trials.forEach((t, k) => {
    const ms = probes.flatMap((p) => (p.trials[k]?.ms == null ? [] : [p.trials[k]?.ms as number]));
    const median = [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? 0;
    console.log(
      `try ${t.name.padEnd(32)} ${show(tried[k] as Counts)}; guided pass median ${median.toFixed(0)} ms over ${ms.length}`,
    );
  });
  console.log("\nMISSES BY CAUSE (in-grammar commands not right, this build's settings)");
  for (const [name, lines] of [...classes].sort((a, b) => b[1].length - a[1].length)) {
    console.log(`\n${lines.length}  ${name}`);
    for (const line of lines) console.log(`    ${line}`);
  }
}

interface SttEnd extends BenchEvent {
  guidedWhy?: string;
  guidedText?: string;
  guidedScore?: number;
}

/** The class of one miss, and a line that shows why. */
function classify(r: ClipResult, p: Probe | undefined, stt: SttEnd | undefined): [string, string] {
  const name = r.entry.file.replace(/\.wav$/, "");
  if (r.verdict === "no-wake" || !p || !stt || !seenGuide) return ["not woken / no transcript", name];
  const why = stt.guidedWhy;
  const text = stt.guidedText ?? null;
  const score = stt.guidedScore ?? null;
  const ref = p.reference;
  const line =
    `${name}: free ${JSON.stringify(p.freeText)} ${p.freeScore.toFixed(2)} | beam ${JSON.stringify(text)} ` +
    `${score?.toFixed(2) ?? "-"} (${why}) | said ${ref ? `${JSON.stringify(ref.text)} ${ref.score.toFixed(2)}` : "unreachable"}`;
  if (why === "understood" || why === undefined) return ["free-wrong: free text understood, wrongly", line];
  if (text !== null && judgeText(seenGuide, text, r.entry.expect) === "right")
    return [`(b) calibration: right sentence refused (${why})`, line];
  const clears = ref !== null && ref.score >= MIN_SCORE ? "" : ` (said one below ${MIN_SCORE} anyway)`;
  if (ref !== null && (score === null || ref.score > score))
    return [`(a) search: the said sentence scores better, the beam lost it${clears}`, line];
  return [`(c) model: a wrong sentence scores better${clears}`, line];
}

await main();
