import { stringify } from "yaml";
import { redactConfig } from "../config/redact.js";
import { configWarnings } from "../config/warnings.js";
import { usageError } from "../errors.js";
import { loadTemplates } from "../intent/templates/file.js";
import { CONFIG_HELP, CONFIG_OPTIONS, type Command } from "./command.js";
import { loadConfigFor } from "./load-config.js";

export const configCommand: Command = {
  name: "config",
  summary: "print or check the effective configuration (secrets redacted)",
  help: `Usage: edge-voice config --print [--json] | --check

  --print             print the effective configuration (defaults < file < EDGE_VOICE_* < flags)
  --check             only validate (the settings, and intent.templates_file if set); exit 0 if
                      valid, 78 with every problem listed if not
  --json              print JSON instead of YAML
${CONFIG_HELP}
`,
  options: {
    ...CONFIG_OPTIONS,
    print: { type: "boolean" },
    check: { type: "boolean" },
    json: { type: "boolean" },
  },
  async run(args, io) {
    if (!args.values.print && !args.values.check) throw usageError("config needs --print or --check");
    const loaded = loadConfigFor(args, io);
    if (args.values.check) {
      // The daemon refuses to start on a broken templates file: a check that passed it would mislead.
      loadTemplates(loaded.config.intent.templates_file);
      io.stderr.write(`configuration is valid (${loaded.file ?? "built-in defaults"})\n`);
      for (const warning of configWarnings(loaded.config)) io.stderr.write(`warning: ${warning}\n`);
      return 0;
    }
    const redacted = redactConfig(loaded.config);
    if (args.values.json) io.stdout.write(`${JSON.stringify(redacted, null, 2)}\n`);
    else {
      const header = `# effective configuration; file: ${loaded.file ?? "(none)"}${
        loaded.envApplied.length ? `; environment: ${loaded.envApplied.join(", ")}` : ""
      }\n`;
      io.stdout.write(header + stringify(redacted));
    }
    return 0;
  },
};
