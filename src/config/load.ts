import { existsSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { EdgeVoiceError, ExitCode } from "../errors.js";
import { coerceText, readEnvOverrides, settingSchema } from "./env.js";
import { formatIssues } from "./errors.js";
import { readUserFile } from "./read-text.js";
import { type Config, configJsonSchema, configSchema } from "./schema.js";
import { describeYamlError, yamlErrorPlace } from "./yaml-errors.js";

export const SYSTEM_CONFIG_PATH = "/etc/edge-voice/config.yaml";
export const LOCAL_CONFIG_PATH = "edge-voice.yaml";
/** A config file has no use for more; yaml's own default, stated so it cannot change under us. */
const MAX_YAML_ALIASES = 100;

export interface LoadOptions {
  /** `--config FILE`; else $EDGE_VOICE_CONFIG, else /etc/edge-voice/config.yaml, else ./edge-voice.yaml, if present. */
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Command-line flags as dotted paths (`mqtt.url`), applied last. */
  overrides?: Record<string, unknown>;
  cwd?: string;
}

export interface LoadedConfig {
  config: Config;
  /** The file read, if any. */
  file: string | null;
  /** Names of the environment variables that changed a setting. */
  envApplied: string[];
}

/** Defaults < YAML file < environment < flags. Lists every problem, then throws (exit 78). */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = resolveConfigPath(options.configPath ?? env.EDGE_VOICE_CONFIG, cwd);
  const raw = file ? readYaml(file) : {};
  const jsonSchema = configJsonSchema();
  const { values, problems } = readEnvOverrides(jsonSchema, env);
  // Where a setting came from, when not the file: a bad value is looked for where it was set.
  const sources = new Map<string, string>();
  for (const { path: keyPath, value, name } of values) {
    setPath(raw, keyPath, value);
    sources.set(keyPath.join("."), name);
  }
  for (const [dotted, value] of Object.entries(options.overrides ?? {})) {
    const setting = settingSchema(jsonSchema, dotted);
    if (!setting) problems.push(`${dotted}: unknown setting (command line)`);
    else setPath(raw, dotted.split("."), typeof value === "string" ? coerceText(setting, value) : value);
    sources.set(dotted, `--set ${dotted}`);
  }
  const config = validate(raw, file, problems, sources);
  return { config, file, envApplied: values.map((v) => v.name) };
}

/** Validates an already-merged object (SIGHUP reload, tests). */
export function validate(
  raw: unknown,
  file: string | null = null,
  earlier: string[] = [],
  /** Dotted path -> where it was set (`EDGE_VOICE_MQTT__URL`, `--set mqtt.url`), named in its problems. */
  sources: ReadonlyMap<string, string> = new Map(),
): Config {
  const result = configSchema.safeParse(raw, { reportInput: true });
  const issues = result.success ? [] : formatIssues(result.error.issues);
  const problems = [...earlier, ...issues.map((line) => withSource(line, sources))];
  if (problems.length > 0 || !result.success) {
    const where = file ? ` (${file})` : "";
    throw new EdgeVoiceError(
      "config-invalid",
      `configuration is invalid${where}:\n  ${problems.join("\n  ")}`,
      {
        exitCode: ExitCode.config,
        hint: "fix the settings named above; `edge-voice config --print` shows the effective configuration",
      },
    );
  }
  return result.data;
}

function withSource(problem: string, sources: ReadonlyMap<string, string>): string {
  for (const [dotted, source] of sources) {
    const rest = problem.slice(dotted.length);
    if (problem.startsWith(dotted) && /^[:.[]/.test(rest)) return `${problem} (from ${source})`;
  }
  return problem;
}

function resolveConfigPath(explicit: string | undefined, cwd: string): string | null {
  if (explicit) {
    const full = path.resolve(cwd, explicit);
    if (!existsSync(full)) {
      throw new EdgeVoiceError("config-unreadable", `config file not found: ${full}`, {
        exitCode: ExitCode.config,
        hint: "check the path given to --config (or EDGE_VOICE_CONFIG)",
      });
    }
    return full;
  }
  if (existsSync(SYSTEM_CONFIG_PATH)) return SYSTEM_CONFIG_PATH;
  const local = path.resolve(cwd, LOCAL_CONFIG_PATH);
  return existsSync(local) ? local : null;
}

function readYaml(file: string): Record<string, unknown> {
  const text = readUserFile(
    file,
    "config file",
    "check the file's permissions (the service runs as its own user)",
  );
  // Plain messages: yamlErrorPlace names the line (yaml's own can be past the end of the file).
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => describeYamlError(yamlErrorPlace(doc, e, text)));
    throw new EdgeVoiceError(
      "config-invalid",
      `config file ${file} is not valid YAML:\n  ${lines.join("\n  ")}`,
      {
        exitCode: ExitCode.config,
        hint: "fix the YAML syntax at the line named above",
      },
    );
  }
  let value: unknown;
  try {
    // yaml refuses a document whose aliases expand past maxAliasCount (a "billion laughs" bomb).
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    throw new EdgeVoiceError(
      "config-invalid",
      `config file ${file} cannot be read as settings: ${(error as Error).message.split("\n")[0]}`,
      { exitCode: ExitCode.config, hint: "write the settings out instead of through many YAML aliases" },
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new EdgeVoiceError("config-invalid", `config file ${file} must be a mapping of settings`, {
      exitCode: ExitCode.config,
      hint: "start the file with keys such as `site:` and `mqtt:`",
    });
  }
  return value as Record<string, unknown>;
}

function setPath(target: Record<string, unknown>, keyPath: string[], value: unknown): void {
  let node = target;
  for (const key of keyPath.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keyPath[keyPath.length - 1] as string] = value;
}
