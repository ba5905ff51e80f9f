#!/usr/bin/env node
// Checks the shape of src/ (run by `npm test` before vitest; no dependencies):
//  - fails when two top-level folders of src/ import each other, directly or round a loop
//    (imports point one way: a shared piece gets its own room, see docs/architecture.md);
//  - warns about src/ files over MAX_LINES lines (to become a failure once the last ones are split);
//  - fails when a folder of src/ is missing from docs/architecture.md's table of rooms;
//  - warns about test/unit files that load models or spawn processes (they belong in
//    test/model or test/integration).
// Usage: node scripts/check-layers.mjs [--max-lines N]
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const SRC = path.join(ROOT, "src");
const flag = process.argv.indexOf("--max-lines");
const MAX_LINES = flag > 0 ? Number(process.argv[flag + 1]) : 320;

/** Relative specifiers of static imports/exports (`... from "./x.js"`) and dynamic `import("./x.js")`. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;

function filesUnder(dir, keep) {
  return readdirSync(dir, { recursive: true })
    .map((name) => path.join(dir, name))
    .filter(keep)
    .sort();
}

/** The room a file is in: its top-level folder under src/, or its own name for a file directly in src/. */
function room(file) {
  const [first, ...rest] = path.relative(SRC, file).split(path.sep);
  return rest.length > 0 ? first : first.replace(/\.[^.]+$/, "");
}

/** Source text without block comments and whole-line comments, so a comment quoting an import is not one. */
function code(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** room -> room -> the first file seen importing across. */
const edges = new Map();
const oversized = [];
for (const file of filesUnder(SRC, (f) => /\.(ts|mts)$/.test(f))) {
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (lines > MAX_LINES) oversized.push(`${path.relative(ROOT, file)} ${lines}`);
  for (const match of code(text).matchAll(IMPORT)) {
    const target = path.resolve(path.dirname(file), match[1]);
    if (!target.startsWith(SRC + path.sep)) continue;
    const from = room(file);
    const to = room(target);
    if (from === to) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, path.relative(ROOT, file));
  }
}

/** Strongly connected components of more than one room (Tarjan): each is a cycle between folders. */
function cycles() {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

const loops = cycles();
for (const component of loops) {
  console.error(`layers: folders import each other: ${component.join(" <-> ")}`);
  const members = new Set(component);
  for (const from of component) {
    for (const [to, via] of edges.get(from) ?? []) {
      if (members.has(to)) console.error(`  ${from} -> ${to} (e.g. ${via})`);
    }
  }
}
for (const line of oversized) console.warn(`layers: warning: over ${MAX_LINES} lines: ${line}`);

const HEAVY = /from\s+["'](onnxruntime-node|node-llama-cpp|node:child_process)["']/;
const unit = path.join(ROOT, "test", "unit");
for (const file of filesUnder(unit, (f) => f.endsWith(".ts"))) {
  if (HEAVY.test(readFileSync(file, "utf8")))
    console.warn(`layers: warning: unit test loads models or spawns processes: ${path.relative(ROOT, file)}`);
}

const tableRows = readFileSync(path.join(ROOT, "docs", "architecture.md"), "utf8")
  .split("\n")
  .filter((line) => line.startsWith("| `"));
const undocumented = readdirSync(SRC, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !tableRows.some((row) => row.includes(`\`${entry.name}/\``)))
  .map((entry) => `${entry.name}/`);
if (undocumented.length > 0)
  console.error(`layers: rooms missing from docs/architecture.md's table: ${undocumented.join(", ")}`);

if (loops.length > 0 || undocumented.length > 0) {
  if (loops.length > 0)
    console.error("layers: move the shared piece to a folder both can import (docs/architecture.md)");
  process.exit(1);
}
console.log(`layers: no import cycle between the folders of src/ (${edges.size} import others)`);
