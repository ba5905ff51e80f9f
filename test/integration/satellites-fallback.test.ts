import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { PipelineEvent } from "../../src/events/types.js";
import { SatelliteLink } from "../../src/mqtt/satellite-link.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { silentLogger } from "../../src/util/logger.js";
import { testBus } from "../support/bus.js";
import { startDaemon } from "../support/daemon-process.js";
import {
  FakeCommands,
  FakeIntent,
  FakeTranscriber,
  FakeVad,
  FakeWake,
  kitchenOn,
  quietListening,
} from "../support/fake-stages.js";
import { Mosquitto } from "../support/mosquitto.js";
import { Probe, removeTempDirs, tempDir } from "../support/mqtt-harness.js";
import { startTestBase } from "../support/satellite-base.js";
import { boardConfig, type Satellite, speak } from "../support/satellites.js";
import { waitFor } from "../support/wait-for.js";

const S = 16000;
const ROOT = path.resolve(__dirname, "..", "..");
const WAV = path.join(ROOT, "test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav");

/**
 * satellite.fallback on a real Mosquitto with the base stopped (its retained `offline`):
 * `none` ends the command with `satellite-no-base` (the error earcon), `local` transcribes and
 * acts on the satellite itself. Fake wake word, VAD, Whisper and intents on the satellite (the
 * real link), then `edge-voice run` with the real models and `fallback: local`; the base is
 * stopped before the satellites speak.
 */
function fallbackSatellite(url: string, fallback: "none" | "local") {
  const config = boardConfig(url, "kitchen", {
    role: "satellite",
    area: "kitchen",
    satellite: { base: "pi5", answer_timeout_seconds: 5, fallback },
  });
  const bus = testBus();
  const events: PipelineEvent[] = [];
  bus.onAny((event) => events.push(event));
  const link = SatelliteLink.start({ config, logger: silentLogger() });
  const transcriber = new FakeTranscriber("turn on the kitchen light");
  const intent = new FakeIntent({
    "turn on the kitchen light": { kind: "execute", intent: kitchenOn, ms: 1 },
  });
  const commands = new FakeCommands();
  const local = fallback === "local";
  const pipeline = new Pipeline({
    site: "kitchen",
    area: "kitchen",
    bus,
    wake: new FakeWake([1 * S]),
    vad: new FakeVad([[1.2 * S, 2.5 * S]]),
    // As the daemon builds it: no Whisper and no intents without the fallback.
    transcriber: local ? transcriber : null,
    intent: local ? intent : null,
    commands,
    remote: link,
    localFallback: local,
    ...quietListening(),
  });
  const satellite: Satellite = { link, pipeline, transcriber, intent, events, replies: [], position: 0 };
  return { satellite, commands };
}

describe("satellite.fallback with the base stopped", () => {
  let broker: Mosquitto;
  let probe: Probe;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    probe = await Probe.connect(broker.url, ["edge-voice/base/pi5/status"]);
    const base = await startTestBase(
      boardConfig(broker.url, "pi5", { role: "base", satellite: { heartbeat_seconds: 0.5 } }),
      "turn on the kitchen light",
    );
    await base.stop();
    await probe.waitFor((m) => m.some((x) => x.payload.includes('"offline"')));
  });

  afterAll(async () => {
    await probe?.close();
    await broker?.dispose();
    removeTempDirs();
  });

  it("none: the command ends at once with satellite-no-base, nothing is done", async () => {
    const { satellite, commands } = fallbackSatellite(broker.url, "none");
    try {
      await satellite.link.firstAttempt(10_000);
      await waitFor(() => satellite.link.baseState().status?.state === "offline", {
        what: "the base's retained offline status",
      });
      const end = await speak(satellite);
      expect(end.outcome).toBe("error");
      expect(satellite.events.find((e) => e.type === "error")).toMatchObject({ code: "satellite-no-base" });
      expect(commands.published).toEqual([]);
    } finally {
      await satellite.link.stop();
    }
  });

  it("local: the satellite transcribes and acts itself, with no error", async () => {
    const { satellite, commands } = fallbackSatellite(broker.url, "local");
    try {
      await satellite.link.firstAttempt(10_000);
      await waitFor(() => satellite.link.baseState().status?.state === "offline", {
        what: "the base's retained offline status",
      });
      const end = await speak(satellite);
      expect(end.outcome).toBe("published");
      expect(end.answeredBy).toBeUndefined();
      expect(satellite.events.some((e) => e.type === "error")).toBe(false);
      expect(satellite.events.find((e) => e.type === "stt-end")).toMatchObject({
        text: "turn on the kitchen light",
      });
      expect(satellite.events.find((e) => e.type === "intent-end")).toMatchObject({
        intent: "HassTurnOn",
        targets: ["kitchen_light"],
      });
      expect(commands.published).toEqual([kitchenOn]);
      // Its audio: from the command's start to the end of speech (1.3 s of speech and more).
      expect(satellite.transcriber.calls[0]?.samples).toBeGreaterThan(1.3 * S);
    } finally {
      await satellite.link.stop();
    }
  });

  it("local, as a daemon with the real models: the recorded command is heard and acted on by the satellite", async () => {
    const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8"));
    const dir = tempDir("fallback-daemon");
    const file = path.join(dir, "satellite.yaml");
    const satellite = { base: "pi5", fallback: "local" };
    const config = { ...home, site: "kitchen", area: "kitchen", role: "satellite", satellite };
    writeFileSync(
      file,
      stringify({ ...config, state_dir: path.join(dir, "state"), mqtt: { url: broker.url } }),
    );
    const commands = await Probe.connect(broker.url, ["home/#"]);
    try {
      const daemon = startDaemon(["run", "--config", file, "--input", WAV, "--events", "json"]);
      expect(await daemon.exited, daemon.stderr()).toBe(0);
      expect(daemon.events.find((e) => e.type === "run-end")).toMatchObject({ outcome: "published" });
      expect(daemon.events.some((e) => e.type === "error")).toBe(false);
      expect(daemon.events.find((e) => e.type === "intent-end")).toMatchObject({
        targets: ["kitchen_light"],
      });
      expect(daemon.stderr()).toMatch(
        /base pi5 is offline.*transcribing here \(satellite\.fallback: local\)/,
      );
      await commands.waitFor((m) => m.some((x) => x.topic === "home/kitchen_light/set"));
    } finally {
      await commands.close();
    }
  }, 240_000);
});
