import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import type { AudioFrame } from "../../src/audio/format.js";
import { FRAME_SAMPLES } from "../../src/audio/format.js";
import {
  MicrophoneSource,
  type MicrophoneSourceOptions,
  type MicrophoneState,
} from "../../src/audio/microphone-source.js";
import type { Sleep } from "../../src/audio/timing.js";
import { type FakeRecorder, installFakeRecorder, type Step } from "../support/fake-recorder.js";
import { ManualTimers } from "../support/manual-timers.js";
import { isRunning } from "../support/processes.js";
import { audioBytes, pieces, type Script, ScriptedRecorder } from "../support/scripted-recorder.js";
import { tempDir } from "../unit/audio/helpers.js";

const tmp = tempDir("microphone");
const recorders: FakeRecorder[] = [];
afterAll(() => {
  // Only matters when a test failed half-way: never leave a fake recorder running.
  for (const start of recorders.flatMap((r) => r.starts()))
    if (isRunning(start.pid)) process.kill(start.pid, "SIGKILL");
  tmp.remove();
});
let runs = 0;

interface Harness {
  source: MicrophoneSource;
  states: Array<[MicrophoneState, string | undefined]>;
  logs: Array<{ level: number; msg: string }>;
  sleeps: number[];
}

/** A microphone with a sleep that returns at once (no timers) and records its delays. */
function harness(options: Partial<MicrophoneSourceOptions>): Harness {
  const states: Harness["states"] = [];
  const logs: Harness["logs"] = [];
  const sleeps: number[] = [];
  const sink = new Writable({
    write(line, _encoding, done) {
      logs.push(JSON.parse(line.toString()));
      done();
    },
  });
  const sleep: Sleep = async (ms) => {
    sleeps.push(ms);
  };
  const source = new MicrophoneSource({
    device: "plughw:CARD=Fake,DEV=0",
    recorder: "arecord",
    retryInitialSeconds: 1,
    retryMaxSeconds: 30,
    stallSeconds: 0,
    logger: pino({ level: "info" }, sink),
    onState: (state, detail) => states.push([state, detail]),
    sleep,
    random: () => 1,
    ...options,
  });
  return { source, states, logs, sleeps };
}

/** A microphone whose recorder runs follow `plan` chunk by chunk, without a process. */
function scripted(plan: Script[], overrides: Partial<MicrophoneSourceOptions> = {}) {
  const recorder = new ScriptedRecorder(plan);
  return { ...harness({ openRecorder: recorder.open, ...overrides }), recorder };
}

/** A microphone on the fake recorder module: real processes, started the way arecord is. */
function spawning(plan: Step[], overrides: Partial<MicrophoneSourceOptions> = {}) {
  const dir = join(tmp.dir, `run-${runs++}`);
  mkdirSync(dir);
  const recorder = installFakeRecorder(dir, plan);
  recorders.push(recorder);
  return { ...harness({ recorder: recorder.module, ...overrides }), recorder };
}

/** Reads frames until `enough` says so, then aborts and reads to the end. */
async function readUntil(
  source: MicrophoneSource,
  enough: (frames: AudioFrame[]) => boolean,
): Promise<AudioFrame[]> {
  const controller = new AbortController();
  const frames: AudioFrame[] = [];
  for await (const frame of source.frames(controller.signal)) {
    frames.push(frame);
    if (!controller.signal.aborted && enough(frames)) controller.abort();
  }
  return frames;
}

const MISSING = { fail: "audio open error: No such device" };
const UNPLUGGED = "arecord exited with code 1: arecord: pcm_read:2221: read error: No such device";
/** One frame of 16 kHz mono audio per read. */
const STREAM = { stream: audioBytes(FRAME_SAMPLES * 2) };

describe("MicrophoneSource", () => {
  it("retries a missing device, survives a recorder that dies, and comes back without ending frames()", async () => {
    // Missing at start (3 tries), then 2 frames + 1 sample + 1 odd byte in pieces that split
    // samples and frames, and death (unplugged); missing once more, then back for good.
    const unplugged = pieces(audioBytes(FRAME_SAMPLES * 4 + 3, 3), 1, 1000, 1999, 1281);
    const plan: Script[] = [
      MISSING,
      MISSING,
      MISSING,
      { chunks: unplugged, after: "exit", reason: UNPLUGGED },
      MISSING,
      STREAM,
    ];
    const h = scripted(plan);
    const frames = await readUntil(h.source, (f) => f.length >= 5);

    // States are reported once per change, not per retry.
    expect(h.states.map(([state]) => state)).toEqual(["waiting", "open", "waiting", "open", "closed"]);
    expect(h.states[0]?.[1]).toMatch(
      /exited with code 1: arecord: main:831: audio open error: No such device/,
    );
    expect(h.states[2]?.[1]).toBe(UNPLUGGED);
    // Backoff grows across the whole outage: the short-lived session in between (< 5 s of
    // audio) does not reset it. random = 1 means no jitter.
    expect(h.sleeps).toEqual([1000, 2000, 4000, 8000, 16000]);

    // Logged once per change: two outages -> two warnings, two recoveries, one close.
    const warnings = h.logs.filter((l) => l.level === 40);
    expect(warnings.map((l) => l.msg)).toEqual([
      expect.stringContaining("microphone unavailable"),
      expect.stringContaining("microphone unavailable"),
    ]);
    expect(warnings.map((l) => (l as { code?: string }).code)).toEqual([
      "mic-unavailable",
      "mic-unavailable",
    ]);
    expect(h.logs.filter((l) => l.msg === "microphone back")).toHaveLength(2);
    expect(h.logs.filter((l) => l.msg === "microphone closed")).toHaveLength(1);

    // Timestamps keep counting across reopenings: the dropped partial frame leaves a gap.
    expect(frames.map((f) => f.startSample)).toEqual([0, 1280, 2561, 2561 + 1280, 2561 + 2560]);
    for (const frame of frames) expect(frame.samples.length).toBe(FRAME_SAMPLES);
    // The second frame is the audio the dying recorder sent, across its odd-sized pieces.
    const sent = new Int16Array(
      Uint8Array.from(Buffer.concat(unplugged).subarray(0, FRAME_SAMPLES * 4)).buffer,
    );
    expect([...(frames[1]?.samples ?? [])]).toEqual([...sent.subarray(FRAME_SAMPLES)]);

    // Each run was asked for the configured device as 16 kHz mono, and each was stopped.
    expect(h.recorder.runs).toHaveLength(6);
    for (const run of h.recorder.runs) {
      expect(run.spec).toMatchObject({ device: "plughw:CARD=Fake,DEV=0", sampleRate: 16000, channels: 1 });
      expect(run.stopped).toBe(true);
    }
  });

  it("starts the backoff over after a session that delivered 5 s of audio", async () => {
    const fiveSeconds = 16000 * 2 * 5;
    const sizes = Array.from({ length: 39 }, () => 4000);
    const h = scripted([
      MISSING,
      MISSING,
      { chunks: pieces(audioBytes(fiveSeconds), ...sizes), after: "exit", reason: UNPLUGGED },
      MISSING,
      STREAM,
    ]);
    const frames = await readUntil(h.source, (f) => f.length >= 63);
    expect(h.sleeps).toEqual([1000, 2000, 1000, 2000]);
    // 80000 samples = 62 frames + 640 samples; the reopened stream starts after all of them.
    expect(frames.map((f) => f.startSample).slice(61)).toEqual([61 * FRAME_SAMPLES, fiveSeconds / 2]);
  });

  it("asks the recorder for capture_rate/capture_channels and converts to 16 kHz mono", async () => {
    // 80 ms of 48 kHz stereo per read.
    const h = scripted([{ stream: audioBytes(3840 * 2 * 2) }], { captureRate: 48000, captureChannels: 2 });
    const frames = await readUntil(h.source, (f) => f.length >= 2);
    expect(h.recorder.runs[0]?.spec).toMatchObject({ sampleRate: 48000, channels: 2 });
    expect(frames.map((f) => [f.startSample, f.samples.length])).toEqual([
      [0, FRAME_SAMPLES],
      [FRAME_SAMPLES, FRAME_SAMPLES],
    ]);
    expect(h.source.info.inputFormat).toMatchObject({ sampleRate: 48000, channels: 2 });
  });

  it("aborting while waiting ends frames() without starting another recorder", async () => {
    const controller = new AbortController();
    const h = scripted([MISSING], {
      sleep: async () => {
        controller.abort();
      },
    });
    const frames: AudioFrame[] = [];
    for await (const frame of h.source.frames(controller.signal)) frames.push(frame);
    expect(frames).toEqual([]);
    expect(h.recorder.runs).toHaveLength(1);
    expect(h.states.map(([s]) => s)).toEqual(["waiting", "closed"]);
  });

  it("restarts a recorder that goes silent for stall_seconds (stall watchdog) and stops the silent one", async () => {
    const timers = new ManualTimers();
    const twoFrames = pieces(audioBytes(FRAME_SAMPLES * 4), FRAME_SAMPLES * 2);
    const h = scripted([{ chunks: twoFrames, after: "hang" }, STREAM], {
      stallSeconds: 5,
      sleep: timers.sleep,
    });
    const reading = readUntil(h.source, (f) => f.length >= 3);

    // The first recorder has sent its two frames and is silent: the watchdog waits on the clock.
    const silent = h.recorder.runs[0];
    await silent?.silent;
    expect(timers.pendingMs()).toEqual([5000]);
    timers.advance(4999);
    expect(timers.pendingMs()).toEqual([1]);
    expect(silent?.stopped).toBe(false);
    expect(h.states).toEqual([["open", undefined]]);

    // 5 s without audio: the silent recorder is stopped and the source waits out the backoff.
    timers.advance(1);
    await timers.waiting(1000);
    expect(silent?.stopped).toBe(true);
    expect(h.states).toEqual([
      ["open", undefined],
      ["waiting", "no audio from arecord for 5 s"],
    ]);
    expect(h.recorder.runs).toHaveLength(1);

    timers.advance(1000);
    const frames = await reading;
    expect(h.states.map(([s]) => s)).toEqual(["open", "waiting", "open", "closed"]);
    expect(frames.map((f) => f.startSample)).toEqual([0, 1280, 2560]);
    expect(h.recorder.runs.map((r) => r.stopped)).toEqual([true, true]);
    // Every wait ended: none is left pending on the clock.
    expect(timers.pendingMs()).toEqual([]);
  });
});

describe("MicrophoneSource through a real recorder process", () => {
  it("reports a missing device and a dead recorder with its own message, and reopens", async () => {
    const h = spawning([MISSING, { send: FRAME_SAMPLES * 4 + 3, after: "exit" }, { stream: true }]);
    const frames = await readUntil(h.source, (f) => f.length >= 3);

    expect(h.states.map(([state]) => state)).toEqual(["waiting", "open", "waiting", "open", "closed"]);
    expect(h.states[0]?.[1]).toBe(
      "node exited with code 1: arecord: main:831: audio open error: No such device",
    );
    expect(h.states[2]?.[1]).toBe(
      "node exited with code 1: arecord: pcm_read:2221: read error: No such device",
    );
    expect(h.sleeps).toEqual([1000, 2000]);
    // However the pipe grouped the writes: the dead recorder's 2 frames, then the new one's.
    // (Frames of a chunk already read may follow the abort; how many depends on the pipe.)
    expect(frames.map((f) => f.startSample).slice(0, 3)).toEqual([0, 1280, 2561]);

    // The recorder was asked for the configured device as raw 16 kHz mono, and none is left running.
    const starts = h.recorder.starts();
    expect(starts).toHaveLength(3);
    for (const start of starts) {
      expect(start).toMatchObject({
        device: "plughw:CARD=Fake,DEV=0",
        rate: "16000",
        channels: "1",
        type: "raw",
      });
      expect(isRunning(start.pid), `pid ${start.pid}`).toBe(false);
    }
  });

  it("kills the recorder when the consumer stops reading", async () => {
    const h = spawning([{ stream: true }]);
    for await (const _ of h.source.frames(new AbortController().signal)) break;
    const [start] = h.recorder.starts();
    expect(start && isRunning(start.pid)).toBe(false);
    expect(h.states.map(([s]) => s)).toEqual(["open", "closed"]);
    expect(h.logs.map((l) => l.msg)).toEqual(["microphone open", "microphone closed"]);
  });

  it("names a recorder program that is not installed", async () => {
    const controller = new AbortController();
    const module = join(tmp.dir, "missing-program.cjs");
    writeFileSync(module, 'module.exports = () => ({ cmd: "edge-voice-no-such-recorder", args: [] });');
    const source = new MicrophoneSource({
      device: "default",
      recorder: module,
      retryInitialSeconds: 1,
      retryMaxSeconds: 30,
      stallSeconds: 0,
      logger: pino({ level: "silent" }),
      onState: (state, detail) => {
        if (state === "waiting") {
          expect(detail).toBe("edge-voice-no-such-recorder not found");
          controller.abort();
        }
      },
      sleep: async () => {},
    });
    for await (const _ of source.frames(controller.signal)) expect.unreachable();
    expect(controller.signal.aborted).toBe(true);
  });
});

const hasArecord = (() => {
  try {
    execFileSync("arecord", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasArecord)("MicrophoneSource with the real arecord", () => {
  it("reports a card that is not there with arecord's own message, and retries", async () => {
    const controller = new AbortController();
    const details: string[] = [];
    const source = new MicrophoneSource({
      device: "plughw:CARD=EdgeVoiceNoSuchCard,DEV=0",
      recorder: "arecord",
      retryInitialSeconds: 1,
      retryMaxSeconds: 30,
      stallSeconds: 0,
      logger: pino({ level: "silent" }),
      onState: (state, detail) => {
        if (state === "waiting") details.push(detail ?? "");
      },
      sleep: async () => controller.abort(),
    });
    for await (const _ of source.frames(controller.signal)) expect.unreachable();
    expect(details).toHaveLength(1);
    expect(details[0]).toMatch(/^arecord exited with code 1: .*audio open error/);
  });
});
