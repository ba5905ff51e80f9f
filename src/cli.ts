import { parseArgs } from "node:util";
import type { Command, CommandIo } from "./commands/command.js";
import { configCommand } from "./commands/config.js";
import { doctorCommand } from "./commands/doctor.js";
import { intentCommand } from "./commands/intent.js";
import { modelsCommand } from "./commands/models.js";
import { runCommand } from "./commands/run.js";
import { transcribeCommand } from "./commands/transcribe.js";
import { ExitCode, isEdgeVoiceError } from "./errors.js";
import { disableThirdPartyTelemetry } from "./system/privacy-env.js";

/** Every subcommand; a later stage adds its file here. */
const COMMANDS: Command[] = [
  runCommand,
  modelsCommand,
  configCommand,
  intentCommand,
  doctorCommand,
  transcribeCommand,
];

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `edge-voice: an offline voice assistant daemon for edge boards

Usage: edge-voice <command> [options]   (edge-voice <command> --help for its options)

Commands:
${lines.join("\n")}

Exit codes: 0 ok, 1 runtime failure, 2 usage error, 78 configuration error (incl. missing or corrupt models).
`;
}

/** Runs the CLI and resolves to the exit code; prints user errors as two lines, never a stack. */
export async function main(argv: string[], io: CommandIo = defaultIo()): Promise<number> {
  disableThirdPartyTelemetry(); // before any model loads: onnxruntime must not record or upload usage
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    (name ? io.stdout : io.stderr).write(topHelp());
    return name ? ExitCode.ok : ExitCode.usage;
  }
  if (name === "--version" || name === "-V") {
    io.stdout.write(`${await version()}\n`);
    return ExitCode.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`edge-voice: unknown command "${name}"\nhint: run \`edge-voice --help\` for the list\n`);
    return ExitCode.usage;
  }
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.stderr.write(
      `edge-voice ${name}: ${(error as Error).message}\nhint: run \`edge-voice ${name} --help\`\n`,
    );
    return ExitCode.usage;
  }
  if (args.values.help) {
    io.stdout.write(`${command.help.trimEnd()}\n`);
    return ExitCode.ok;
  }
  const [stray] = args.positionals;
  if (!command.takesArguments && stray !== undefined) {
    io.stderr.write(
      `edge-voice ${name}: ${name} takes no arguments, got "${stray}"\nhint: ${
        command.argumentHint ?? `run \`edge-voice ${name} --help\``
      }\n`,
    );
    return ExitCode.usage;
  }
  try {
    return await command.run(args as Parameters<Command["run"]>[0], io);
  } catch (error) {
    return reportError(error, name, io);
  }
}

export function reportError(error: unknown, name: string, io: CommandIo): number {
  if (isEdgeVoiceError(error)) {
    io.stderr.write(`edge-voice ${name}: ${error.message}\n`);
    if (error.hint) io.stderr.write(`hint: ${error.hint}\n`);
    return error.exitCode;
  }
  // Not a user error: a bug or an unexpected failure. The stack helps whoever reports it.
  io.stderr.write(`edge-voice ${name}: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
  return ExitCode.runtime;
}

function defaultIo(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

async function version(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const { APP_ROOT } = await import("./config/paths.js");
  const pkg = JSON.parse(await readFile(`${APP_ROOT}/package.json`, "utf8")) as { version: string };
  return pkg.version;
}
