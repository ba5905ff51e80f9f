import { accessSync, constants, existsSync, mkdirSync, rmdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package root (where package.json and models/ live), from src/ under vitest or dist/ when built. */
export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Where the outbox and caches go: the config's state_dir, else systemd's
 * $STATE_DIRECTORY (StateDirectory=), else ~/.local/state/edge-voice.
 */
export function stateDir(configured: string | null, env: NodeJS.ProcessEnv = process.env): string {
  if (configured) return path.resolve(configured);
  const fromSystemd = env.STATE_DIRECTORY?.split(":")[0];
  if (fromSystemd) return fromSystemd;
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), ".local", "state");
  return path.join(base, "edge-voice");
}

/** Whisper's prepared (edited) models in the state directory, kept between starts (`onnx/prepared-cache.ts`). */
export function preparedModelsDir(state: string): string {
  return path.join(state, "prepared");
}

/** The LLM's evaluated prompt prefix in the state directory, kept between starts. */
export function llmPrefixCacheDir(state: string): string {
  return path.join(state, "llm");
}

/**
 * `mkdir -p` that cannot spin. Node's own `mkdir(dir, { recursive: true })` loops forever at
 * 100% CPU where mkdir fails with ENOENT under a parent that exists (anywhere under /proc):
 * this creates one missing level at a time and lets that error through. Throws like mkdirSync.
 */
export function makeDirs(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let current = path.resolve(dir); !existsSync(current); current = path.dirname(current)) {
    missing.push(current);
    if (path.dirname(current) === current) break;
  }
  for (const level of missing.reverse()) mkdirSync(level, mode === undefined ? undefined : { mode });
}

/** Creates `dir` if needed and checks it is a writable directory; throws the reason (an Error with a code). */
export function ensureWritableDir(dir: string): void {
  makeDirs(dir);
  accessSync(dir, constants.W_OK);
  // A writable /proc or /sys entry is not a directory to keep files in.
  const probe = path.join(dir, `.edge-voice-write-test.${process.pid}`);
  mkdirSync(probe);
  accessSync(probe, constants.W_OK);
  rmdirSync(probe);
}

/** Directory of an installed npm package, searched from the app root upwards as Node would. */
export function npmPackageDir(name: string, from: string = APP_ROOT): string | null {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
