import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mosquitto } from "../support/mosquitto.js";
import {
  type Certificates,
  captureLogger,
  makeCertificates,
  mqttConfig,
  Probe,
  removeTempDirs,
  tempDir,
} from "../support/mqtt-harness.js";
import { startMqttService } from "../support/mqtt-service.js";
import { waitFor } from "../support/wait-for.js";

afterAll(removeTempDirs);

describe("TLS and passwords against a real Mosquitto", () => {
  let broker: Mosquitto;
  let certs: Certificates;

  beforeAll(async () => {
    certs = makeCertificates(tempDir("certs"));
    const acl = path.join(tempDir("acl"), "acl");
    writeFileSync(acl, "user voice\ntopic readwrite #\ntopic deny home/forbidden/#\n");
    broker = await Mosquitto.start({
      extra: [`acl_file ${acl}`],
      users: { voice: "s3cret" },
      tls: {
        caFile: certs.caFile,
        certFile: certs.serverCert,
        keyFile: certs.serverKey,
        requireCertificate: true,
      },
    });
  });

  afterAll(async () => {
    await broker?.dispose();
  });

  async function start(mqtt: Record<string, unknown>) {
    const capture = captureLogger();
    const states: string[] = [];
    const service = await startMqttService({
      config: mqttConfig({ site: "tls", mqtt: { reconnect_min_seconds: 0.2, ...mqtt } }),
      logger: capture.logger,
      onStateChange: (s) => states.push(s.state),
    });
    return { service, logs: capture.lines, states };
  }

  it("connects over mqtts:// with a CA, a client certificate and a password, and publishes", async () => {
    const { service } = await start({
      url: `mqtts://127.0.0.1:${broker.tlsPort}`,
      username: "voice",
      password: "s3cret",
      ca_file: certs.caFile,
      cert_file: certs.clientCert,
      key_file: certs.clientKey,
    });
    try {
      expect(service.state).toMatchObject({ state: "connected", protocolVersion: 5 });
      const probe = await Probe.connect(broker.url, ["edge-voice/tls/status"], {
        username: "voice",
        password: "s3cret",
      });
      await probe.waitFor((m) => m.some((x) => x.payload === "online"));
      await probe.close();
    } finally {
      await service.stop();
    }
  });

  it("says clearly that TLS failed when the broker's certificate is not trusted", async () => {
    const { service, logs } = await start({
      url: `mqtts://127.0.0.1:${broker.tlsPort}`,
      username: "voice",
      password: "s3cret",
      cert_file: certs.clientCert,
      key_file: certs.clientKey,
    });
    try {
      expect(service.state.state).toBe("unreachable");
      expect(service.state.hint).toMatch(/TLS failed: check mqtt.ca_file/);
      expect(
        logs.some((l) => l.level === 40 && /cannot reach the MQTT broker mqtts:/.test(String(l.msg))),
      ).toBe(true);
    } finally {
      await service.stop();
    }
  });

  it("reports a wrong password as an mqtt-auth error, once per state change, and keeps retrying", async () => {
    const { service, logs, states } = await start({ url: broker.url, username: "voice", password: "wrong" });
    try {
      expect(service.state).toMatchObject({ state: "auth-failed", code: "mqtt-auth" });
      expect(service.state.message).toMatch(/refused the login/);
      expect(service.state.hint).toMatch(/mqtt.username and mqtt.password/);
      // Several refused attempts later there is still one error line, and no password in any line.
      const attempts = () => logs.filter((l) => l.msg === "reconnecting to the MQTT broker").length;
      await waitFor(() => attempts() >= 2, { what: () => `2 reconnect attempts (saw ${attempts()})` });
      const errors = logs.filter((l) => l.level === 50);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: "mqtt-auth", state: "auth-failed" });
      expect(JSON.stringify(logs)).not.toContain("wrong");
      expect(states).toEqual(["auth-failed"]);
      expect(attempts()).toBeGreaterThanOrEqual(2);
    } finally {
      await service.stop();
    }
  });

  it("drops a publish the broker's ACL refuses, says why, and keeps delivering the rest", async () => {
    const config = mqttConfig({
      site: "acl",
      mqtt: { url: broker.url, username: "voice", password: "s3cret" },
      devices: [
        {
          id: "forbidden",
          name: "forbidden lamp",
          domain: "light",
          command_topic: "home/forbidden/set",
          schema: "json",
        },
        {
          id: "allowed",
          name: "allowed lamp",
          domain: "light",
          command_topic: "home/allowed/set",
          schema: "json",
        },
      ],
    });
    const capture = captureLogger();
    const acl = await startMqttService({ config, logger: capture.logger });
    try {
      const ctx = { runId: "acl", site: "acl" };
      const intent = (target: string) =>
        ({ intent: "HassTurnOn", targets: [target], slots: {}, source: "template", confidence: 1 }) as const;
      const refused = await acl.commands.publishCommand(
        { ...intent("forbidden"), targets: ["forbidden"] },
        ctx,
      );
      const accepted = await acl.commands.publishCommand({ ...intent("allowed"), targets: ["allowed"] }, ctx);
      expect(await refused.delivered).toBe("dropped");
      expect(await accepted.delivered).toBe("acked");
      const warning = capture.lines.find((l) =>
        String(l.msg).includes("command to home/forbidden/set dropped undelivered"),
      );
      expect(warning).toMatchObject({ level: 40 });
      expect(String(warning?.msg)).toMatch(/ACL/);
      await acl.flush(3000);
      expect(acl.outbox.queued).toBe(0);
    } finally {
      await acl.stop();
    }
  });

  it("refuses unreadable certificate files as a configuration error (exit 78)", async () => {
    await expect(
      start({ url: `mqtts://127.0.0.1:${broker.tlsPort}`, ca_file: "/nonexistent/ca.crt" }),
    ).rejects.toMatchObject({ code: "config-invalid", exitCode: 78, message: /mqtt.ca_file: cannot read/ });
  });
});
