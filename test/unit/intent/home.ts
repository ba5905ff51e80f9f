import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { validate } from "../../../src/config/load.js";
import type { Config } from "../../../src/config/schema.js";
import { DeviceRegistry } from "../../../src/intent/registry.js";

export const HOME_YAML = "test/fixtures/intent/home.yaml";
export const PHRASINGS_YAML = "test/fixtures/intent/phrasings.yaml";

/** The sample home as a validated config, with overrides merged on top. */
export function homeConfig(overrides: Record<string, unknown> = {}): Config {
  const raw = parse(readFileSync(HOME_YAML, "utf8")) as Record<string, unknown>;
  return validate({ ...raw, ...overrides });
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
