import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { validate } from "../../../src/config/load.js";
import type { Config } from "../../../src/config/schema.js";
import { DeviceRegistry } from "../../../src/intent/registry.js";

export const HOME_YAML = "test/fixtures/intent/home.yaml";
export const PHRASINGS_YAML = "test/fixtures/intent/phrasings.yaml";

/** Tests keep state (the LLM prompt cache) in a temp dir, never in the user's home. */
const STATE_DIR = mkdtempSync(path.join(tmpdir(), "edge-voice-intent-state-"));

/** The sample home as a validated config, with overrides merged on top. */
export function homeConfig(overrides: Record<string, unknown> = {}): Config {
  const raw = parse(readFileSync(HOME_YAML, "utf8")) as Record<string, unknown>;
  return validate({ state_dir: STATE_DIR, ...raw, ...overrides });
}

export function homeRegistry(config = homeConfig()): DeviceRegistry {
  return new DeviceRegistry(config.devices);
}

export interface Phrasing {
  say: string;
  intent?: string;
  targets?: string[];
  slots?: Record<string, unknown>;
  reject?: string;
  fuzzy?: boolean;
}

export function phrasings(): Phrasing[] {
  return parse(readFileSync(PHRASINGS_YAML, "utf8")) as Phrasing[];
}
