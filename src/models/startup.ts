import path from "node:path";
import { stateDir } from "../config/paths.js";
import type { Config } from "../config/schema.js";
import { hasLocalModels } from "../config/sections/satellite.js";
import { EdgeVoiceError, ExitCode, isEdgeVoiceError } from "../errors.js";
import type { Logger } from "../util/logger.js";
import type { ModelKind } from "./manifest.js";
import { type ResolvedModel, resolveModelPath } from "./resolve.js";
import { ModelStore } from "./store.js";

/** One model a config asks for: where it is set, its value (id or path) and its kind. */
export interface ModelRequest {
  setting: string;
  value: string;
  kind: ModelKind;
}

/** The store the config describes: models.dir, the hash cache in the state dir, models.verify. */
export function modelStoreFromConfig(
  config: Config,
  io: { cwd: string; env: NodeJS.ProcessEnv },
  options: { alwaysHash?: boolean } = {},
): ModelStore {
  return new ModelStore({
    modelsDir: path.resolve(io.cwd, config.models.dir),
    cacheFile: path.join(stateDir(config.state_dir, io.env), "model-hashes.json"),
    alwaysHash: options.alwaysHash ?? config.models.verify === "always",
    cwd: io.cwd,
  });
}

/**
 * Every model the configured stages will load, so start-up checks them all before any loads.
 * A satellite without local models (satellite.fallback: none) loads only the wake word's and
 * the VAD's: its Whisper and LLM files need not be on the board.
 */
export function configuredModels(config: Config): ModelRequest[] {
  const requests: ModelRequest[] = [];
  if (config.wake.engine === "openwakeword") {
    // A custom classifier (wake.models[].path) still runs on the shared mel and embedding models.
    requests.push({
      setting: "wake (openWakeWord features)",
      value: "oww_melspectrogram",
      kind: "wake-feature",
    });
    requests.push({ setting: "wake (openWakeWord features)", value: "oww_embedding", kind: "wake-feature" });
    config.wake.models.forEach((model, i) => {
      requests.push(
        model.path
          ? { setting: `wake.models.${i}.path`, value: model.path, kind: "wake" }
          : { setting: `wake.models.${i}.id`, value: model.id, kind: "wake" },
      );
    });
  }
  requests.push({ setting: "vad.model", value: config.vad.model, kind: "vad" });
  if (!hasLocalModels(config)) return requests;
  requests.push({ setting: "stt.model", value: config.stt.model, kind: "stt" });
  if (config.llm.mode !== "off" && config.llm.model) {
    requests.push({ setting: "llm.model", value: config.llm.model, kind: "llm" });
  }
  return requests;
}

/**
 * Resolves and verifies every requested model, collecting all problems before failing
 * so one start shows everything to fix. Throws one model-missing/model-corrupt error
 * (exit 78) naming each file, its expected hash and the command that fetches it.
 */
export async function verifyModels(
  store: ModelStore,
  requests: ModelRequest[],
  options: { cwd?: string; logger?: Logger } = {},
): Promise<Map<string, ResolvedModel>> {
  const resolved = new Map<string, ResolvedModel>();
  const failures: { setting: string; error: EdgeVoiceError }[] = [];
  for (const request of requests) {
    try {
      resolved.set(request.setting, await resolveModelPath(store, request.value, request.kind, options));
    } catch (error) {
      if (!isEdgeVoiceError(error)) throw error;
      failures.push({ setting: request.setting, error });
    }
  }
  if (failures.length === 0) return resolved;
  const first = failures[0] as { error: EdgeVoiceError };
  if (failures.length === 1) throw first.error;
  const lines = failures.map((f) => `${f.setting}: ${f.error.message}`);
  const hints = [...new Set(failures.map((f) => f.error.hint).filter((h): h is string => Boolean(h)))];
  throw new EdgeVoiceError(first.error.code, `${failures.length} model problems:\n  ${lines.join("\n  ")}`, {
    hint: hints.join("\n      "),
    exitCode: ExitCode.config,
  });
}
