import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { RecorderProcess } from "../audio/recorder-process.js";
import { preparedModelsDir, stateDir } from "../config/paths.js";
import type { Config } from "../config/schema.js";
import { describeError } from "../errors.js";
import { resolveModelPath } from "../models/resolve.js";
import { type ModelRequest, modelStoreFromConfig } from "../models/startup.js";
import { clientSettings } from "../mqtt/client-options.js";
import { createTranscriber } from "../stt/create.js";
import { hostCpu } from "../system/cpu.js";
import { silentLogger } from "../util/logger.js";
import { createWakeWordDetector } from "../wake/create.js";
import { probeBase } from "./base-probe.js";
import type { CaptureResult, CommandResult, LlamaProbeResult, MqttProbeResult, Probes } from "./types.js";

/** The real machine: files, programs, the microphone, node-llama-cpp and the broker. */
export function systemProbes(io: { cwd: string; env: NodeJS.ProcessEnv }, config: Config | null): Probes {
  return {
    nodeVersion: () => process.versions.node,
    glibcVersion,
    platform: () => process.platform,
    arch: () => process.arch,
    cpus: () => {
      const cpus = os.cpus();
      const facts = hostCpu();
      return {
        model: facts.name || (cpus[0]?.model?.trim() ?? ""),
        count: cpus.length || os.availableParallelism(),
        notable: facts.notable,
      };
    },
    readFile: (file) => {
      try {
        return readFileSync(file, "utf8");
      } catch {
        return null;
      }
    },
    run,
    capture,
    verifyModel: async (request: ModelRequest) => {
      if (!config) throw new Error("no config");
      const store = modelStoreFromConfig(config, io);
      const resolved = await resolveModelPath(store, request.value, request.kind, { cwd: io.cwd });
      return { path: resolved.path, pinned: resolved.pinned };
    },
    llama,
    sttSelfTest: async (config: Config) => {
      const started = performance.now();
      const preparedDir = preparedModelsDir(stateDir(config.state_dir, io.env));
      const store = modelStoreFromConfig(config, io);
      const transcriber = await createTranscriber(config.stt, store, silentLogger(), { preparedDir });
      await transcriber.dispose();
      return { ms: Math.round(performance.now() - started) };
    },
    wakeSelfTest: async (config: Config) => {
      const started = performance.now();
      const store = modelStoreFromConfig(config, io);
      // The detector alone: the VAD gate and the verifier add nothing to the arithmetic checked.
      const plain = { ...config, wake: { ...config.wake, vad_gate: false } };
      const detector = await createWakeWordDetector(plain, store, silentLogger(), { env: io.env });
      await detector.dispose();
      return { ms: Math.round(performance.now() - started) };
    },
    mqtt,
    base: probeBase,
  };
}

function glibcVersion(): string | null {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime ?? null;
}

function run(program: string, args: string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(program, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const failure = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
      if (typeof failure.code === "number") return resolve({ code: failure.code, stdout, stderr });
      resolve({
        code: null,
        stdout,
        stderr,
        error: failure.killed ? "ETIMEDOUT" : (failure.code ?? failure.message),
      });
    });
  });
}

/** Records with the daemon's own recorder (RecorderProcess), so it opens the device the same way. */
async function capture(audio: Config["audio"], seconds: number, timeoutMs: number): Promise<CaptureResult> {
  const recorder = new RecorderProcess({
    recorder: audio.recorder,
    device: audio.device,
    sampleRate: 16_000,
    channels: 1,
  });
  const wanted = Math.round(seconds * 16_000) * 2;
  const chunks: Buffer[] = [];
  let bytes = 0;
  const deadline = new Promise<"timeout">((resolve) =>
    setTimeout(() => resolve("timeout"), timeoutMs).unref(),
  );
  try {
    while (bytes < wanted) {
      const chunk = await Promise.race([recorder.next(), deadline]);
      if (chunk === "timeout") return { samples: null, reason: `no audio within ${timeoutMs / 1000} s` };
      if (chunk === undefined) break;
      chunks.push(chunk);
      bytes += chunk.length;
    }
  } finally {
    await recorder.stop();
  }
  if (bytes === 0) return { samples: null, reason: recorder.exitReason ?? "no audio" };
  const all = Buffer.concat(chunks);
  const samples = new Int16Array(Math.floor(all.length / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = all.readInt16LE(i * 2);
  return { samples };
}

async function llama(gpu: Config["llm"]["gpu"], load: boolean): Promise<LlamaProbeResult> {
  const { getLlama, getLlamaGpuTypes, LlamaLogLevel } = await import("node-llama-cpp");
  const supported = (await getLlamaGpuTypes("supported")).filter(
    (t): t is Exclude<typeof t, false> => t !== false,
  );
  if (!load) return { supported, loaded: null };
  try {
    // build: "never": doctor must not start a 4-minute compile (or a download) to answer.
    const instance = await getLlama({
      gpu,
      build: "never",
      progressLogs: false,
      logLevel: LlamaLogLevel.error,
    });
    const loaded = { gpu: instance.gpu === false ? "cpu" : instance.gpu, buildType: instance.buildType };
    await instance.dispose();
    return { supported, loaded };
  } catch (error) {
    return { supported, loaded: { error: describeError(error).split("\n")[0] ?? "failed" } };
  }
}

/** MQTT 5 first, then 3.1.1 if the broker refuses the protocol version (as the daemon does). */
async function mqtt(config: Config, timeoutMs: number): Promise<MqttProbeResult> {
  if (config.mqtt.protocol_version === 4) return connectOnce(config, 4, timeoutMs);
  const first = await connectOnce(config, 5, timeoutMs);
  if (first.ok || !isProtocolRefusal(first)) return first;
  return connectOnce(config, 4, timeoutMs);
}

type Refusal = Extract<MqttProbeResult, { ok: false }> & { code?: number };

function isProtocolRefusal(result: MqttProbeResult): boolean {
  const code = (result as Refusal).code;
  return code === 1 || code === 132;
}

async function connectOnce(
  config: Config,
  version: 4 | 5,
  timeoutMs: number,
): Promise<MqttProbeResult & { code?: number }> {
  const { connectAsync } = await import("mqtt");
  const url = config.mqtt.url as string;
  let settings: ReturnType<typeof clientSettings>;
  try {
    settings = clientSettings(config, url, "edge-voice/doctor", version);
  } catch (error) {
    return { ok: false, kind: "other", message: describeError(error) };
  }
  const options = {
    ...settings.options,
    clientId: `edge-voice-doctor-${process.pid}`,
    will: undefined,
    clean: true,
    properties: undefined,
    connectTimeout: timeoutMs,
  };
  const attempt = connectAsync(url, options, false).then(
    async (client) => {
      await client.endAsync(true);
      return { ok: true } as const;
    },
    (error: unknown) => classify(error),
  );
  const timeout = new Promise<MqttProbeResult>((resolve) =>
    setTimeout(
      () => resolve({ ok: false, kind: "timeout", message: `no answer within ${timeoutMs / 1000} s` }),
      timeoutMs + 500,
    ).unref(),
  );
  return Promise.race([attempt, timeout]);
}

/** MQTT 3.1.1 CONNACK 4/5 and MQTT 5 reason codes 134/135 mean the credentials were refused. */
function classify(error: unknown): MqttProbeResult & { code?: number } {
  const code = (error as { code?: unknown }).code;
  const message = describeError(error);
  if (typeof code === "number") {
    if (code === 4 || code === 5 || code === 134 || code === 135)
      return { ok: false, kind: "auth", message, code };
    return { ok: false, kind: "other", message, code };
  }
  if (
    typeof code === "string" &&
    /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ECONNRESET/.test(code)
  ) {
    return { ok: false, kind: "unreachable", message };
  }
  return { ok: false, kind: "other", message };
}
