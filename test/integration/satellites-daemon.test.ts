import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { encodeWav } from "../../src/audio/wav-writer.js";
import { type DaemonProcess, startDaemon } from "../support/daemon-process.js";
import { Mosquitto } from "../support/mosquitto.js";
import { Probe, removeTempDirs, tempDir } from "../support/mqtt-harness.js";

const ROOT = path.resolve(__dirname, "..", "..");
const WAV = path.join(ROOT, "test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav");

/**
 * The daemons as wired: `edge-voice run` with role base (listening to 90 s of silence in real
 * time) and `edge-voice run` with role satellite saying "hey jarvis, turn on the kitchen light",
 * both with the real models, on a real Mosquitto. Then the base is stopped and the satellite
 * says so.
 */
describe("satellite and base daemons", () => {
  let broker: Mosquitto;
  let probe: Probe;
  let base: DaemonProcess | null = null;
  let baseConfig: string;
  let satConfig: string;
  let silence: string;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    probe = await Probe.connect(broker.url, ["home/#", "hermes/tts/say", "edge-voice/base/pi5/status"]);
    const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8"));
    const dir = tempDir("satellites-daemon");
    baseConfig = path.join(dir, "base.yaml");
    satConfig = path.join(dir, "satellite.yaml");
    silence = path.join(dir, "silence.wav");
    writeFileSync(silence, encodeWav(new Int16Array(90 * 16000), 16000));
    const mqtt = { url: broker.url };
    writeFileSync(
      baseConfig,
      stringify({ ...home, site: "pi5", area: null, role: "base", state_dir: path.join(dir, "base"), mqtt }),
    );
    writeFileSync(
      satConfig,
      stringify({
        ...home,
        site: "kitchen",
        area: "kitchen",
        role: "satellite",
        satellite: { base: "pi5" },
        state_dir: path.join(dir, "satellite"),
        mqtt,
      }),
    );
  });

  afterAll(async () => {
    if (base && base.child.exitCode === null) {
      base.child.kill("SIGTERM");
      await base.exited;
    }
    await probe?.close();
    await broker?.dispose();
    removeTempDirs();
  });

  it("the satellite's command is carried out by the base and answered on the satellite", async () => {
    base = startDaemon(["run", "--config", baseConfig, "--input", silence, "--realtime", "--events", "json"]);
    await probe.waitFor(
      (m) => m.some((x) => x.topic === "edge-voice/base/pi5/status" && x.payload.includes('"online"')),
      120_000,
    );
    const satellite = startDaemon(["run", "--config", satConfig, "--input", WAV, "--events", "json"]);
    const code = await satellite.exited;
    expect(code, satellite.stderr()).toBe(0);
    const end = satellite.events.find((e) => e.type === "run-end");
    expect(end).toMatchObject({ outcome: "published", answeredBy: "pi5" });
    expect(satellite.events.some((e) => e.type === "stt-end" || e.type === "intent-end")).toBe(false);
    const baseRun = await base.waitFor((e) => e.type === "run-end" && e.runId === end?.runId);
    expect(baseRun).toMatchObject({ outcome: "published" });
    expect(base.events.find((e) => e.type === "run-start" && e.runId === end?.runId)).toMatchObject({
      site: "kitchen",
      trigger: "satellite",
    });
    expect(probe.on("home/kitchen_light/set")).toHaveLength(1);
    const say = probe.on("hermes/tts/say").map((m) => JSON.parse(m.payload));
    expect(say).toEqual([expect.objectContaining({ siteId: "kitchen", sessionId: end?.runId })]);
    expect(satellite.stderr()).toMatch(/reply from the base/);
  }, 240_000);

  it("with the base stopped, the satellite ends the command at once and says why", async () => {
    base?.child.kill("SIGTERM");
    expect(await base?.exited).toBe(0);
    await probe.waitFor((m) =>
      m.some((x) => x.topic === "edge-voice/base/pi5/status" && x.payload.includes('"offline"')),
    );
    const satellite = startDaemon(["run", "--config", satConfig, "--input", WAV, "--events", "json"]);
    expect(await satellite.exited, satellite.stderr()).toBe(0);
    expect(satellite.events.find((e) => e.type === "error")).toMatchObject({ code: "satellite-no-base" });
    expect(satellite.events.find((e) => e.type === "run-end")).toMatchObject({ outcome: "error" });
    expect(satellite.stderr()).toMatch(/base pi5 is offline/);
  }, 240_000);
});
