// Replays two refusals of guided decoding, as built now, over the rows of stored
// hearing-decode runs: which guesses a run accepted would now be refused, by `other-words`
// (stt/heard-words.ts keepsHeardWords) or `reads-otherwise` (the intent stage reads the free
// text as another command). Exact for the first search's guess (both only refuse); a second
// search, whose endings keepsHeardWords also limits, may have found otherwise (it is off by
// default). Prints each refused row and the counts.
//
//   npx tsx bench/replay-refusals.ts bench/out/safety.jsonl bench/out/new4.jsonl

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { BENCH_AREA } from "../scripts/hearing-utterances.js";
import { validate } from "../src/config/load.js";
import { sentenceSpace } from "../src/intent/create.js";
import { DeviceRegistry } from "../src/intent/registry.js";
import { CLEAR_LEAD } from "../src/stt/guide.js";
import { guessesWhich, readsOtherwise, wakeAndNothingKept } from "../src/stt/guided-judge.js";
import { keepsHeardWords } from "../src/stt/heard-words.js";
import type { Row } from "./hearing-decode-report.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8")) as Record<string, unknown>;
const config = validate({ ...home, area: BENCH_AREA, log: { level: "warn" } });
const guide = sentenceSpace(config, new DeviceRegistry(config.devices)).get();
const counts: Record<string, { right: number; wrong: number }> = {};
let accepted = 0;
for (const file of process.argv.slice(2)) {
  const [, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  for (const row of lines.map((l) => JSON.parse(l) as Row)) {
    for (const trial of row.trials ?? []) {
      const guess = trial.hypothesis;
      if (trial.why !== "accepted" || !guess) continue;
      accepted++;
      const named = guide.nameWords(row.freeText);
      const keeps =
        keepsHeardWords(row.freeText, guess.text, named) ||
        (!wakeAndNothingKept(guide, row.freeText, guess.text) &&
          !guessesWhich(guide, row.freeText, guess.text) &&
          guess.score >= row.freeScore + CLEAR_LEAD);
      const why = !keeps
        ? "other-words"
        : readsOtherwise(guide, row.freeText, guess.text)
          ? "reads-otherwise"
          : null;
      if (!why) continue;
      const verdict = trial.verdict === "right" ? "right" : "wrong";
      counts[why] ??= { right: 0, wrong: 0 };
      (counts[why] as { right: number; wrong: number })[verdict]++;
      console.log(
        `${why} ${verdict.padEnd(6)} ${row.clip}: ${JSON.stringify(row.freeText)} -> ${JSON.stringify(guess.text)}`,
      );
    }
  }
}
console.log(JSON.stringify({ accepted, refused: counts }));
