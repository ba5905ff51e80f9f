import type { ParseArgsConfig } from "node:util";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** One subcommand of `edge-voice`. Each lives in its own file and is listed in cli.ts. */
export interface Command {
  name: string;
  /** One line for `edge-voice --help`. */
  summary: string;
  /** Usage and option lines for `edge-voice <name> --help`. */
  help: string;
  options: OptionSpec;
  /**
   * Whether it reads positional arguments (a file, a text, an action). Without this a stray
   * word is refused: `edge-voice run clip.wav` would otherwise open the microphone.
   */
  takesArguments?: boolean;
  /** What to say when a command that takes no arguments gets one (default: see its --help). */
  argumentHint?: string;
  /** Resolves to the exit code. Throws EdgeVoiceError for user errors (cli.ts prints them). */
  run(args: ParsedArgs, io: CommandIo): Promise<number>;
}

/** Options every command that reads the config accepts. */
export const CONFIG_OPTIONS: OptionSpec = {
  config: { type: "string", short: "c" },
  set: { type: "string", multiple: true },
};

export const CONFIG_HELP = `  -c, --config FILE   config file (default: /etc/edge-voice/config.yaml, else ./edge-voice.yaml)
      --set KEY=VALUE  override one setting, e.g. --set mqtt.url=mqtt://10.0.0.2 (repeatable)`;

/** `--set a.b=value` pairs as dotted-path overrides; values are YAML scalars. */
export function setOverrides(values: ParsedArgs["values"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (values.set as string[] | undefined) ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`--set expects KEY=VALUE, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
