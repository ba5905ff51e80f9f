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
import { type FakeRecorder, installFakeRecorder, isAlive, type Step } from "../support/fake-recorder.js";
import { tempDir } from "../unit/audio/helpers.js";

const tmp = tempDir("microphone");
const recorders: FakeRecorder[] = [];
afterAll(() => {
  // Only matters when a test failed half-way: never leave a fake recorder running.
  for (const start of recorders.flatMap((r) => r.starts()))
    if (isAlive(start.pid)) process.kill(start.pid, "SIGKILL");
  tmp.remove();
});
let runs = 0;

interface Harness {
  source: MicrophoneSource;
  recorder: FakeRecorder;
  states: Array<[MicrophoneState, string | undefined]>;
  logs: Array<{ level: number; msg: string }>;
  sleeps: number[];
}

/** A microphone on a fake recorder, with a sleep that returns at once (no timers) and records its delays. */
function harness(plan: Step[], overrides: Partial<MicrophoneSourceOptions> = {}): Harness {
  const dir = join(tmp.dir, `run-${runs++}`);
  mkdirSync(dir);
  const recorder = installFakeRecorder(dir, plan);
  recorders.push(recorder);
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
    recorder: recorder.module,
    retryInitialSeconds: 1,
    retryMaxSeconds: 30,
    stallSeconds: 0,
    logger: pino({ level: "info" }, sink),
    onState: (state, detail) => states.push([state, detail]),
    sleep,
    random: () => 1,
    ...overrides,
  });
  return { source, recorder, states, logs, sleeps };
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

describe("MicrophoneSource", () => {
  it("retries a missing device, survives a recorder that dies, and comes back without ending frames()", async () => {
    // Missing at start (3 tries), then 2 frames + 1 sample + 1 odd byte and death (unplugged),
    // missing once more, then back for good.
    const plan: Step[] = [
      MISSING,
      MISSING,
      MISSING,
      { send: FRAME_SAMPLES * 4 + 3, after: "exit" },
      MISSING,
      { stream: true },
    ];
    const h = harness(plan);
    const frames = await readUntil(h.source, (f) => f.length >= 5);

    // States are reported once per change, not per retry.
    expect(h.states.map(([state]) => state)).toEqual(["waiting", "open", "waiting", "open", "closed"]);
    expect(h.states[0]?.[1]).toMatch(
      /exited with code 1: arecord: main:831: audio open error: No such device/,
    );
    expect(h.states[2]?.[1]).toMatch(/read error: No such device/);
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

    // The recorder was asked for the configured device as raw 16 kHz mono, and none is left running.
    const starts = h.recorder.starts();
    expect(starts).toHaveLength(6);
    for (const start of starts) {
      expect(start).toMatchObject({
        device: "plughw:CARD=Fake,DEV=0",
        rate: "16000",
        channels: "1",
        type: "raw",
      });
      expect(isAlive(start.pid), `pid ${start.pid}`).toBe(false);
    }
  });

  it("starts the backoff over after a session that delivered 5 s of audio", async () => {
    const fiveSeconds = 16000 * 2 * 5;
    const h = harness([MISSING, MISSING, { send: fiveSeconds, after: "exit" }, MISSING, { stream: true }]);
    const frames = await readUntil(h.source, (f) => f.length >= 63);
    expect(h.sleeps).toEqual([1000, 2000, 1000, 2000]);
    // 80000 samples = 62 frames + 640 samples; the reopened stream starts after all of them.
    expect(frames.map((f) => f.startSample).slice(61)).toEqual([61 * FRAME_SAMPLES, fiveSeconds / 2]);
  });

  it("asks the recorder for capture_rate/capture_channels and converts to 16 kHz mono", async () => {
    const h = harness([{ stream: true }], { captureRate: 48000, captureChannels: 2 });
    const frames = await readUntil(h.source, (f) => f.length >= 2);
    expect(h.recorder.starts()[0]).toMatchObject({ rate: "48000", channels: "2", type: "raw" });
    expect(frames.map((f) => [f.startSample, f.samples.length])).toEqual([
      [0, FRAME_SAMPLES],
      [FRAME_SAMPLES, FRAME_SAMPLES],
    ]);
    expect(h.source.info.inputFormat).toMatchObject({ sampleRate: 48000, channels: 2 });
  });

  it("kills the recorder when the consumer stops reading", async () => {
    const h = harness([{ stream: true }]);
    for await (const _ of h.source.frames(new AbortController().signal)) break;
    const [start] = h.recorder.starts();
    expect(start && isAlive(start.pid)).toBe(false);
    expect(h.states.map(([s]) => s)).toEqual(["open", "closed"]);
    expect(h.logs.map((l) => l.msg)).toEqual(["microphone open", "microphone closed"]);
  });

  it("aborting while waiting ends frames() without starting another recorder", async () => {
    const controller = new AbortController();
    const h = harness([MISSING], {
      sleep: async () => {
        controller.abort();
      },
    });
    const frames: AudioFrame[] = [];
    for await (const frame of h.source.frames(controller.signal)) frames.push(frame);
    expect(frames).toEqual([]);
    expect(h.recorder.starts()).toHaveLength(1);
    expect(h.states.map(([s]) => s)).toEqual(["waiting", "closed"]);
  });

  it("restarts a recorder that goes silent (stall watchdog) and kills the silent one", async () => {
    // The watchdog's wait never ends by itself here; once the hung recorder has sent all it
    // will (2 frames), the next wait is "armed" and reports the stall at once.
    let armed = false;
    const sleep: Sleep = (ms, signal) => {
      if (ms !== 5000) return Promise.resolve();
      if (armed) {
        armed = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    };
    const h = harness([{ send: FRAME_SAMPLES * 4, after: "hang" }, { stream: true }], {
      stallSeconds: 5,
      sleep,
    });
    const frames = await readUntil(h.source, (f) => {
      if (f.length === 2) armed = true;
      return f.length >= 3;
    });
    expect(h.states.map(([s]) => s)).toEqual(["open", "waiting", "open", "closed"]);
    expect(h.states[1]?.[1]).toBe("no audio from node for 5 s");
    expect(frames.map((f) => f.startSample)).toEqual([0, 1280, 2560]);
    for (const start of h.recorder.starts()) expect(isAlive(start.pid)).toBe(false);
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
  }, 10_000);
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
