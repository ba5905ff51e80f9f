// Hearing the command right, end to end: the hearing fixtures ("hey jarvis" + 65 commands and
// 30 out-of-grammar utterances, 8 of them devices the home lacks; seven espeak-ng voices,
// clean / noisy at 10 dB SNR / reverberant;
// scripts/make-hearing-fixtures.ts makes them on demand into bench/out/hearing) through the whole
// daemon with the real models, in the sample home with `area: living room`. Free decoding (the
// peer: today's Whisper, --set stt.guided=false) against grammar-guided decoding (ours,
// stt.guided=true) in the same run, side by side: right / wrong action / rejected per condition,
// voice and no-pause clips, for commands and for out-of-grammar utterances (one executed as a
// command is a wrong action); word error rate of the free text; STT time per command (stt-end
// `ms`); and with --realtime, felt latency (last speech sample -> command) on a sample of clips.
// When this build has no stt.guided, only free decoding runs and the bench says so.
//
// All clips of a run go through one daemon as raw audio on stdin, with silence between them.
//
//   npm run build && npx tsx bench/hearing.ts [--voices en-us,en-029] [--conditions clean,noisy]
//       [--count N (utterances, spread over the list)] [--committed (the 13 CI clips)]
//       [--realtime [--realtime-clips N]] [--set KEY=VALUE (to every daemon run)]
//       [--breath-only | --paused-only] [--gap SECONDS (pause after the wake phrase, default 0.3)]
//       [--mid-pause SECONDS (a pause inside each command of four words or more, before its
//        number or its last two words: with --realtime, whether the early endpoint cuts it)]
//       [--peer-set KEY=VALUE (guided both; the peer column with these settings, e.g.
//        vad.breath_cut=false: today's behaviour)]
//       [--peer-root DIR (guided both; the peer column run by the build in DIR, e.g. main's)]
//       [--realtime-only (skip the pass read as fast as it comes)] [--rounds N (of --realtime)]
//       [--only REGEX (the utterances whose text matches)]

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";
import { BENCH_AREA, midPauseSplit } from "../scripts/hearing-utterances.js";
import {
  allSpecs,
  CONDITIONS,
  type Condition,
  committedSpecs,
  isNoPause,
  type ManifestEntry,
  makeClip,
  VOICES,
} from "../scripts/make-hearing-fixtures.js";
import { readWav16kMono } from "../src/audio/wav.js";
import { encodeWav } from "../src/audio/wav-writer.js";
import {
  type BenchEvent,
  type ClipResult,
  scoreClips,
  type Verdict,
  wordErrorRate,
} from "./hearing-score.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(ROOT, "bin/edge-voice.js");
const OUT = path.join(ROOT, "bench/out/hearing");
/** Kept between bench runs: the first start prepares the Whisper models there. */
const STATE_DIR = path.join(ROOT, "bench/out/hearing-state");
/** Silence between clips: the run ends and the wake detector refills its context. */
const GAP_SECONDS = 2;
/** The answer window after an ask-back: shorter than the silence a clip ends in plus GAP_SECONDS. */
const ANSWER_SECONDS = 1;
const RATE = 16_000;

/** free / guided decoding; or, with --peer-set, guided both ways: "peer" with those settings, "ours" without. */
type Mode = "free" | "guided" | "peer" | "ours";

function options() {
  const { values } = parseArgs({
    options: {
      voices: { type: "string" },
      conditions: { type: "string" },
      count: { type: "string" },
      committed: { type: "boolean" },
      realtime: { type: "boolean" },
      "realtime-clips": { type: "string" },
      set: { type: "string", multiple: true },
      "peer-set": { type: "string", multiple: true },
      "peer-root": { type: "string" },
      "realtime-only": { type: "boolean" },
      rounds: { type: "string" },
      "breath-only": { type: "boolean" },
      "paused-only": { type: "boolean" },
      gap: { type: "string" },
      "mid-pause": { type: "string" },
      only: { type: "string" },
    },
  });
  const voices = values.voices ? VOICES.filter((v) => values.voices?.split(",").includes(v.id)) : VOICES;
  const conditions = (values.conditions?.split(",") ?? [...CONDITIONS]) as Condition[];
  return {
    voices,
    conditions,
    count: values.count ? Number(values.count) : undefined,
    committed: values.committed === true,
    realtime: values.realtime === true,
    realtimeClips: Number(values["realtime-clips"] ?? 12),
    /** Extra daemon settings for every run, e.g. --set vad.pre_roll_seconds=0.5. */
    sets: values.set ?? [],
    peerSets: values["peer-set"] ?? [],
    /** The peer column's bin: another build's (--peer-root), else this one's. */
    peerBin: values["peer-root"] ? path.join(path.resolve(values["peer-root"]), "bin/edge-voice.js") : null,
    realtimeOnly: values["realtime-only"] === true,
    rounds: Number(values.rounds ?? 1),
    /** Only the utterances said in one breath with the wake phrase (or only the others). */
    breath: values["breath-only"] ? true : values["paused-only"] ? false : null,
    gapSeconds: values.gap === undefined ? undefined : Number(values.gap),
    /** A pause this long inside each command (midPauseSplit); commands without one are left out. */
    midPauseSeconds: values["mid-pause"] === undefined ? undefined : Number(values["mid-pause"]),
    /** Only the utterances whose text matches this regular expression (as bench/hearing-decode.ts). */
    only: values.only ? new RegExp(values.only) : null,
  };
}

function writeConfig(): string {
  const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8"));
  mkdirSync(STATE_DIR, { recursive: true });
  const file = path.join(os.tmpdir(), "edge-voice-bench-hearing.yaml");
  // Timers are published, not run here: the stream is read ~10x faster than it plays, so a
  // two-minute timer set by one clip rang (on the wall clock) over the clips a few hundred
  // seconds of audio later, gating the microphone: they were counted as wake words missed.
  const timers = { ...(home.timers ?? {}), enabled: false };
  const config = { ...home, area: BENCH_AREA, state_dir: STATE_DIR, timers, log: { level: "warn" } };
  writeFileSync(file, stringify(config));
  return file;
}

/** True when this build knows stt.guided (the guided decoder has landed). */
function guidedAvailable(config: string): boolean {
  const check = spawnSync(BIN, ["config", "--check", "--config", config, "--set", "stt.guided=true"]);
  return check.status === 0;
}

/** All clips back to back with GAP_SECONDS of silence; returns the stream and each clip's offset. */
async function stream(
  dir: string,
  entries: ManifestEntry[],
): Promise<{ audio: Buffer; offsetsMs: number[] }> {
  const parts: Buffer[] = [];
  const offsetsMs: number[] = [];
  let samples = 0;
  const gap = Buffer.alloc(GAP_SECONDS * RATE * 2);
  for (const entry of entries) {
    const wav = await readWav16kMono(path.join(dir, entry.file));
    offsetsMs.push((samples / RATE) * 1000);
    parts.push(Buffer.from(wav.samples.buffer, wav.samples.byteOffset, wav.samples.byteLength), gap);
    samples += wav.samples.length + GAP_SECONDS * RATE;
  }
  return { audio: Buffer.concat(parts), offsetsMs };
}

async function runDaemon(
  config: string,
  mode: Mode | null,
  audio: Buffer,
  realtime: boolean,
  sets: string[],
  bin = BIN,
): Promise<BenchEvent[]> {
  // Only a WAV file input is paced by --realtime; stdin is read as fast as it comes.
  const wav = path.join(OUT, "realtime.wav");
  if (realtime) {
    const samples = new Int16Array(audio.buffer, audio.byteOffset, audio.byteLength / 2);
    writeFileSync(wav, encodeWav(samples));
  }
  const input = realtime ? ["--input", wav, "--realtime"] : ["--input", "-"];
  const args = ["run", "--config", config, ...input, "--events", "json", "--no-mqtt"];
  if (mode) args.push("--set", `stt.guided=${mode !== "free"}`);
  // The window a question opens ("did you mean ...? say yes") closes before the next clip, so
  // each clip wakes the board itself: with the default 8 s, the next clip was said into it
  // and judged as a follow-up (never asked back), and a rule that asked more moved the
  // verdicts of clips it never touched (docs/stt.md, session 30). --set may still change it.
  args.push("--set", `conversation.answer_seconds=${ANSWER_SECONDS}`);
  for (const set of sets) args.push("--set", set);
  forgetEarlierRuns();
  const child = spawn(bin, args, { stdio: ["pipe", "pipe", "inherit"] });
  const events: BenchEvent[] = [];
  let buffer = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) events.push(JSON.parse(line) as BenchEvent);
  });
  child.stdin.on("error", () => {});
  child.stdin.end(realtime ? undefined : audio);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`edge-voice exited ${code}`);
  return events;
}

/**
 * Each daemon starts as a fresh board but for its prepared models: timers set by an earlier
 * run's clips would otherwise ring (and gate the microphone) in this one.
 */
function forgetEarlierRuns(): void {
  for (const name of readdirSync(STATE_DIR))
    if (name !== "prepared" && name !== "model-hashes.json")
      rmSync(path.join(STATE_DIR, name), { recursive: true, force: true });
}

function count(results: ClipResult[], verdict: Verdict): number {
  return results.filter((r) => r.verdict === verdict).length;
}

function cell(results: ClipResult[]): string {
  if (results.length === 0) return "-".padEnd(24);
  const pct = (v: Verdict) => `${Math.round((100 * count(results, v)) / results.length)}%`;
  // a: guesses asked back, what was said / not (each would take a "yes" / a "no").
  const text = `${count(results, "right")}/${results.length} ${pct("right")} w${count(results, "wrong")} r${count(results, "rejected") + count(results, "no-wake")} a${count(results, "asked")}/${count(results, "asked-wrong")}`;
  return text.padEnd(24);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function printTable(byMode: Map<Mode, ClipResult[]>): void {
  const modes = [...byMode.keys()];
  const groups: Array<[string, (r: ClipResult) => boolean]> = [
    ["all", () => true],
    ...CONDITIONS.map((c): [string, (r: ClipResult) => boolean] => [c, (r) => r.entry.condition === c]),
    ...VOICES.map((v): [string, (r: ClipResult) => boolean] => [v.voice, (r) => r.entry.voice === v.voice]),
    ["said without a pause", (r) => r.entry.noPause],
  ];
  const titles: Record<Mode, string> = {
    free: "free (peer)",
    guided: "guided (ours)",
    peer: "peer (--peer-set/root)",
    ours: "ours",
  };
  const header = `${"".padEnd(22)}${modes.map((m) => titles[m].padEnd(24)).join("")}`;
  for (const [title, inGrammar] of [
    ["COMMANDS (right / wrong action w / rejected or not woken r / asked back a: right/wrong guess)", true],
    ["OUT OF GRAMMAR (right = not executed; w = executed as a command)", false],
  ] as const) {
    console.log(`\n${title}\n${header}`);
    for (const [name, pick] of groups) {
      const rows = modes.map((m) =>
        (byMode.get(m) ?? []).filter((r) => pick(r) && (r.entry.expect !== "reject") === inGrammar),
      );
      if (rows.every((r) => r.length === 0)) continue;
      console.log(`${name.padEnd(22)}${rows.map(cell).join("")}`);
    }
  }
  console.log("");
  for (const mode of modes) {
    const results = byMode.get(mode) ?? [];
    const stt = results.flatMap((r) => (r.sttMs === null ? [] : [r.sttMs]));
    const noWake = count(results, "no-wake");
    console.log(
      `${mode.padEnd(7)} WER (free text) ${wordErrorRate(results).toFixed(3)}   STT per command median ${median(stt)} ms, ` +
        `p90 ${[...stt].sort((a, b) => a - b)[Math.floor(stt.length * 0.9)] ?? "-"} ms   wake word missed ${noWake}/${results.length}`,
    );
  }
}

/** Felt latency of each right command, and whether the guided pass's sentence was the one taken. */
function feltLatency(
  results: ClipResult[],
  offsetsMs: number[],
  events: BenchEvent[],
): Array<{ ms: number; guided: boolean }> {
  const audioStart = events.find((e) => e.type === "audio-start")?.t ?? 0;
  return results.flatMap((r, i) =>
    r.verdict === "right" && r.commandT !== null && r.entry.expect !== "reject"
      ? [
          {
            ms: r.commandT - (audioStart + (offsetsMs[i] ?? 0) + r.entry.speechEndMs),
            guided: r.chosen !== null,
          },
        ]
      : [],
  );
}

/**
 * "median M ms over N" for the commands Whisper heard right freely and for those the
 * guided pass's sentence made right: the two feel different (the second waits for a search).
 */
function bySource(felt: Array<{ ms: number; guided: boolean }>): string {
  const part = (guided: boolean) => {
    const ms = felt.filter((f) => f.guided === guided).map((f) => f.ms);
    return ms.length ? `median ${median(ms).toFixed(0)} ms over ${ms.length}` : "none";
  };
  return `heard freely: ${part(false)}; guided: ${part(true)}`;
}

async function main(): Promise<void> {
  const opts = options();
  const dir = opts.committed ? path.join(ROOT, "test/fixtures/wav/hearing") : OUT;
  mkdirSync(dir, { recursive: true });
  const specs = (opts.committed ? committedSpecs() : allSpecs(opts.voices, opts.conditions, opts.count))
    .filter((spec) => opts.breath === null || isNoPause(spec.index) === opts.breath)
    .filter((spec) => !opts.only || opts.only.test(spec.utterance.text))
    .map((spec) => (opts.gapSeconds === undefined ? spec : { ...spec, gapSeconds: opts.gapSeconds }))
    .filter((spec) => opts.midPauseSeconds === undefined || midPauseSplit(spec.utterance.text) !== null)
    .map((spec) =>
      opts.midPauseSeconds === undefined ? spec : { ...spec, midPauseSeconds: opts.midPauseSeconds },
    );
  const entries = specs.map((spec) => makeClip(spec, dir));
  const config = writeConfig();
  const guided = guidedAvailable(config);
  const modes: Array<Mode | null> =
    guided && (opts.peerSets.length > 0 || opts.peerBin)
      ? ["peer", "ours"]
      : guided
        ? ["free", "guided"]
        : [null];
  const binOf = (mode: Mode | null) => (mode === "peer" && opts.peerBin) || BIN;
  const audioSeconds = entries.reduce((s, e) => s + e.durationMs / 1000 + GAP_SECONDS, 0);
  console.log(
    `${entries.length} clips (${entries.filter((e) => e.expect !== "reject").length} commands), ` +
      `${audioSeconds.toFixed(0)} s of audio, from ${path.relative(ROOT, dir)}; ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  if (!guided)
    console.log("guided decoding is not available in this build (no stt.guided): free decoding only");
  const { audio, offsetsMs } = await stream(dir, entries);
  const byMode = new Map<Mode, ClipResult[]>();
  for (const mode of opts.realtimeOnly ? [] : modes) {
    const started = performance.now();
    const sets = mode === "peer" ? [...opts.sets, ...opts.peerSets] : opts.sets;
    const events = await runDaemon(config, mode, audio, false, sets, binOf(mode));
    byMode.set(mode ?? "free", scoreClips(entries, offsetsMs, events));
    console.log(`${mode ?? "free"}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  if (byMode.size > 0) printTable(byMode);
  for (const mode of byMode.keys()) {
    const misses = (byMode.get(mode) ?? []).filter((r) => r.verdict !== "right");
    console.log(`\n${mode} misses:`);
    for (const r of misses)
      console.log(
        `  ${r.verdict.padEnd(8)} ${r.entry.file}: heard ${JSON.stringify(r.heard)}` +
          (r.chosen ? `, chose ${JSON.stringify(r.chosen)}` : "") +
          (r.verdict === "wrong" ? `, did ${r.did.join("; ")}` : ""),
      );
  }
  if (opts.realtime) await timeFeltLatency(opts, config, dir, entries, modes, binOf);
}

/**
 * Felt latency on a sample (commands only, first clips), realtime pacing; with --rounds N the
 * modes run N times, their order swapped each round, so a load that moves hits both alike.
 */
async function timeFeltLatency(
  opts: ReturnType<typeof options>,
  config: string,
  dir: string,
  entries: ManifestEntry[],
  modes: Array<Mode | null>,
  binOf: (mode: Mode | null) => string,
): Promise<void> {
  const picked = entries.filter((entry) => entry.expect !== "reject").slice(0, opts.realtimeClips);
  const realtime = await stream(dir, picked);
  console.log(`\nfelt latency (--realtime, last speech sample -> command), ${picked.length} clips:`);
  const pooled = new Map<string, Array<{ ms: number; guided: boolean }>>();
  for (let round = 0; round < opts.rounds; round++) {
    for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
      const sets = mode === "peer" ? [...opts.sets, ...opts.peerSets] : opts.sets;
      const events = await runDaemon(config, mode, realtime.audio, true, sets, binOf(mode));
      const results = scoreClips(picked, realtime.offsetsMs, events);
      const felt = feltLatency(results, realtime.offsetsMs, events);
      pooled.set(mode ?? "free", [...(pooled.get(mode ?? "free") ?? []), ...felt]);
      const ms = felt.map((f) => f.ms);
      console.log(
        `${(mode ?? "free").padEnd(7)} median ${median(ms).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms ` +
          `over ${felt.length} right commands (${cell(results).trim()}), load ${os.loadavg()[0]?.toFixed(1)}\n` +
          `        ${bySource(felt)}`,
      );
      for (const r of results.filter((r) => r.verdict !== "right"))
        console.log(`  ${r.verdict.padEnd(8)} ${r.entry.file}: heard ${JSON.stringify(r.heard)}`);
    }
  }
  if (opts.rounds > 1)
    for (const [mode, felt] of pooled)
      console.log(
        `${mode.padEnd(7)} pooled median ${median(felt.map((f) => f.ms)).toFixed(0)} ms over ${felt.length} (${bySource(felt)})`,
      );
}

await main();
