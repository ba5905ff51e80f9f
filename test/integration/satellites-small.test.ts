import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { startDaemon } from "../support/daemon-process.js";
import { Mosquitto } from "../support/mosquitto.js";
import { Probe, removeTempDirs, tempDir } from "../support/mqtt-harness.js";
import { startTestBase, type TestBase } from "../support/satellite-base.js";
import { boardConfig } from "../support/satellites.js";

const ROOT = path.resolve(__dirname, "..", "..");
const WAV = path.join(ROOT, "test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav");

/**
 * A satellite that is really small (docs/rooms.md#what-a-satellite-loads): `edge-voice run`
 * with role satellite, stt.model and llm.model pointing at files that do not exist, on a real
 * Mosquitto with a base (in this process: fake transcriber, real intents and MQTT). It starts
 * (only the wake word's and the VAD's models are checked and loaded), hears the recorded
 * "hey jarvis, turn on the kitchen light" with the real openWakeWord and Silero, streams it,
 * and the base acts. With satellite.fallback: local the same config is refused at start:
 * then the models are loaded, and a missing one is found before it is needed.
 */
describe("a satellite daemon without Whisper on disk", () => {
  let broker: Mosquitto;
  let probe: Probe;
  let base: TestBase;
  let dir: string;
  let satellite: Record<string, unknown>;

  beforeAll(async () => {
    broker = await Mosquitto.start();
    probe = await Probe.connect(broker.url, ["home/#"]);
    base = await startTestBase(
      boardConfig(broker.url, "pi5", { role: "base", satellite: { heartbeat_seconds: 0.5 } }),
      "hey jarvis turn on the kitchen light",
    );
    dir = tempDir("satellite-small");
    const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8"));
    satellite = {
      ...home,
      site: "kitchen",
      area: "kitchen",
      role: "satellite",
      satellite: { base: "pi5" },
      stt: { ...home.stt, model: path.join(dir, "no-such-whisper") },
      llm: { ...home.llm, model: path.join(dir, "no-such-llm.gguf") },
      state_dir: path.join(dir, "state"),
      mqtt: { url: broker.url },
    };
  });

  afterAll(async () => {
    await base?.stop();
    await probe?.close();
    await broker?.dispose();
    removeTempDirs();
  });

  it("starts, streams the command and the base acts", async () => {
    const file = path.join(dir, "satellite.yaml");
    writeFileSync(file, stringify(satellite));
    const daemon = startDaemon(["run", "--config", file, "--input", WAV, "--events", "json"]);
    expect(await daemon.exited, daemon.stderr()).toBe(0);
    const end = daemon.events.find((e) => e.type === "run-end");
    expect(end).toMatchObject({ outcome: "published", answeredBy: "pi5" });
    expect(daemon.events.some((e) => e.type === "stt-end" || e.type === "intent-end")).toBe(false);
    expect(daemon.events.some((e) => e.type === "error")).toBe(false);
    // The base heard the streamed command (its pre-roll and speech: over a second).
    expect(base.transcriber.calls).toHaveLength(1);
    expect(base.transcriber.calls[0]?.samples).toBeGreaterThan(16000);
    await probe.waitFor((m) => m.some((x) => x.topic === "home/kitchen_light/set"));
  }, 120_000);

  it("with satellite.fallback: local it needs the models, and says which is missing (exit 78)", async () => {
    const file = path.join(dir, "satellite-local.yaml");
    writeFileSync(file, stringify({ ...satellite, satellite: { base: "pi5", fallback: "local" } }));
    const daemon = startDaemon(["run", "--config", file, "--input", WAV, "--events", "json"]);
    expect(await daemon.exited).toBe(78);
    expect(daemon.stderr()).toMatch(/stt\.model/);
  }, 120_000);

  it("refuses wake.verifier by Whisper on a satellite that loads none (exit 78, the setting named)", async () => {
    const file = path.join(dir, "satellite-verifier.yaml");
    const home = satellite as { wake: Record<string, unknown> };
    const wake = { ...home.wake, verifier: { enabled: true, method: "whisper" } };
    writeFileSync(file, stringify({ ...satellite, wake }));
    const daemon = startDaemon(["run", "--config", file, "--input", WAV, "--events", "json"]);
    expect(await daemon.exited).toBe(78);
    expect(daemon.stderr()).toMatch(/wake\.verifier\.enabled: needs Whisper/);
  }, 60_000);
});
