import { parse as parseYaml } from "yaml";
import type { JsonSchema } from "./schema.js";

export const ENV_PREFIX = "EDGE_VOICE_";
/** Environment variables with this prefix that are not settings. */
const RESERVED = new Set(["EDGE_VOICE_CONFIG"]);

export interface EnvSetting {
  /** Config path, e.g. ["mqtt", "url"]. */
  path: string[];
  /** EDGE_VOICE_MQTT__URL: segments joined by a double underscore, since keys contain single ones. */
  name: string;
  schema: JsonSchema;
}

/** Every leaf setting of the schema with its environment variable name. */
export function envSettings(schema: JsonSchema, path: string[] = []): EnvSetting[] {
  const out: EnvSetting[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const childPath = [...path, key];
    if (child.properties) out.push(...envSettings(child, childPath));
    else out.push({ path: childPath, name: ENV_PREFIX + childPath.join("__").toUpperCase(), schema: child });
  }
  return out;
}

export interface EnvOverrides {
  values: { path: string[]; value: unknown; name: string }[];
  problems: string[];
}

/**
 * Reads EDGE_VOICE_* variables. A setting that takes a string gets the raw text (so a
 * password of "0123" stays a string); others are parsed as YAML scalars or flow
 * collections ("5", "true", "[a, b]", "null"). Unknown names are reported, not ignored:
 * a typo in a unit file's Environment= should not pass silently.
 */
export function readEnvOverrides(schema: JsonSchema, env: NodeJS.ProcessEnv): EnvOverrides {
  const byName = new Map(envSettings(schema).map((s) => [s.name, s]));
  const values: EnvOverrides["values"] = [];
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined || RESERVED.has(name)) continue;
    const setting = byName.get(name);
    if (!setting) {
      problems.push(`${name}: unknown setting (environment)`);
      continue;
    }
    try {
      values.push({ path: setting.path, value: coerceText(setting.schema, raw), name });
    } catch {
      problems.push(`${name}: cannot parse ${JSON.stringify(raw)}`);
    }
  }
  return { values, problems };
}

/** Text from the environment or `--set` as the setting's type; throws if it is not parseable YAML. */
export function coerceText(schema: JsonSchema, raw: string): unknown {
  return acceptsString(schema) ? raw : parseYaml(raw);
}

/** The schema of a setting by its dotted path (`mqtt.url`), or undefined if there is none. */
export function settingSchema(schema: JsonSchema, dotted: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const key of dotted.split(".")) node = node?.properties?.[key];
  return node;
}

function acceptsString(schema: JsonSchema): boolean {
  const types = schema.anyOf ? schema.anyOf.flatMap((s) => typeList(s)) : typeList(schema);
  const nonNull = types.filter((t) => t !== "null");
  return nonNull.length > 0 && nonNull.every((t) => t === "string");
}

function typeList(schema: JsonSchema): string[] {
  if (schema.type) return Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.enum) return [...new Set(schema.enum.map((v) => (v === null ? "null" : typeof v)))];
  if (schema.const !== undefined) return [typeof schema.const];
  return [];
}
