#!/usr/bin/env node
// The package's command: runs the compiled CLI (npm ci builds dist/ through `prepare`).
import { main } from "../dist/cli.js";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
