import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWav16kMono } from "../../src/audio/wav.js";
import type { PipelineEvent } from "../../src/events/types.js";
import { type DaemonProcess, startDaemon } from "../support/daemon-process.js";
import { writeHomeConfig } from "../support/home-config.js";
import { prng } from "../support/mixed-audio.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import { Probe, removeTempDirs, tempDir } from "../support/mqtt-harness.js";
import { waitFor } from "../support/wait-for.js";

const ROOT = path.resolve(__dirname, "..", "..");
const WAV = path.join(ROOT, "test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav");
const S = 16000;
const CHUNK = 1280; // 80 ms, a microphone's pace
const TRIALS = 4;

/**
 * Three whole daemons (`edge-voice run` with the real models) in one rooms group on one real
 * Mosquitto, each fed the same spoken command on stdin as a microphone would deliver it (80 ms
 * chunks in real time), at its own random offset of 0-150 ms and its own loudness (the nearer
 * board is louder). For each wake word exactly one daemon publishes the command, and every
 * daemon names the same winner: the best claim. The 50-trial and failure cases run on three
 * pipelines with fake stages in rooms-arbitration.test.ts (three sets of models are slow here).
 */
describe("rooms: three daemons on one Mosquitto", () => {
  const broker = mosquittoAroundTests();
  let probe: Probe;
  const daemons: Array<{ site: string; gain: number; process: DaemonProcess }> = [];

  beforeAll(async () => {
    probe = await Probe.connect(broker.url, ["home/#"]);
    for (const [site, gain] of [
      ["kitchen", 1],
      ["hallway", 0.5],
      ["living", 0.25],
    ] as const) {
      const config = writeHomeConfig(tempDir(`rooms-${site}`), {
        site,
        mqtt: { url: broker.url },
        rooms: { group: "home" },
      });
      const process = startDaemon(["run", "--config", config, "--input", "-", "--events", "json"]);
      daemons.push({ site, gain, process });
    }
    // Listening (models loaded, the group joined): only then does audio start to flow.
    await Promise.all(daemons.map((d) => d.process.waitFor((e) => e.type === "audio-start", 180_000)));
  }, 200_000);

  afterAll(async () => {
    for (const d of daemons) if (d.process.child.exitCode === null) d.process.child.kill("SIGTERM");
    await Promise.all(daemons.map((d) => d.process.exited));
    await probe?.close();
    removeTempDirs();
  });

  it(`${TRIALS} wake words at random offsets: exactly one daemon acts each time, the best claim`, async () => {
    const clip = (await readWav16kMono(WAV)).samples;
    const random = prng(1612);
    for (let trial = 0; trial < TRIALS; trial++) {
      const offsets = daemons.map(() => Math.floor(random() * 151));
      const before = probe.on("home/kitchen_light/set").length;
      const ends = daemons.map((d) => d.process.events.filter((e) => e.type === "run-end").length);
      await stream(
        daemons.map((d, i) => utterance(clip, d.gain, offsets[i] ?? 0, random)),
        daemons.map((d) => d.process),
      );
      await waitFor(
        () =>
          daemons.every(
            (d, i) => d.process.events.filter((e) => e.type === "run-end").length > (ends[i] ?? 0),
          ),
        { what: `every daemon's run of trial ${trial} ended`, ceilingMs: 120_000 },
      );
      const decisions = daemons.map((d) => last(d.process.events, "arbitration"));
      const outcomes = daemons.map((d) => last(d.process.events, "run-end")?.outcome);
      expect({ trial, acted: outcomes.filter((o) => o === "published").length }).toEqual({ trial, acted: 1 });
      expect(outcomes.filter((o) => o === "lost-arbitration")).toHaveLength(2);
      const winners = new Set(decisions.map((d) => d?.winner));
      expect({ trial, winners: [...winners] }).toEqual({
        trial,
        winners: [best(decisions[0]?.claims ?? [])],
      });
      await probe.waitFor((m) => m.filter((x) => x.topic === "home/kitchen_light/set").length === before + 1);
    }
  }, 600_000);
});

/** `offsetMs` of quiet, the clip at `gain`, then quiet to 9 s, over a low noise floor (one per board). */
function utterance(clip: Int16Array, gain: number, offsetMs: number, random: () => number): Int16Array {
  const out = new Int16Array(9 * S);
  const start = Math.round((offsetMs / 1000) * S);
  for (let i = 0; i < out.length; i++) {
    const speech = i >= start && i - start < clip.length ? (clip[i - start] ?? 0) * gain : 0;
    out[i] = Math.round(speech + (random() - 0.5) * 60);
  }
  return out;
}

/** Writes each board's audio to its daemon in 80 ms chunks, all boards side by side in real time. */
async function stream(audio: Int16Array[], processes: DaemonProcess[]): Promise<void> {
  const started = performance.now();
  const chunks = Math.ceil((audio[0]?.length ?? 0) / CHUNK);
  for (let c = 0; c < chunks; c++) {
    for (const [i, samples] of audio.entries()) {
      const part = samples.subarray(c * CHUNK, (c + 1) * CHUNK);
      processes[i]?.child.stdin?.write(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
    }
    const due = started + ((c + 1) * CHUNK * 1000) / S;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  }
}

type Arbitration = Extract<PipelineEvent, { type: "arbitration" }>;

function last<T extends PipelineEvent["type"]>(events: PipelineEvent[], type: T) {
  return events.findLast((e) => e.type === type) as Extract<PipelineEvent, { type: T }> | undefined;
}

/** The claim every board should pick: best score in steps of 0.01, then level in whole dB, then site. */
function best(claims: Arbitration["claims"]): string | undefined {
  return [...claims].sort(
    (a, b) =>
      Math.round(b.score * 100) - Math.round(a.score * 100) ||
      Math.round(b.level) - Math.round(a.level) ||
      (a.site < b.site ? -1 : 1),
  )[0]?.site;
}
