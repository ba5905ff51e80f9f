import path from "node:path";
import { isEdgeVoiceError, usageError } from "../errors.js";
import { ModelStore } from "../models/store.js";
import { stateDir } from "../system/paths.js";
import { CONFIG_HELP, CONFIG_OPTIONS, type Command, type CommandIo } from "./command.js";
import { loadConfigFor } from "./load-config.js";

export const modelsCommand: Command = {
  name: "models",
  summary: "list the known models and where they are, or verify their sizes and sha256 sums",
  help: `Usage: edge-voice models list [--json]
       edge-voice models verify [ID...]

  list      every model in models/manifest.json: present or missing, and from where
  verify    check sizes and sha256 of the given models (default: all that are present);
            exit 78 if one is missing or corrupt
  --json    machine-readable output (list)
${CONFIG_HELP}

Missing files: scripts/fetch-models.sh [ID...] downloads them on a machine with internet.
`,
  options: { ...CONFIG_OPTIONS, json: { type: "boolean" } },
  async run(args, io) {
    const [action, ...ids] = args.positionals;
    const { config } = loadConfigFor(args, io);
    const store = new ModelStore({
      modelsDir: path.resolve(io.cwd, config.models.dir),
      cacheFile: path.join(stateDir(config.state_dir, io.env), "model-hashes.json"),
      alwaysHash: action === "verify",
    });
    if (action === "list") return list(store, io, args.values.json === true);
    if (action === "verify") return verify(store, ids, io);
    throw usageError(`models needs "list" or "verify"${action ? `, got "${action}"` : ""}`);
  },
};

function list(store: ModelStore, io: CommandIo, json: boolean): number {
  const rows = store.manifest.models.map((entry) => {
    const located = store.locate(entry.id);
    const missing = located.filter((l) => !l.path).length;
    const size = entry.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
    const from = [...new Set(located.map((l) => l.from).filter(Boolean))].join(", ");
    return {
      id: entry.id,
      kind: entry.kind,
      status:
        missing === 0 ? "present" : missing === located.length ? "missing" : `missing ${missing} file(s)`,
      from: from || null,
      bytes: size,
      license: entry.license,
      pinned: !entry.unpinned,
    };
  });
  if (json) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const table = [["ID", "KIND", "STATUS", "SIZE", "LICENSE", "FROM"]];
  for (const r of rows) {
    table.push([r.id, r.kind, r.status, megabytes(r.bytes), r.license, r.from ?? "-"]);
  }
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? "").length))) ?? [];
  for (const row of table)
    io.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd()}\n`,
    );
  return 0;
}

async function verify(store: ModelStore, ids: string[], io: CommandIo): Promise<number> {
  const targets = ids.length
    ? ids
    : store.manifest.models.filter((m) => store.locate(m.id).every((l) => l.path)).map((m) => m.id);
  let failed = 0;
  for (const id of targets) {
    try {
      const verified = await store.verify(id);
      io.stdout.write(`ok       ${id} (${Object.keys(verified.paths).length} file(s))\n`);
    } catch (error) {
      if (!isEdgeVoiceError(error)) throw error;
      failed++;
      io.stdout.write(`${error.code === "model-missing" ? "missing" : "FAILED "}  ${id}: ${error.message}\n`);
      if (error.hint) io.stdout.write(`         hint: ${error.hint}\n`);
    }
  }
  if (targets.length === 0) io.stdout.write("no model files are present\n");
  return failed > 0 ? 78 : 0;
}

function megabytes(bytes: number): string {
  return bytes ? `${(bytes / 1e6).toFixed(1)} MB` : "?";
}
