#!/usr/bin/env node
// Compares an emulated demo run's events with the native run's (scripts/arm64-check.sh):
// same wake word at a close score, same intent and targets, same topics, same outcome (the
// words are shown). Prints one line saying what matched or what differed; exits 1 on a difference.
// Usage: arm64-compare.mjs NATIVE.jsonl EMULATED.jsonl EMULATED_EXIT_CODE
import { readFileSync } from "node:fs";

/** Wake scores may differ in the last digits between instruction sets, not more. */
const SCORE_TOLERANCE = 0.02;

const [nativeFile, emulatedFile, exitCode] = process.argv.slice(2);

function events(file) {
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("{"));
  return lines.map((line) => JSON.parse(line));
}

function summary(list) {
  const first = (type) => list.find((event) => event.type === type);
  const wake = first("wake_word-end");
  const stt = first("stt-end");
  const intent = first("intent-end");
  return {
    wakeWord: wake?.wakeWord,
    score: wake?.score,
    words: stt?.text
      .toLowerCase()
      .replace(/[^a-z0-9 ]/g, "")
      .trim(),
    intent: intent ? `${intent.intent} ${intent.targets.join(",")}` : undefined,
    topics: list
      .filter((event) => event.type === "mqtt-publish")
      .map((event) => event.topic)
      .join(" "),
    // Published (acknowledged within 1 s) or queued (acknowledged later): the command went
    // out either way, and an emulated broker round trip can take longer than a second.
    outcome: first("run-end")?.outcome?.replace(/^queued$/, "published"),
  };
}

function compare() {
  if (exitCode !== "0") return `exit code ${exitCode} (124: timed out)`;
  const native = summary(events(nativeFile));
  const emulated = summary(events(emulatedFile));
  if (!native.wakeWord || !native.topics) return "the native run published nothing: nothing to compare";
  const differences = [];
  for (const key of ["wakeWord", "intent", "topics", "outcome"]) {
    if (native[key] !== emulated[key])
      differences.push(`${key} "${emulated[key]}" (native "${native[key]}")`);
  }
  // Wrong arithmetic shows in the intent and the command too; the words alone may differ by a
  // word where the speculative pass finished at another point of the audio (it runs beside
  // the input, which emulation slows), so they are shown, not failed on.
  const note = native.words === emulated.words ? "" : ` (native "${native.words}")`;
  if (emulated.score === undefined || Math.abs(emulated.score - native.score) > SCORE_TOLERANCE) {
    differences.push(`wake score ${emulated.score} (native ${native.score})`);
  }
  if (differences.length > 0) return differences.join("; ");
  console.log(
    `${emulated.wakeWord} ${emulated.score.toFixed(3)}, "${emulated.words}"${note}, ${emulated.intent}, ${emulated.outcome}`,
  );
  return null;
}

let problem;
try {
  problem = compare();
} catch (error) {
  problem = `events unreadable: ${error.message}`;
}
if (problem) {
  console.log(problem);
  process.exitCode = 1;
}
