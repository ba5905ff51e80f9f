import mqtt from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { MqttArbitration } from "../../src/mqtt/arbitration.js";
import { mosquittoAroundTests } from "../support/mosquitto-hooks.js";
import { captureLogger, mqttConfig, removeTempDirs } from "../support/mqtt-harness.js";
import { recommendedAclFile } from "../support/security-acl.js";

const USERS = { "edge-voice-kitchen": "ev", guest: "guest" };

afterAll(removeTempDirs);
/** The ACL docs/security.md recommends (the kitchen board's section has the rooms line), against a real Mosquitto. */
const broker = mosquittoAroundTests(() => ({ users: USERS, extra: [`acl_file ${recommendedAclFile()}`] }));

function board(user: keyof typeof USERS) {
  const capture = captureLogger();
  const config = mqttConfig({
    site: "kitchen",
    mqtt: { url: broker.url, username: user, password: USERS[user] },
    rooms: { group: "home" },
  });
  return {
    arbitration: MqttArbitration.start({ config, logger: capture.logger }) as MqttArbitration,
    capture,
  };
}

describe("rooms under the ACL of docs/security.md", () => {
  it("a board's login may send and hear its group's claims", async () => {
    const { arbitration } = board("edge-voice-kitchen");
    try {
      await arbitration.firstAttempt(10_000);
      expect(arbitration.ready).toBe(true);
      const decision = await arbitration.claim({
        runId: "r1",
        wakeWord: "hey_jarvis",
        score: 0.9,
        level: 20,
        dbfs: -20,
        audioMs: 0,
      });
      expect(decision).toMatchObject({ won: true, reason: "alone" });
    } finally {
      await arbitration.stop();
    }
  });

  it("a login without the claim topic: its claims never come back, it acts alone and says why in the log", async () => {
    const { arbitration, capture } = board("guest");
    try {
      await arbitration.firstAttempt(10_000);
      const decision = await arbitration.claim({
        runId: "r2",
        wakeWord: "hey_jarvis",
        score: 0.9,
        level: 20,
        dbfs: -20,
        audioMs: 0,
      });
      // Mosquitto 2 grants the subscription and then delivers nothing: the window passes without our claim.
      expect(decision).toMatchObject({ won: true, reason: "no-echo" });
      expect(capture.lines.some((l) => /did not come back from the broker/.test(String(l.msg)))).toBe(true);
    } finally {
      await arbitration.stop();
    }
  });

  it("a guest cannot claim: its claims never reach the boards", async () => {
    const heard: string[] = [];
    const capture = captureLogger();
    const config = mqttConfig({
      site: "kitchen",
      mqtt: { url: broker.url, username: "edge-voice-kitchen", password: "ev" },
      rooms: { group: "home" },
    });
    const arbitration = MqttArbitration.start({
      config,
      logger: capture.logger,
      onMessage: (message, direction) => {
        if ("claim" in message && direction === "heard") heard.push(message.claim.site);
      },
    }) as MqttArbitration;
    const guest = await mqtt.connectAsync(broker.url, { username: "guest", password: USERS.guest });
    try {
      await arbitration.firstAttempt(10_000);
      const claim = {
        v: 1,
        group: "home",
        wakeWord: "hey_jarvis",
        score: 1,
        level: 99,
        dbfs: -1,
        audioMs: 0,
      };
      await guest.publishAsync(
        "edge-voice/rooms/home/claim",
        JSON.stringify({ ...claim, site: "evil", runId: "e" }),
        {
          qos: 1,
        },
      );
      // A claim of the board's own goes after it on the same broker: once it is heard, the guest's would have been.
      await arbitration.claim({
        runId: "r3",
        wakeWord: "hey_jarvis",
        score: 0.5,
        level: 1,
        dbfs: -30,
        audioMs: 0,
      });
      expect(heard).toEqual(["kitchen"]);
    } finally {
      await guest.endAsync();
      await arbitration.stop();
    }
  });
});
