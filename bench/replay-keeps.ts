// Replays the `other-words` rule (stt/heard-words.ts keepsHeardWords, as built now) over the
// rows of stored hearing-decode runs: which guesses the run accepted would now be refused.
// Exact for the first search's guess (the rule only refuses more); a second search, whose
// endings the rule also limits, may have found otherwise. Prints each changed row and counts.
//
//   npx tsx bench/replay-keeps.ts bench/out/safety.jsonl bench/out/new4.jsonl

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { BENCH_AREA } from "../scripts/hearing-utterances.js";
import { validate } from "../src/config/load.js";
import { sentenceSpace } from "../src/intent/create.js";
import { DeviceRegistry } from "../src/intent/registry.js";
import { CLEAR_LEAD } from "../src/stt/guide.js";
import { keepsHeardWords } from "../src/stt/heard-words.js";
import type { Row } from "./hearing-decode-report.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8")) as Record<string, unknown>;
const config = validate({ ...home, area: BENCH_AREA, log: { level: "warn" } });
const guide = sentenceSpace(config, new DeviceRegistry(config.devices)).get();
const counts = { accepted: 0, refused: { right: 0, wrong: 0 } };
for (const file of process.argv.slice(2)) {
  const [, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  for (const row of lines.map((l) => JSON.parse(l) as Row)) {
    for (const trial of row.trials ?? []) {
      const guess = trial.hypothesis;
      if (trial.why !== "accepted" || !guess) continue;
      counts.accepted++;
      const named = guide.nameWords(row.freeText);
      if (keepsHeardWords(row.freeText, guess.text, named) || guess.score >= row.freeScore + CLEAR_LEAD)
        continue;
      const verdict = trial.verdict === "right" ? "right" : "wrong";
      counts.refused[verdict]++;
      console.log(
        `${verdict.padEnd(6)} ${row.clip}: ${JSON.stringify(row.freeText)} -> ${JSON.stringify(guess.text)}`,
      );
    }
  }
}
console.log(JSON.stringify(counts));
