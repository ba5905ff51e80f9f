// End to end, as a person feels it: the e2e WAV ("hey jarvis, turn on the kitchen light")
// fed with --realtime through the whole daemon (real models, embedded broker), RUNS times.
// Prints the median time from the last sample of speech to the device command being
// published, wake -> action, and peak RSS; with speculative transcription (ours) against the
// same daemon without it (the peer: transcription only after the endpoint), and with the LLM
// when a GGUF is given (EDGE_VOICE_BENCH_GGUF or models/tinyllama-1.1b-chat-iq2_xxs/*.gguf),
// and with stt.int8_output_layer (faster decoding, slightly less accurate). Every daemon
// shares one fresh state directory: the first start prepares the Whisper models (its peak is
// printed on its own), and each configuration gets one unmeasured start before its runs, so
// the figures are those of a board's every-day start.
//
//   npm run build && npx tsx bench/e2e.ts        (RUNS=10 by default)
//
// PEER_ROOT=DIR (another checkout, built, e.g. main's) instead measures this build against that
// one, both with the default config, runs alternating so a load that moves hits both alike:
// the medians and the median of each pair's ratio.

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

/** This build against the one in `peerRoot`, runs alternating; prints medians and the median pair ratio. */
async function againstPeerBuild(peerRoot: string, speechEndMs: number): Promise<void> {
  const peerBin = path.join(path.resolve(peerRoot), "bin/edge-voice.js");
  const config = writeConfig("ours", {});
  await once(config, speechEndMs);
  await once(config, speechEndMs, peerBin);
  const ours: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push((await once(config, speechEndMs)).endOfSpeechToCommandMs);
    peer.push((await once(config, speechEndMs, peerBin)).endOfSpeechToCommandMs);
    console.log(
      `pair ${i + 1}: ours ${ours[i]?.toFixed(0)} ms, peer ${peer[i]?.toFixed(0)} ms, load ${os.loadavg()[0]?.toFixed(1)}`,
    );
  }
  const ratios = ours.map((o, i) => o / (peer[i] ?? Number.NaN));
  console.log(
    `end of speech -> command, median: ours ${median(ours).toFixed(0)} ms, peer build (${peerRoot}) ` +
      `${median(peer).toFixed(0)} ms; median ratio ours/peer of a pair ${median(ratios).toFixed(2)}, ` +
      `ours faster in ${ratios.filter((r) => r < 1).length} of ${RUNS} pairs`,
  );
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
  if (process.env.PEER_ROOT) return againstPeerBuild(process.env.PEER_ROOT, speechEndMs);
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
    "speculative, int8 output layer",
    writeConfig("int8", { stt: { int8_output_layer: true } }),
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
