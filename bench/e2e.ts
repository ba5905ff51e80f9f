// End to end, as a person feels it: the e2e WAV ("hey jarvis, turn on the kitchen light")
// fed with --realtime through the whole daemon (real models, embedded broker), RUNS times.
// Prints the median time from the last sample of speech to the device command being
// published, wake -> action, and peak RSS; with speculative transcription (ours) against the
// same daemon without it (the peer: transcription only after the endpoint), and with the LLM
// when a GGUF is given (EDGE_VOICE_BENCH_GGUF or models/tinyllama-1.1b-chat-iq2_xxs/*.gguf),
// and with stt.output_layer blocks (what auto chooses below 1.5 GiB: exact, less memory, slower
// guided decoding; ours is auto's choice on this machine) and int8 (faster decoding, slightly
// less accurate). Every daemon
// shares one fresh state directory: the first start prepares the Whisper models (its peak is
// printed on its own), and each configuration gets one unmeasured start before its runs, so
// the figures are those of a board's every-day start.
//
//   npm run build && npx tsx bench/e2e.ts        (RUNS=10 by default)
//
// PEER_ROOT=DIR (another checkout, built, e.g. main's) instead measures this build against that
// one, both with the default config, runs alternating so a load that moves hits both alike:
// the medians and the median of each pair's ratio. EARCONS_PEER=1 instead measures this build
// with feedback.earcons on against off (and the PEER_ROOT build's, if set), alternating the
// same way (no sound card needed: a player that fails at once costs what starting it costs).

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { readWav16kMono } from "../src/audio/wav.js";
import type { PipelineEvent } from "../src/events/types.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WAV = path.join(ROOT, "test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav");
const BIN = path.join(ROOT, "bin/edge-voice.js");
const RUNS = Number(process.env.RUNS ?? 10);
const STATE_DIR = mkdtempSync(path.join(os.tmpdir(), "edge-voice-bench-state-"));
/** The last sample of speech: the last one louder than -36 dBFS (espeak-ng's own trailing silence is not speech). */
function lastSpeechMs(samples: Int16Array): number {
  for (let i = samples.length - 1; i >= 0; i--)
    if (Math.abs(samples[i] ?? 0) > 500) return (i / 16000) * 1000;
  return 0;
}

/** This process's environment without the bench's own variable: EDGE_VOICE_* are config overrides to the daemon, and it refuses unknown ones. */
function daemonEnv(): NodeJS.ProcessEnv {
  const { EDGE_VOICE_BENCH_GGUF: _, ...env } = process.env;
  return env;
}

interface Result {
  endOfSpeechToCommandMs: number;
  wakeToActionMs: number;
  peakRssMb: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function peakRssKb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function once(config: string, speechEndMs: number, bin = BIN): Promise<Result> {
  // The command itself, as systemd and a shell run it: its shebang carries node's flags.
  const child = spawn(bin, ["run", "--config", config, "--input", WAV, "--realtime", "--events", "json"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...daemonEnv(), EDGE_VOICE_LOG__LEVEL: "warn" },
  });
  const events: PipelineEvent[] = [];
  let buffer = "";
  let peak = 0;
  const poll = setInterval(() => {
    if (child.pid) peak = Math.max(peak, peakRssKb(child.pid));
  }, 100);
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) events.push(JSON.parse(line) as PipelineEvent);
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearInterval(poll);
  if (code !== 0) throw new Error(`edge-voice exited ${code}`);
  const t = (type: string, match: (e: PipelineEvent) => boolean = () => true) =>
    events.find((e) => e.type === type && match(e))?.t ?? Number.NaN;
  const audioStart = t("audio-start");
  const published = t(
    "mqtt-publish",
    (e) => e.type === "mqtt-publish" && e.topic === "home/kitchen_light/set",
  );
  return {
    endOfSpeechToCommandMs: published - (audioStart + speechEndMs),
    wakeToActionMs: published - t("wake_word-end"),
    peakRssMb: peak / 1024,
  };
}

async function measure(name: string, config: string, speechEndMs: number): Promise<Result> {
  await once(config, speechEndMs);
  const results: Result[] = [];
  for (let i = 0; i < RUNS; i++) results.push(await once(config, speechEndMs));
  const result = {
    endOfSpeechToCommandMs: median(results.map((r) => r.endOfSpeechToCommandMs)),
    wakeToActionMs: median(results.map((r) => r.wakeToActionMs)),
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
  };
  console.log(
    `${name.padEnd(34)} end of speech -> command ${result.endOfSpeechToCommandMs.toFixed(0).padStart(5)} ms   ` +
      `wake -> action ${result.wakeToActionMs.toFixed(0).padStart(5)} ms   peak RSS ${result.peakRssMb.toFixed(0)} MB`,
  );
  return result;
}

function writeConfig(name: string, changes: Record<string, unknown>): string {
  const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8"));
  const file = path.join(os.tmpdir(), `edge-voice-bench-${name}.yaml`);
  const config = { ...home, ...changes, state_dir: STATE_DIR, mqtt: { url: null, embedded_port: 0 } };
  writeFileSync(file, stringify(config));
  return file;
}

/** One daemon to measure: a config and the build that runs it. */
interface Variant {
  name: string;
  config: string;
  bin: string;
}

/**
 * Daemons measured in turn, one run of each per round (a load that moves hits all alike): each
 * one's median, and for each pair (first and second, third and fourth) the median ratio of a round.
 */
async function alternating(variants: Variant[], speechEndMs: number): Promise<void> {
  for (const v of variants) await once(v.config, speechEndMs, v.bin);
  const times: number[][] = variants.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    const round: string[] = [];
    for (const [j, v] of variants.entries()) {
      const ms = (await once(v.config, speechEndMs, v.bin)).endOfSpeechToCommandMs;
      times[j]?.push(ms);
      round.push(`${v.name} ${ms.toFixed(0)} ms`);
    }
    console.log(`round ${i + 1}: ${round.join(", ")}, load ${os.loadavg()[0]?.toFixed(1)}`);
  }
  const medians = variants.map((v, j) => `${v.name} ${median(times[j] ?? []).toFixed(0)} ms`);
  console.log(`end of speech -> command, median: ${medians.join(", ")}`);
  for (let j = 0; j + 1 < variants.length; j += 2) {
    const [a = [], b = []] = [times[j], times[j + 1]];
    const ratios = a.map((ms, i) => ms / (b[i] ?? Number.NaN));
    console.log(
      `${variants[j]?.name} / ${variants[j + 1]?.name}: median ratio of a round ${median(ratios).toFixed(2)}, ` +
        `lower in ${ratios.filter((r) => r < 1).length} of ${RUNS} rounds`,
    );
  }
}

function findGguf(): string | null {
  const fromEnv = process.env.EDGE_VOICE_BENCH_GGUF;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const local = path.join(ROOT, "models/tinyllama-1.1b-chat-iq2_xxs");
  return existsSync(local) ? "tinyllama-1.1b-chat-iq2_xxs" : null;
}

async function main(): Promise<void> {
  const audio = await readWav16kMono(WAV);
  const speechEndMs = lastSpeechMs(audio.samples);
  console.log(
    `e2e WAV ${WAV} (${(audio.samples.length / 16000).toFixed(2)} s, speech ends at ${speechEndMs.toFixed(0)} ms)`,
  );
  console.log(
    `${RUNS} runs each, --realtime, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  const first = await once(writeConfig("ours", {}), speechEndMs);
  console.log(`${"first start (prepares the models)".padEnd(34)} peak RSS ${first.peakRssMb.toFixed(0)} MB`);
  const peerRoot = process.env.PEER_ROOT;
  const peerBin = peerRoot ? path.join(path.resolve(peerRoot), "bin/edge-voice.js") : null;
  if (process.env.EARCONS_PEER) {
    // What the earcons cost the command: with them on against off, this build (and the peer's).
    const on = writeConfig("earcons", { feedback: { earcons: true } });
    const off = writeConfig("ours", {});
    const builds: Array<[string, string]> = [
      ["ours", BIN],
      ...(peerBin ? [["peer", peerBin] as [string, string]] : []),
    ];
    const variants = builds.flatMap(([name, bin]) => [
      { name: `${name}, earcons on`, config: on, bin },
      { name: `${name}, earcons off`, config: off, bin },
    ]);
    return alternating(variants, speechEndMs);
  }
  if (peerBin) {
    const config = writeConfig("ours", {});
    const peer = { name: `peer build (${peerRoot})`, config, bin: peerBin };
    return alternating([{ name: "ours", config, bin: BIN }, peer], speechEndMs);
  }
  const ours = await measure("speculative STT (ours)", writeConfig("ours", {}), speechEndMs);
  const peer = await measure(
    "STT after the endpoint (peer)",
    writeConfig("peer", { stt: { speculative: false } }),
    speechEndMs,
  );
  console.log(
    `ratio peer/ours: ${(peer.endOfSpeechToCommandMs / ours.endOfSpeechToCommandMs).toFixed(2)}x  ` +
      `goal < 1200 ms (stretch 900 ms): ${ours.endOfSpeechToCommandMs < 1200 ? "met" : "NOT met"}; ` +
      `RSS < 400 MB without the LLM: ${ours.peakRssMb < 400 ? "met" : "NOT met"}`,
  );
  await measure(
    "speculative, blocks output layer",
    writeConfig("blocks", { stt: { output_layer: "blocks" } }),
    speechEndMs,
  );
  await measure(
    "speculative, int8 output layer",
    writeConfig("int8", { stt: { output_layer: "int8" } }),
    speechEndMs,
  );
  const gguf = findGguf();
  if (!gguf) {
    console.log("LLM: no GGUF found (set EDGE_VOICE_BENCH_GGUF); skipped");
    return;
  }
  await measure(
    "with the LLM loaded (fallback)",
    writeConfig("llm", { llm: { model: gguf, threads: 2 } }),
    speechEndMs,
  );
}

try {
  await main();
} finally {
  rmSync(STATE_DIR, { recursive: true, force: true });
}
