import net from "node:net";
// mqtt-packet is mqtt.js's own codec; here it plays a broker that sends what Mosquitto 2.0.11 does not.
import { generate, parser } from "mqtt-packet";
import { afterAll, describe, expect, it } from "vitest";
import { captureLogger, mqttConfig, removeTempDirs, until } from "../support/mqtt-harness.js";
import { startMqttService } from "../support/mqtt-service.js";
import { CEILING_MS } from "../support/wait-for.js";

afterAll(removeTempDirs);

/** A broker that accepts MQTT 5 and, once `takeOver()` is called, sends DISCONNECT 142 (session taken over). */
async function takeoverBroker(options: { refuseSubscriptions?: boolean } = {}) {
  const sockets: net.Socket[] = [];
  let connects = 0;
  const server = net.createServer((socket) => {
    sockets.push(socket);
    const read = parser({ protocolVersion: 5 });
    read.on("packet", (packet) => {
      if (packet.cmd === "connect") {
        connects++;
        socket.write(
          generate(
            { cmd: "connack", returnCode: 0, reasonCode: 0, sessionPresent: false },
            { protocolVersion: 5 },
          ),
        );
      } else if (packet.cmd === "subscribe")
        socket.write(
          generate(
            {
              cmd: "suback",
              messageId: packet.messageId,
              granted: packet.subscriptions.map(() => (options.refuseSubscriptions ? 0x87 : 1)),
            },
            { protocolVersion: 5 },
          ),
        );
      else if (packet.cmd === "publish" && packet.qos === 1)
        socket.write(generate({ cmd: "puback", messageId: packet.messageId }, { protocolVersion: 5 }));
    });
    socket.on("data", (chunk) => read.parse(chunk));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connects: () => connects,
    takeOver() {
      for (const socket of sockets.splice(0))
        socket.end(generate({ cmd: "disconnect", reasonCode: 142 }, { protocolVersion: 5 }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("a second daemon with the same client id (MQTT 5 session taken over)", () => {
  it("says which client id collided and what to do, and backs off instead of fighting", async () => {
    const broker = await takeoverBroker();
    const capture = captureLogger();
    const service = await startMqttService({
      config: mqttConfig({ site: "hall", mqtt: { url: broker.url, reconnect_min_seconds: 0.2 } }),
      logger: capture.logger,
    });
    try {
      expect(service.state.state).toBe("connected");
      broker.takeOver();
      await until(
        () => service.state.state === "unreachable",
        CEILING_MS,
        () => service.state.message,
      );
      expect(service.state.message).toMatch(
        /another client connected with the same client id "edge-voice-hall"/,
      );
      expect(service.state.hint).toMatch(/own site or mqtt.client_id/);
      // Reconnected, then taken over again: the delay grows (0.2 s, then 0.4 s...) rather than resetting.
      await until(
        () => service.state.state === "connected",
        CEILING_MS,
        () => service.state.message,
      );
      broker.takeOver();
      const delays = () =>
        capture.lines
          .filter((l) => l.msg === "reconnecting to the MQTT broker")
          .map((l) => Number(l.seconds));
      await until(
        () => delays().length >= 2,
        CEILING_MS,
        () => JSON.stringify(delays()),
      );
      const [first, second] = delays() as [number, number];
      expect(first).toBeGreaterThanOrEqual(0.1);
      expect(first).toBeLessThanOrEqual(0.2);
      expect(second).toBeGreaterThanOrEqual(0.2);
      expect(second).toBeLessThanOrEqual(0.4);
    } finally {
      await service.stop();
      await broker.close();
    }
  });
});

describe("a broker that refuses subscriptions (MQTT 5 SUBACK 0x87, as an ACL would)", () => {
  it("warns which control and discovery topics were refused", async () => {
    const broker = await takeoverBroker({ refuseSubscriptions: true });
    const capture = captureLogger();
    const service = await startMqttService({
      config: mqttConfig({ site: "hall", mqtt: { url: broker.url } }),
      logger: capture.logger,
    });
    try {
      const find = () => capture.lines.find((l) => String(l.msg).includes("refused some subscriptions"));
      await until(
        () => find() !== undefined,
        CEILING_MS,
        () => "no warning",
      );
      expect(find()).toMatchObject({ level: 40 });
      expect(find()?.refused).toEqual(
        expect.arrayContaining([
          "edge-voice/hall/set/mute",
          "hermes/hotword/toggleOff",
          "homeassistant/+/+/config",
        ]),
      );
    } finally {
      await service.stop();
      await broker.close();
    }
  });
});
