// Cost of audio input conversion, against sox (the peer) on the same files:
//  - WAV -> 16 kHz mono s16 (decode, down-mix, resample) for a 60 s 44.1 kHz stereo file
//    and a 60 s 48 kHz 24-bit stereo file: readWav16kMono vs `sox in.wav -r 16000 -c 1 -b 16 out.wav`;
//  - live capture at 48 kHz stereo resampled chunk by chunk (80 ms chunks): CPU per second
//    of audio, i.e. how much of one core a microphone at capture_rate 48000 costs.
//
//   npx tsx bench/audio.ts
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CaptureConverter } from "../src/audio/capture-converter.js";
import { readWav16kMono } from "../src/audio/wav.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-bench-audio-"));
const file = (name: string) => path.join(dir, name);

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Best of `runs`, so a busy moment on the machine does not count. */
async function best(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    min = Math.min(min, ms(start));
  }
  return min;
}

try {
  const inputs = [
    {
      name: "60 s 44.1 kHz stereo 16-bit",
      path: file("a.wav"),
      make: ["-r", "44100", "-c", "2", "-b", "16"],
    },
    { name: "60 s 48 kHz stereo 24-bit", path: file("b.wav"), make: ["-r", "48000", "-c", "2", "-b", "24"] },
  ];
  for (const input of inputs) {
    execFileSync("sox", [
      "-n",
      ...input.make,
      input.path,
      "synth",
      "60",
      "pinknoise",
      "sine",
      "300-3000",
      "gain",
      "-6",
    ]);
    const ours = await best(3, () => readWav16kMono(input.path));
    const sox = await best(3, () =>
      execFileSync("sox", [input.path, "-r", "16000", "-c", "1", "-b", "16", file("out.wav")]),
    );
    console.log(
      `${input.name} -> 16 kHz mono: edge-voice ${ours.toFixed(0)} ms, sox ${sox.toFixed(0)} ms (ratio ${(ours / sox).toFixed(2)})`,
    );
  }

  execFileSync("sox", [
    "-n",
    "-r",
    "48000",
    "-c",
    "2",
    "-b",
    "16",
    "-t",
    "raw",
    file("live.raw"),
    "synth",
    "60",
    "pinknoise",
  ]);
  const live = readFileSync(file("live.raw"));
  const chunkBytes = 3840 * 4; // 80 ms of 48 kHz stereo s16
  const liveMs = await best(3, async () => {
    const converter = await CaptureConverter.create(48000, 2);
    for (let at = 0; at < live.length; at += chunkBytes) converter.push(live.subarray(at, at + chunkBytes));
    converter.dispose();
  });
  console.log(
    `live 48 kHz stereo capture, 80 ms chunks: ${liveMs.toFixed(0)} ms per 60 s of audio = ${((liveMs / 60_000) * 100).toFixed(2)}% of one core`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
