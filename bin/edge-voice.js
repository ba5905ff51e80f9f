#!/usr/bin/env -S node --max-semi-space-size=1
// The package's command: runs the compiled CLI (npm ci builds dist/ through `prepare`).
// --max-semi-space-size=1 (MB): V8's young generation otherwise grows to tens of MB that a
// board never gets back; measured on the daemon, peak RSS ~30 MB lower, CPU the same on 112 s
// of audio (bench/e2e.ts, docs/boards.md). It has to be a flag: V8 sizes its heap before any
// code runs. (`env -S`: coreutils 8.30+, macOS; Raspberry Pi OS Bookworm and JetPack 6 have it.)
import { main } from "../dist/cli.js";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
