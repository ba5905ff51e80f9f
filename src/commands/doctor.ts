import type { Config } from "../config/schema.js";
import { configWarnings } from "../config/warnings.js";
import type { CheckResult } from "../doctor/types.js";
import { isEdgeVoiceError } from "../errors.js";
import { CONFIG_HELP, CONFIG_OPTIONS, type Command } from "./command.js";
import { loadConfigFor } from "./load-config.js";

export const doctorCommand: Command = {
  name: "doctor",
  summary: "check this machine: Node, glibc, board, microphone, models, LLM backend, broker, service",
  help: `Usage: edge-voice doctor [--json]

  Checks, each with pass / warn / fail and a one-line fix:
    Node.js version; glibc (node-llama-cpp's binaries need 2.34); board and CPU;
    capture devices (arecord -L) and whether audio.device opens and delivers sound (1.5 s);
    every configured model present and verified; which llama.cpp backends load here;
    the MQTT broker reachable and the credentials accepted; the systemd unit's state.
  Exits 1 if any check fails. Stop the service first to test the microphone it holds.

  --json    one JSON array of {id, title, status, detail, fix}
${CONFIG_HELP}
`,
  options: { ...CONFIG_OPTIONS, json: { type: "boolean" } },
  async run(args, io) {
    let config: Config | null = null;
    const early: CheckResult[] = [];
    try {
      const loaded = loadConfigFor(args, io);
      config = loaded.config;
      const warnings = configWarnings(config);
      const file = loaded.file ?? "no config file: defaults";
      early.push({
        id: "config",
        title: "Config",
        status: warnings.length > 0 ? "warn" : "pass",
        detail: [file, ...warnings].join("; "),
        ...(warnings.length > 0 ? { fix: "change the setting named, if that is not what you meant" } : {}),
      });
    } catch (error) {
      if (!isEdgeVoiceError(error)) throw error;
      early.push({
        id: "config",
        title: "Config",
        status: "fail",
        detail: error.message.split("\n").join("; "),
        fix: error.hint ?? "edge-voice config --print shows what is loaded",
      });
    }
    // Loaded on use: the probes pull in the recorder and mqtt.js, which other commands don't need.
    const { systemProbes } = await import("../doctor/probes.js");
    const { formatResults, runDoctor } = await import("../doctor/run.js");
    const results = [...early, ...(await runDoctor({ config, probes: systemProbes(io, config) }))];
    io.stdout.write(args.values.json ? `${JSON.stringify(results, null, 2)}\n` : formatResults(results));
    return results.some((r) => r.status === "fail") ? 1 : 0;
  },
};
