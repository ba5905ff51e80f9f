import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToEnd } from "../support/daemon-process.js";
import { writeHomeConfig } from "../support/home-config.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import { Probe, removeTempDirs, tempDir } from "../support/mqtt-harness.js";

const ROOT = path.resolve(__dirname, "..", "..");
const WAV = path.join(ROOT, "test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav");

/**
 * The whole daemon, as a user runs it: `edge-voice run` on a WAV ("hey jarvis, turn on the
 * kitchen light") with the real models, the sample home and a real Mosquitto.
 */
describe("end to end", () => {
  const broker = mosquittoAroundTests();
  let probe: Probe;
  let config: string;

  beforeAll(async () => {
    probe = await Probe.connect(broker.url, ["home/#", "hermes/#", "edge-voice/#"]);
    config = writeHomeConfig(tempDir("e2e"), { mqtt: { url: broker.url } });
  });

  afterAll(async () => {
    await probe?.close();
    removeTempDirs();
  });

  it("turns on the kitchen light: device command, Hermes intent and availability", async () => {
    const daemon = await runToEnd(config, WAV);

    const types = daemon.events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(["run-start", "wake_word-end", "stt-end", "intent-end", "run-end"]),
    );
    expect(daemon.events.find((e) => e.type === "run-end")).toMatchObject({ outcome: "published" });

    await probe.waitFor((m) =>
      m.some((x) => x.topic === "edge-voice/living-room/status" && x.payload === "offline"),
    );
    const command = probe.on("home/kitchen_light/set");
    expect(command).toHaveLength(1);
    expect(JSON.parse(command[0]?.payload ?? "{}")).toMatchObject({ state: "ON" });

    const hermes = probe.on("hermes/intent/HassTurnOn");
    expect(hermes).toHaveLength(1);
    const intent = JSON.parse(hermes[0]?.payload ?? "{}");
    expect(intent).toMatchObject({ siteId: "living-room", intent: { intentName: "HassTurnOn" } });
    expect(String(intent.input).toLowerCase()).toContain("kitchen light");

    // The stats topic is retained: a client that subscribes afterwards still gets it.
    const late = await Probe.connect(broker.url, ["edge-voice/living-room/stats"]);
    const [stats] = await late.waitFor((m) => m.length > 0);
    await late.close();
    expect(stats?.retain).toBe(true);
    expect(JSON.parse(stats?.payload ?? "{}")).toBeTypeOf("object");

    const status = probe.on("edge-voice/living-room/status").map((m) => m.payload);
    expect(status[0]).toBe("online");
    expect(status.at(-1)).toBe("offline");
  });
});
