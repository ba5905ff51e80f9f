// Regenerates the generated part of docs/configuration.md (the configuration reference)
// from the config schema: `npm run docs`. test/unit/config/reference.test.ts fails when it
// is stale. (Named for the README, where the reference lived before it had its own page.)
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { configReference, REFERENCE_END, REFERENCE_FILE, REFERENCE_START } from "../src/config/reference.js";

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", REFERENCE_FILE);
const text = readFileSync(file, "utf8");
const start = text.indexOf(REFERENCE_START);
const end = text.indexOf(REFERENCE_END);
if (start < 0 || end < start)
  throw new Error(`${REFERENCE_FILE} lacks the ${REFERENCE_START} ... ${REFERENCE_END} markers`);
const next = `${text.slice(0, start + REFERENCE_START.length)}\n\n${configReference()}\n\n${text.slice(end)}`;
if (next !== text) {
  writeFileSync(file, next);
  console.log(`${REFERENCE_FILE}: configuration reference updated`);
} else console.log(`${REFERENCE_FILE}: configuration reference is up to date`);
