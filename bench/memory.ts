// Memory of the whole daemon over minutes of mixed audio (the soak's audio: commands, silence,
// noise, speech without the wake word) on stdin, faster than real time, as the 30-minute soak
// runs it (examples/home.yaml, --no-mqtt). Compares configurations in the same run, alternated
// so a machine others are loading weighs on both alike: by default Whisper's encoder in its
// worker thread (stt.encoder_thread, the default: ours) against the encoder on the main thread
// (the peer). Prints, per configuration, the median RSS of the second half of the input (the
// soak's figure), the peak (VmHWM), and the anonymous / file-backed split of the median (model
// bytes held in memory show as anonymous; a mapped model file as file-backed).
//
//   npm run build && nice -n 10 npx tsx bench/memory.ts     (MINUTES=5, ROUNDS=2 by default)
//   extra configurations: MEMORY_SETS='name:key=value,key=value;other:ENV_VAR=value' (a --set each,
//   or an environment variable of the daemon when the key is in capitals, e.g. MALLOC_ARENA_MAX=2)
//   a satellite against a standalone board (docs/rooms.md#what-a-satellite-loads):
//   MINUTES=1 MEMORY_SETS='satellite:role=satellite,satellite.base=pi5' nice -n 10 npx tsx bench/memory.ts

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mixedAudio } from "../test/support/mixed-audio.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(ROOT, "bin/edge-voice.js");
const FIXTURES = path.join(ROOT, "test/fixtures/wav");
const MINUTES = Number(process.env.MINUTES ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const STATE_DIR = mkdtempSync(path.join(os.tmpdir(), "edge-voice-bench-memory-"));

interface Sample {
  fraction: number;
  rss: number;
  anon: number;
  file: number;
}

interface Result {
  medianMb: number;
  anonMb: number;
  fileMb: number;
  peakMb: number;
  seconds: number;
  runs: number;
}

function status(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const line of readFileSync(`/proc/${pid}/status`, "utf8").split("\n")) {
      const match = /^(\w+):\s+(\d+) kB/.exec(line);
      if (match?.[1] && match[2]) out[match[1]] = Number(match[2]) / 1024;
    }
  } catch {
    // The process has exited between two samples.
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function once(sets: string[], audio: Int16Array): Promise<Result> {
  const args = ["run", "--input", "-", "--no-mqtt", "--events", "json", "--config", "examples/home.yaml"];
  const env: NodeJS.ProcessEnv = { ...process.env, EDGE_VOICE_LOG__LEVEL: "warn" };
  for (const set of [`state_dir=${STATE_DIR}`, ...sets]) {
    const [key, value] = [set.slice(0, set.indexOf("=")), set.slice(set.indexOf("=") + 1)];
    if (/^[A-Z_]+$/.test(key)) env[key] = value;
    else args.push("--set", set);
  }
  // The command itself, as systemd runs it: its shebang carries node's flags.
  const child = spawn(BIN, args, { cwd: ROOT, env, stdio: ["pipe", "pipe", "inherit"] });
  let runs = 0;
  let partial = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    runs += lines.filter((l) => l.includes('"type":"run-end"')).length;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const bytes = Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength);
  const samples: Sample[] = [];
  let written = 0;
  let peak = 0;
  const poll = setInterval(() => {
    if (!child.pid) return;
    const s = status(child.pid);
    if (!s.VmRSS) return;
    peak = Math.max(peak, s.VmHWM ?? 0);
    samples.push({
      fraction: written / bytes.length,
      rss: s.VmRSS,
      anon: s.RssAnon ?? 0,
      file: s.RssFile ?? 0,
    });
  }, 250);
  const started = Date.now();
  const chunk = 64_000;
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    if (!child.stdin.write(bytes.subarray(offset, offset + chunk)))
      await new Promise((resolve) => child.stdin.once("drain", resolve));
    written = offset + chunk;
  }
  child.stdin.end();
  const code = await exited;
  clearInterval(poll);
  if (code !== 0) throw new Error(`edge-voice exited ${code}`);
  const half = samples.filter((s) => s.fraction >= 0.5 && s.fraction < 1);
  return {
    medianMb: median(half.map((s) => s.rss)),
    anonMb: median(half.map((s) => s.anon)),
    fileMb: median(half.map((s) => s.file)),
    peakMb: peak,
    seconds: (Date.now() - started) / 1000,
    runs,
  };
}

function configurations(): Array<[string, string[]]> {
  const sets: Array<[string, string[]]> = [
    ["encoder in its thread (ours)", []],
    ["encoder on the main thread (peer)", ["stt.encoder_thread=false"]],
  ];
  for (const entry of (process.env.MEMORY_SETS ?? "").split(";").filter(Boolean)) {
    const colon = entry.indexOf(":");
    sets.push([entry.slice(0, colon), entry.slice(colon + 1).split(",")]);
  }
  return sets;
}

async function main(): Promise<void> {
  const audio = await mixedAudio(MINUTES * 60, FIXTURES);
  const configs = configurations();
  console.log(
    `${MINUTES} min of mixed audio (${audio.commands} commands) on stdin, ${ROUNDS} rounds, ` +
      `${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  // Unmeasured: the first start prepares the Whisper models into the state directory.
  await once([], audio.samples.subarray(0, 16_000 * 20));
  const results = new Map<string, Result[]>(configs.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, sets] of round % 2 === 0 ? configs : [...configs].reverse()) {
      const result = await once(sets, audio.samples);
      results.get(name)?.push(result);
      console.log(
        `  round ${round + 1} ${name.padEnd(36)} median RSS ${result.medianMb.toFixed(0)} MB ` +
          `(anon ${result.anonMb.toFixed(0)}, file ${result.fileMb.toFixed(0)})  peak ${result.peakMb.toFixed(0)} MB  ` +
          `${result.runs} runs in ${result.seconds.toFixed(0)} s`,
      );
    }
  }
  const summary = configs.map(([name]) => {
    const list = results.get(name) ?? [];
    return {
      name,
      median: median(list.map((r) => r.medianMb)),
      peak: Math.max(...list.map((r) => r.peakMb)),
    };
  });
  for (const s of summary)
    console.log(`${s.name.padEnd(36)} median RSS ${s.median.toFixed(0)} MB   peak ${s.peak.toFixed(0)} MB`);
  const [ours, peer, ...extra] = summary;
  if (ours && peer)
    console.log(
      `ratio ours/peer median RSS: ${(ours.median / peer.median).toFixed(2)}x (${(ours.median - peer.median).toFixed(0)} MB)`,
    );
  // MEMORY_SETS configurations against the default one (e.g. a satellite against a standalone board).
  for (const other of extra)
    if (ours)
      console.log(
        `ratio ${other.name}/${ours.name} median RSS: ${(other.median / ours.median).toFixed(2)}x ` +
          `(${(other.median - ours.median).toFixed(0)} MB), peak ${(other.peak / ours.peak).toFixed(2)}x`,
      );
}

try {
  await main();
} finally {
  rmSync(STATE_DIR, { recursive: true, force: true });
}
