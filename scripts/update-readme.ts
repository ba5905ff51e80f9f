// Regenerates the generated parts of README.md (the configuration reference) from the
// config schema: `npm run docs`. test/unit/config/reference.test.ts fails when it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { configReference, REFERENCE_END, REFERENCE_START } from "../src/config/reference.js";

const readme = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "README.md");
const text = readFileSync(readme, "utf8");
const start = text.indexOf(REFERENCE_START);
const end = text.indexOf(REFERENCE_END);
if (start < 0 || end < start)
  throw new Error(`README.md lacks the ${REFERENCE_START} ... ${REFERENCE_END} markers`);
const next = `${text.slice(0, start + REFERENCE_START.length)}\n\n${configReference()}\n\n${text.slice(end)}`;
if (next !== text) {
  writeFileSync(readme, next);
  console.log("README.md: configuration reference updated");
} else console.log("README.md: configuration reference is up to date");
