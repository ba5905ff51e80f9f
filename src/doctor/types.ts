import type { Config } from "../config/schema.js";
import type { ModelRequest } from "../models/startup.js";
import type { BaseProbeResult } from "./base-probe.js";

export type CheckStatus = "pass" | "warn" | "fail";

/** One line of `edge-voice doctor`: what was checked, what was found, and how to fix it. */
export interface CheckResult {
  /** Stable id for --json (node, glibc, board, audio-devices, microphone, model:<id>, llama, broker, base, service). */
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found, one line. */
  detail: string;
  /** One line saying what to do (warn and fail). */
  fix?: string;
}

export interface CommandResult {
  /** Exit code, or null when the program could not start or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** ENOENT, ETIMEDOUT, ... when the program did not run to its end. */
  error?: string;
}

export interface CaptureResult {
  /** s16 mono 16 kHz samples captured, or null with the recorder's reason. */
  samples: Int16Array | null;
  reason?: string;
}

export type MqttProbeResult =
  | { ok: true }
  | { ok: false; kind: "auth" | "unreachable" | "timeout" | "other"; message: string };

export interface LlamaProbeResult {
  /** GPU backends with the drivers and a binary present here (node-llama-cpp getLlamaGpuTypes("supported")). */
  supported: string[];
  /** The backend that loaded with the configured llm.gpu, an error, or null when not asked to load. */
  loaded: { gpu: string; buildType: string } | { error: string } | null;
}

/**
 * Everything a check learns about the machine goes through these, so unit tests can give
 * each check a Pi, a Jetson, a laptop, a dead microphone or a refusing broker.
 */
export interface Probes {
  nodeVersion(): string;
  /** The C library's version (glibc), or null when not glibc (macOS, musl). */
  glibcVersion(): string | null;
  platform(): NodeJS.Platform;
  arch(): string;
  /** `notable`: arm64 matrix/dot-product extensions that change onnxruntime's kernels (system/cpu.ts). */
  cpus(): { model: string; count: number; notable: string[] };
  /** File contents, or null if it cannot be read. */
  readFile(file: string): string | null;
  run(program: string, args: string[], timeoutMs: number): Promise<CommandResult>;
  /** Records about `seconds` from the configured microphone with the daemon's own recorder. */
  capture(config: Config["audio"], seconds: number, timeoutMs: number): Promise<CaptureResult>;
  /** Resolves and verifies one model; throws the model store's EdgeVoiceError when missing or corrupt. */
  verifyModel(request: ModelRequest): Promise<{ path: string; pinned: boolean }>;
  /** Backends node-llama-cpp finds; `load` also loads llama.cpp with the configured gpu (~1 s). */
  llama(gpu: Config["llm"]["gpu"], load: boolean): Promise<LlamaProbeResult>;
  /** Loads the configured Whisper and runs its start-up self-test (stt/self-test.ts); throws its EdgeVoiceError. */
  sttSelfTest(config: Config): Promise<{ ms: number }>;
  /** Loads the configured wake word and runs its start-up self-test (wake/self-test.ts); throws its EdgeVoiceError. */
  wakeSelfTest(config: Config): Promise<{ ms: number }>;
  /** A short connect (own client id, so a running daemon is not kicked off) and disconnect. */
  mqtt(config: Config, timeoutMs: number): Promise<MqttProbeResult>;
  /** role satellite: the base's status, a fresh heartbeat, and its answer to a test session (base-probe.ts). */
  base(config: Config, timeoutMs: number): Promise<BaseProbeResult>;
}

export interface DoctorContext {
  /** null when the config could not be loaded (the config check failed). */
  config: Config | null;
  probes: Probes;
}

export type Check = (context: DoctorContext) => Promise<CheckResult[]>;

export function pass(id: string, title: string, detail: string): CheckResult {
  return { id, title, status: "pass", detail };
}

export function warn(id: string, title: string, detail: string, fix: string): CheckResult {
  return { id, title, status: "warn", detail, fix };
}

export function fail(id: string, title: string, detail: string, fix: string): CheckResult {
  return { id, title, status: "fail", detail, fix };
}

/** "2.36" >= "2.34" on dotted numbers. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split(".").map((n) => Number.parseInt(n, 10) || 0);
  const b = minimum.split(".").map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return true;
}
