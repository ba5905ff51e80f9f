// Keeping up with the microphone on a busy board: COMMANDS spoken commands ("hey jarvis, turn
// on the kitchen light", one every ~6.6 s) fed with --realtime through the whole daemon
// (real models, embedded broker) while HOGS processes keep the cores busy, as on a 2-core
// box running something else. Prints, per configuration, how far listening fell behind the
// microphone (at each run's end, and when each wake word was heard: the wake word's end on
// the audio clock against the event's time), the latency a person feels (last speech sample
// to the broker's acknowledgement) and Whisper's time. The peer is today's daemon with one
// setting changed, measured in the same run, rounds interleaved so load drifts hit both.
//
//   npm run build && npx tsx bench/keep-up.ts      (HOGS=2 COMMANDS=6 ROUNDS=2 by default)
//   PEER="--set stt.encoder_thread=false" THIS="" npx tsx bench/keep-up.ts

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PipelineEvent } from "../src/events/types.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(ROOT, "bin/edge-voice.js");
const CONFIG = path.join(ROOT, "examples/home.yaml");
const HOGS = Number(process.env.HOGS ?? 2);
const COMMANDS = Number(process.env.COMMANDS ?? 6);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const VARIANTS = {
  peer: (process.env.PEER ?? "--set stt.encoder_thread=false").split(" ").filter(Boolean),
  this: (process.env.THIS ?? "").split(" ").filter(Boolean),
};

/** COMMANDS copies of the e2e command, each followed by a second of silence. */
function input(): string {
  const dir = path.join(ROOT, "bench/out");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `keep-up-${COMMANDS}.wav`);
  const wav = path.join(ROOT, "test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav");
  execFileSync("sox", [wav, file, "pad", "0", "1", "repeat", String(COMMANDS - 1)]);
  return file;
}

/** A busy loop in its own process: the other work on the board. */
function hog(): ChildProcess {
  return spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
}

interface Figures {
  runLag: number[];
  wakeLag: number[];
  felt: number[];
  stt: number[];
  published: number;
}

function once(wav: string, extra: string[], into: Figures): Promise<void> {
  const args = ["run", "--config", CONFIG, "--input", wav, "--realtime", "--events", "json"];
  const child = spawn(BIN, [...args, "--set", "mqtt.embedded_port=0", ...extra], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`edge-voice exited ${code}`));
      const events = text
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as PipelineEvent);
      const start = events.find((e) => e.type === "audio-start")?.t ?? 0;
      for (const e of events) {
        if (e.type === "wake_word-end") into.wakeLag.push(e.t - start - e.audioMs);
        if (e.type === "stt-end" && e.sttMs !== undefined) into.stt.push(e.sttMs);
        if (e.type !== "run-end") continue;
        if (e.lagMs !== undefined) into.runLag.push(e.lagMs);
        if (e.feltMs !== undefined) into.felt.push(e.feltMs);
        if (e.outcome === "published") into.published++;
      }
      resolve();
    });
  });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
}

const row = (name: string, f: Figures) =>
  [
    name.padEnd(5),
    `published ${f.published}/${COMMANDS * ROUNDS}`,
    `behind at wake p50/p90 ${quantile(f.wakeLag, 0.5).toFixed(0)}/${quantile(f.wakeLag, 0.9).toFixed(0)} ms`,
    `at run end ${quantile(f.runLag, 0.5)}/${quantile(f.runLag, 0.9)} ms`,
    `felt ${quantile(f.felt, 0.5)}/${quantile(f.felt, 0.9)} ms`,
    `whisper ${quantile(f.stt, 0.5)} ms`,
  ].join("  ");

const wav = input();
const hogs = Array.from({ length: HOGS }, hog);
try {
  const results = { peer: emptyFigures(), this: emptyFigures() };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of ["peer", "this"] as const) await once(wav, VARIANTS[name], results[name]);
  }
  console.log(
    `keep-up: ${COMMANDS} commands x ${ROUNDS} rounds, --realtime, ${HOGS} busy processes, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  console.log(
    `peer: ${VARIANTS.peer.join(" ") || "(defaults)"}; this: ${VARIANTS.this.join(" ") || "(defaults)"}`,
  );
  console.log(row("peer", results.peer));
  console.log(row("this", results.this));
  const ratio = (q: (f: Figures) => number) => (q(results.this) / q(results.peer)).toFixed(2);
  console.log(
    `ratio this/peer: behind at wake p50 ${ratio((f) => quantile(f.wakeLag, 0.5))}, felt p50 ${ratio((f) => quantile(f.felt, 0.5))}`,
  );
} finally {
  for (const h of hogs) h.kill();
}

function emptyFigures(): Figures {
  return { runLag: [], wakeLag: [], felt: [], stt: [], published: 0 };
}
