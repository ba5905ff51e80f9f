import { type LoadedConfig, loadConfig } from "../config/load.js";
import { usageError } from "../errors.js";
import { type CommandIo, type ParsedArgs, setOverrides } from "./command.js";

/** Loads the config for a command from its --config/--set flags, the environment and the file. */
export function loadConfigFor(
  args: ParsedArgs,
  io: CommandIo,
  extra: Record<string, unknown> = {},
): LoadedConfig {
  let overrides: Record<string, unknown>;
  try {
    overrides = { ...setOverrides(args.values), ...extra };
  } catch (error) {
    throw usageError((error as Error).message, "write --set mqtt.url=mqtt://host:1883");
  }
  return loadConfig({
    configPath: args.values.config as string | undefined,
    env: io.env,
    cwd: io.cwd,
    overrides,
  });
}
