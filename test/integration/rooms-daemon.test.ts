import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToEnd } from "../support/daemon-process.js";
import { writeHomeConfig } from "../support/home-config.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import { Probe, removeTempDirs, tempDir } from "../support/mqtt-harness.js";

const ROOT = path.resolve(__dirname, "..", "..");
const WAV = path.join(ROOT, "test/fixtures/wav/e2e/hey-jarvis-kitchen-on.wav");
const CLAIMS = "edge-voice/rooms/home/claim";

/**
 * The daemon as wired (`edge-voice run` with `rooms.group`, the real models and a real
 * Mosquitto) against a rival board played by the test: it answers every claim it sees with a
 * better one, as a board nearer the speaker would. The daemon must lose silently: no device
 * command, no Hermes intent, run-end `lost-arbitration`.
 */
describe("rooms: the daemon in a group", () => {
  const broker = mosquittoAroundTests();
  let probe: Probe;
  let config: string;

  beforeAll(async () => {
    probe = await Probe.connect(broker.url, ["home/#", "hermes/#", CLAIMS]);
    config = writeHomeConfig(tempDir("rooms-daemon"), {
      site: "hallway",
      mqtt: { url: broker.url },
      rooms: { group: "home" },
    });
  });

  afterAll(async () => {
    await probe?.close();
    removeTempDirs();
  });

  it("loses to a better claim from another board and ends silently", async () => {
    const { default: mqtt } = await import("mqtt");
    const rival = await mqtt.connectAsync(broker.url, { clientId: "rival-kitchen" });
    await rival.subscribeAsync(CLAIMS);
    rival.on("message", (_topic, payload) => {
      const claim = JSON.parse(payload.toString());
      if (claim.site === "kitchen" || claim.type === "close") return;
      const better = { ...claim, site: "kitchen", runId: `rival-${claim.runId}`, score: 1, level: 99 };
      void rival.publishAsync(CLAIMS, JSON.stringify(better));
    });
    try {
      const daemon = await runToEnd(config, WAV);
      const arbitration = daemon.events.find((e) => e.type === "arbitration");
      expect(arbitration).toMatchObject({
        group: "home",
        won: false,
        reason: "outranked",
        winner: "kitchen",
      });
      expect((arbitration as { claims: unknown[] }).claims).toHaveLength(2);
      expect(daemon.events.find((e) => e.type === "run-end")).toMatchObject({ outcome: "lost-arbitration" });
      expect(daemon.events.some((e) => e.type === "intent-end")).toBe(false);
      const messages = probe.on(CLAIMS).map((m) => JSON.parse(m.payload));
      const claims = messages.filter((m) => m.type !== "close");
      expect(claims.map((c) => c.site)).toEqual(["hallway", "kitchen"]);
      // The board's claim opened the round, so it closed it.
      expect(messages.filter((m) => m.type === "close")).toEqual([
        {
          v: 1,
          type: "close",
          group: "home",
          site: "hallway",
          round: { site: "hallway", runId: claims[0].runId },
        },
      ]);
      expect(claims[0]).toMatchObject({ v: 1, group: "home", wakeWord: "hey_jarvis" });
      expect(probe.on("home/kitchen_light/set")).toEqual([]);
      expect(probe.messages.filter((m) => m.topic.startsWith("hermes/intent/"))).toEqual([]);
    } finally {
      await rival.endAsync();
    }
  });
});
