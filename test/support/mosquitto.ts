import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { CEILING_MS } from "./wait-for.js";

/**
 * A real Mosquitto (Debian's /usr/sbin/mosquitto) for one test file: its own temp dir for
 * the config, persistence and log, a free port on 127.0.0.1, stopped by PID. Never touches
 * a system broker on 1883.
 */
export interface MosquittoOptions {
  /** Users and passwords; anonymous access is refused when given. */
  users?: Record<string, string>;
  /** A TLS listener (in addition to the plain one) with these PEM files. */
  tls?: { caFile: string; certFile: string; keyFile: string; requireCertificate: boolean };
  /** Keep sessions and retained messages across restart() (on by default). */
  persistence?: boolean;
  /** More mosquitto.conf lines (global options such as `set_tcp_nodelay true`). */
  extra?: string[];
}

export class Mosquitto {
  #child: ChildProcess | null = null;

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly tlsPort: number | null,
  ) {}

  static async start(options: MosquittoOptions = {}): Promise<Mosquitto> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "edge-voice-mosquitto-"));
    const port = await freePort();
    const tlsPort = options.tls ? await freePort() : null;
    writeFileSync(path.join(dir, "mosquitto.conf"), conf(dir, port, tlsPort, options));
    const broker = new Mosquitto(dir, port, tlsPort);
    await broker.restart();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts (again) on the same port with the same persistence. */
  async restart(): Promise<void> {
    if (this.#child) return;
    const child = spawn("mosquitto", ["-c", path.join(this.dir, "mosquitto.conf")], { stdio: "ignore" });
    this.#child = child;
    child.once("exit", () => {
      if (this.#child === child) this.#child = null;
    });
    await waitForPort(this.port, CEILING_MS);
  }

  /** SIGTERM (Mosquitto saves its persistence) and wait for exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await exited;
    this.#child = null;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function conf(dir: string, port: number, tlsPort: number | null, options: MosquittoOptions): string {
  const lines = [
    // As root, Mosquitto drops to the "mosquitto" user unless told otherwise; the temp dir is ours.
    `user ${os.userInfo().username}`,
    `persistence ${options.persistence === false ? "false" : "true"}`,
    `persistence_location ${dir}/`,
    `log_dest file ${path.join(dir, "mosquitto.log")}`,
    "log_type all",
    "per_listener_settings false",
    ...(options.extra ?? []),
  ];
  if (options.users) {
    const passwd = path.join(dir, "passwd");
    writeFileSync(passwd, "");
    for (const [user, password] of Object.entries(options.users))
      execFileSync("mosquitto_passwd", ["-b", passwd, user, password]);
    lines.push("allow_anonymous false", `password_file ${passwd}`);
  } else lines.push("allow_anonymous true");
  lines.push(`listener ${port} 127.0.0.1`);
  if (options.tls && tlsPort !== null) {
    lines.push(
      `listener ${tlsPort} 127.0.0.1`,
      `cafile ${options.tls.caFile}`,
      `certfile ${options.tls.certFile}`,
      `keyfile ${options.tls.keyFile}`,
      `require_certificate ${options.tls.requireCertificate}`,
    );
  }
  mkdirSync(dir, { recursive: true });
  return `${lines.join("\n")}\n`;
}

/** A port free on 127.0.0.1 right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on 127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
