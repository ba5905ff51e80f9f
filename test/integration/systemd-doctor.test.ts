import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { configSchema } from "../../src/config/schema.js";
import { systemProbes } from "../../src/doctor/probes.js";
import { freePort, Mosquitto } from "../support/mosquitto.js";

/** The doctor's broker probe against a real Mosquitto that requires a password. */
let broker: Mosquitto;
beforeAll(async () => {
  broker = await Mosquitto.start({ users: { voice: "s3cret" }, persistence: false });
});
afterAll(async () => {
  await broker?.dispose();
});

const io = { cwd: process.cwd(), env: process.env };
const probeWith = (mqtt: Record<string, unknown>) => {
  const config = configSchema.parse({ mqtt });
  return systemProbes(io, config).mqtt(config, 3000);
};

describe("doctor's broker probe (real Mosquitto)", () => {
  it("connects with the right password", async () => {
    expect(await probeWith({ url: broker.url, username: "voice", password: "s3cret" })).toEqual({ ok: true });
  });

  it("reports refused credentials as auth, over MQTT 5 and 3.1.1", async () => {
    for (const protocol_version of [5, 4]) {
      const result = await probeWith({
        url: broker.url,
        username: "voice",
        password: "wrong",
        protocol_version,
      });
      expect(result).toMatchObject({ ok: false, kind: "auth" });
    }
    expect(await probeWith({ url: broker.url })).toMatchObject({ ok: false, kind: "auth" });
  });

  it("reports a port where nothing listens as unreachable", async () => {
    const result = await probeWith({ url: `mqtt://127.0.0.1:${await freePort()}` });
    expect(result).toMatchObject({ ok: false, kind: "unreachable" });
  });

  it("edge-voice doctor --json prints every check and exits 1 exactly when one fails", async () => {
    let out = "";
    const code = await main(
      [
        "doctor",
        "--json",
        "--set",
        `mqtt.url=${broker.url}`,
        "--set",
        "mqtt.username=voice",
        "--set",
        "mqtt.password=wrong",
      ],
      {
        stdout: {
          write: (s: string) => {
            out += s;
            return true;
          },
        } as never,
        stderr: process.stderr,
        env: process.env,
        cwd: process.cwd(),
      },
    );
    const results = JSON.parse(out) as Array<{ id: string; status: string }>;
    expect(results.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        "config",
        "node",
        "glibc",
        "board",
        "microphone",
        "llama",
        "broker",
        "service",
      ]),
    );
    expect(results.find((r) => r.id === "broker")?.status).toBe("fail");
    // The wake word's self-test, run by the real probe on this machine's CPU.
    expect(results.find((r) => r.id === "wake-self-test")?.status).toBe("pass");
    expect(out).not.toContain("wrong");
    expect(code).toBe(1);
  });
});
