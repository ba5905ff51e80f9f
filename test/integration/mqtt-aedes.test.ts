import net from "node:net";
import { Aedes, type Client } from "aedes";
import { afterAll, describe, expect, it } from "vitest";
// ws comes with mqtt.js (its WebSocket transport); Debian's Mosquitto here is built without websockets.
import { createWebSocketStream, WebSocketServer } from "ws";
import { silentLogger } from "../../src/util/logger.js";
import { freePort } from "../support/mosquitto.js";
import { captureLogger, mqttConfig, Probe, removeTempDirs, until } from "../support/mqtt-harness.js";
import { startMqttService } from "../support/mqtt-service.js";
import { CEILING_MS, waitFor } from "../support/wait-for.js";

afterAll(removeTempDirs);

const LIGHT = {
  id: "desk",
  name: "desk lamp",
  domain: "light",
  command_topic: "home/desk/set",
  schema: "json",
  brightness_scale: 100,
} as const;

function services(mqtt: Record<string, unknown>, logger = silentLogger()) {
  return startMqttService({ config: mqttConfig({ site: "office", mqtt, devices: [LIGHT] }), logger });
}

describe("aedes: the embedded broker and a broker that refuses MQTT 5", () => {
  it("starts an embedded broker when mqtt.url is null and works out of the box (MQTT 3.1.1)", async () => {
    const port = await freePort();
    const service = await services({ url: null, embedded_port: port });
    try {
      expect(service.state).toMatchObject({ state: "connected", protocolVersion: 4 });
      const probe = await Probe.connect(`mqtt://127.0.0.1:${port}`, ["home/#"]);
      const result = await service.commands.publishCommand(
        {
          intent: "HassLightSet",
          targets: ["desk"],
          slots: { brightness: 30 },
          source: "template",
          confidence: 1,
        },
        { runId: "a1", site: "office" },
      );
      expect(await result.delivered).toBe("acked");
      const [message] = await probe.waitFor((m) => m.length > 0);
      expect(JSON.parse(message?.payload ?? "{}")).toMatchObject({ state: "ON", brightness: 30 });
      await probe.close();
    } finally {
      await service.stop();
    }
    // After stop nothing is queued any more (and stop is idempotent).
    await service.stop();
    const late = await service.commands.publishCommand(
      { intent: "HassTurnOn", targets: ["desk"], slots: {}, source: "template", confidence: 1 },
      { runId: "a2", site: "office" },
    );
    expect(late).toEqual({ status: "dropped", topics: [] });
    // Stopped means the port is free again.
    const server = net.createServer();
    await new Promise<void>((resolve, reject) =>
      server.once("error", reject).listen(port, "127.0.0.1", resolve),
    );
    server.close();
  });

  it("says which port is taken and what to do when the embedded broker cannot listen", async () => {
    const port = await freePort();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    try {
      await expect(services({ url: null, embedded_port: port })).rejects.toMatchObject({
        code: "mqtt-port-in-use",
        exitCode: 78,
        message: expect.stringContaining(`127.0.0.1:${port} is already in use`),
        hint: expect.stringContaining(`mqtt.url: mqtt://127.0.0.1:${port}`),
      });
    } finally {
      squatter.close();
    }
  });

  it("connects over ws:// (aedes behind a WebSocket server) and publishes commands", async () => {
    const broker = await Aedes.createBroker();
    const port = await freePort();
    const wss = new WebSocketServer({ host: "127.0.0.1", port });
    wss.on("connection", (socket) => broker.handle(createWebSocketStream(socket) as never));
    await new Promise((resolve) => wss.once("listening", resolve));
    const published: string[] = [];
    broker.on("publish", (packet) => {
      if (packet.topic === "home/desk/set") published.push(packet.payload.toString());
    });
    const service = await services({ url: `ws://127.0.0.1:${port}/mqtt`, protocol_version: 4 });
    try {
      expect(service.state.state).toBe("connected");
      const result = await service.commands.publishCommand(
        { intent: "HassTurnOff", targets: ["desk"], slots: {}, source: "template", confidence: 1 },
        { runId: "w1", site: "office" },
      );
      expect(await result.delivered).toBe("acked");
      // aedes reports the publish to listeners after it has acknowledged it.
      await until(
        () => published.length > 0,
        CEILING_MS,
        () => "aedes saw no command",
      );
      expect(JSON.parse(published[0] ?? "{}")).toMatchObject({ state: "OFF" });
    } finally {
      await service.stop();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise((resolve) => wss.close(resolve));
    }
  });

  it("falls back from MQTT 5 to 3.1.1 by itself against aedes, saying so once", async () => {
    const broker = await Aedes.createBroker();
    const server = net.createServer(broker.handle);
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    const capture = captureLogger();
    const service = await services({ url: `mqtt://127.0.0.1:${port}`, protocol_version: 5 }, capture.logger);
    try {
      expect(service.state).toMatchObject({ state: "connected", protocolVersion: 4 });
      const fallbacks = capture.lines.filter((l) => /refused MQTT 5/.test(String(l.msg)));
      expect(fallbacks).toHaveLength(1);
      expect(capture.lines.some((l) => Number(l.level) >= 40)).toBe(false);
      // Reconnects after the fallback stay on 3.1.1 without another refusal.
      const connected: Client[] = [];
      broker.on("client", (client) => connected.push(client));
      for (const client of clientsOf(broker)) client.close();
      await waitFor(() => connected.length >= 1 && service.state.state === "connected", {
        what: () => `a reconnect (${connected.length} clients, state ${service.state.state})`,
      });
      expect(service.state.state).toBe("connected");
      expect(connected.length).toBeGreaterThanOrEqual(1);
      expect(capture.lines.filter((l) => /refused MQTT 5/.test(String(l.msg)))).toHaveLength(1);
    } finally {
      await service.stop();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      server.close();
    }
  });
});

/** aedes keeps its connected clients in `clients` (not in its type declarations). */
function clientsOf(broker: Aedes): Client[] {
  return Object.values((broker as unknown as { clients: Record<string, Client> }).clients);
}
