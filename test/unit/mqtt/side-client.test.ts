import { describe, expect, it } from "vitest";
import { configSchema } from "../../../src/config/schema.js";
import { FirstAttempt, sideClientSettings } from "../../../src/mqtt/side-client.js";

describe("side clients", () => {
  it("take the daemon's broker and login with their own id, a clean session and no will unless given", () => {
    const config = configSchema.parse({
      site: "kitchen",
      mqtt: { url: "mqtt://broker.lan:1883", username: "kitchen", password: "pw", protocol_version: 5 },
    });
    const rooms = sideClientSettings(config, "rooms");
    expect(rooms.url).toBe("mqtt://broker.lan:1883");
    expect(rooms.options).toMatchObject({
      clientId: "edge-voice-kitchen-rooms",
      clean: true,
      username: "kitchen",
    });
    expect(rooms.options.will).toBeUndefined();
    expect(rooms.options.properties).toBeUndefined();
    const will = {
      topic: "edge-voice/base/kitchen/status",
      payload: Buffer.from("{}"),
      qos: 1 as const,
      retain: true,
    };
    expect(sideClientSettings(config, "base", will).options.will).toEqual(will);
    const embedded = configSchema.parse({ site: "kitchen", mqtt: { url: null, embedded_port: 18830 } });
    expect(sideClientSettings(embedded, "rooms").url).toBe("mqtt://127.0.0.1:18830");
  });

  it("the first attempt ends every wait once over, before or after it is asked for", async () => {
    const attempt = new FirstAttempt();
    const waiting = attempt.wait(60_000);
    attempt.over();
    await waiting;
    await attempt.wait(60_000);
    // Without an end, the time limit ends the wait.
    await new FirstAttempt().wait(1);
  });
});
