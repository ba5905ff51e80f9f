import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { type Config, type ConfigInput, configSchema } from "../../src/config/schema.js";
import type { PipelineControl } from "../../src/pipeline/control.js";
import { CEILING_MS } from "./wait-for.js";

/** Kept here too: the MQTT tests have always taken it from this harness. */
export { captureLogger } from "./capture-logger.js";

/** Helpers shared by the MQTT tests: config, a recording PipelineControl, probes, a log capture, certificates. */

export function mqttConfig(input: ConfigInput): Config {
  return configSchema.parse(input);
}

let tempRoot: string | null = null;

/** A fresh directory under one root that `removeTempDirs()` (a test file's afterAll) deletes. */
export function tempDir(name: string): string {
  tempRoot ??= mkdtempSync(path.join(os.tmpdir(), "edge-voice-mqtt-test-"));
  return mkdtempSync(path.join(tempRoot, `${name}-`));
}

export function removeTempDirs(): void {
  if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
  tempRoot = null;
}

export class RecordingControl implements PipelineControl {
  muted = false;
  wakeEnabled = true;
  injected: string[] = [];
  setMuted(muted: boolean): void {
    this.muted = muted;
  }
  isMuted(): boolean {
    return this.muted;
  }
  setWakeEnabled(enabled: boolean): void {
    this.wakeEnabled = enabled;
  }
  injectText(text: string): boolean {
    this.injected.push(text);
    return true;
  }
}

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/** An independent mqtt.js subscriber that records what it receives. */
export class Probe {
  readonly messages: Received[] = [];
  private constructor(readonly client: MqttClient) {
    client.on("message", (topic, payload, packet) =>
      this.messages.push({ topic, payload: payload.toString(), retain: packet.retain }),
    );
  }

  static async connect(url: string, topics: string[], options: IClientOptions = {}): Promise<Probe> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, ...options });
    const probe = new Probe(client);
    await client.subscribeAsync(topics, { qos: 1 });
    return probe;
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  async waitFor(predicate: (messages: Received[]) => boolean, timeoutMs = CEILING_MS): Promise<Received[]> {
    await until(
      () => predicate(this.messages),
      timeoutMs,
      () => `probe saw ${JSON.stringify(this.messages)}`,
    );
    return this.messages;
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** `mosquitto_sub -v` as a peer that shares no code with edge-voice; `ready` once it is subscribed. */
export class MosquittoSub {
  readonly lines: string[] = [];
  readonly #child: ChildProcess;
  private constructor(port: number, topics: string[]) {
    const args = ["-h", "127.0.0.1", "-p", String(port), "-q", "1", "-v", "-t", "probe/ready"];
    for (const topic of topics) args.push("-t", topic);
    this.#child = spawn("mosquitto_sub", args, { stdio: ["ignore", "pipe", "inherit"] });
    let buffer = "";
    this.#child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      this.lines.push(...parts);
    });
  }

  static async start(port: number, topics: string[]): Promise<MosquittoSub> {
    const sub = new MosquittoSub(port, topics);
    const poke = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`);
    await until(
      () => {
        poke.publish("probe/ready", "1");
        return sub.lines.some((line) => line.startsWith("probe/ready"));
      },
      CEILING_MS,
      () => "mosquitto_sub never subscribed",
    );
    await poke.endAsync();
    return sub;
  }

  /** `[topic, parsed JSON payload]` of the lines on `topic`. */
  json(topic: string): unknown[] {
    return this.lines
      .filter((line) => line.startsWith(`${topic} `))
      .map((line) => JSON.parse(line.slice(topic.length + 1)));
  }

  stop(): void {
    this.#child.kill("SIGTERM");
  }
}

/** Polls `check` until it holds; `timeoutMs` is a safety net (use CEILING_MS), never a timing assertion. */
export async function until(check: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface Certificates {
  caFile: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made by openssl now. */
export function makeCertificates(dir: string): Certificates {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=edge-voice test CA",
    "-keyout",
    file("ca.key"),
    "-out",
    file("ca.crt"),
  );
  for (const [name, subject, ext] of [
    ["server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
    ["client", "/CN=edge-voice", "extendedKeyUsage=clientAuth"],
  ] as const) {
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      subject,
      "-keyout",
      file(`${name}.key`),
      "-out",
      file(`${name}.csr`),
    );
    const extFile = file(`${name}.ext`);
    execFileSync("sh", ["-c", `printf '%s\\n' '${ext}' > '${extFile}'`]);
    openssl(
      "x509",
      "-req",
      "-in",
      file(`${name}.csr`),
      "-CA",
      file("ca.crt"),
      "-CAkey",
      file("ca.key"),
      "-CAcreateserial",
      "-days",
      "2",
      "-out",
      file(`${name}.crt`),
      "-extfile",
      extFile,
    );
  }
  return {
    caFile: file("ca.crt"),
    serverCert: file("server.crt"),
    serverKey: file("server.key"),
    clientCert: file("client.crt"),
    clientKey: file("client.key"),
  };
}
