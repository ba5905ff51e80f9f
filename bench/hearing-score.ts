import { numberToWords } from "../src/intent/text/numbers.js";
// Scoring for bench/hearing.ts: which daemon run belongs to which clip, whether it did the
// right thing, and the word error rate of what Whisper heard. Pure functions of the events.

import type { Expected } from "../scripts/hearing-utterances.js";
import type { ManifestEntry } from "../scripts/make-hearing-fixtures.js";
import { tokenize } from "../src/intent/text/normalize.js";
import { stripWakePhrase } from "../src/pipeline/wake-phrase.js";

/**
 * `asked`: a guess asked back ("did you mean ...?": stt/ask-back.ts) that was what was said, so
 * one "yes" carries it out; `asked-wrong`: one that was not (a "no" does nothing).
 */
export type Verdict = "right" | "wrong" | "rejected" | "no-wake" | "asked" | "asked-wrong";

/** The fields of the daemon's events the bench reads (see DESIGN.md's event table). */
export interface BenchEvent {
  type: string;
  runId?: string;
  t: number;
  audioMs?: number;
  text?: string;
  freeText?: string;
  source?: string;
  ms?: number;
  intent?: string;
  targets?: string[];
  slots?: Record<string, unknown>;
  reason?: string;
  /** intent-rejected of a guess asked back: the sentence. */
  guessed?: string;
}

export interface ClipResult {
  entry: ManifestEntry;
  verdict: Verdict;
  heard: string;
  sttMs: number | null;
  /** intent-end's `t` (ms since the daemon started), for felt latency. */
  commandT: number | null;
  /** What was done instead, for a wrong action: intent, targets and slots of each intent-end. */
  did: string[];
  /** The chosen text when it is not Whisper's own (guided decoding's sentence). */
  chosen: string | null;
}

/** Groups the events by run and gives each clip (placed at `offsetsMs`) the run its wake word started in it. */
export function scoreClips(
  entries: ManifestEntry[],
  offsetsMs: number[],
  events: BenchEvent[],
): ClipResult[] {
  const runs = new Map<string, BenchEvent[]>();
  for (const event of events) {
    if (!event.runId) continue;
    const list = runs.get(event.runId) ?? [];
    list.push(event);
    runs.set(event.runId, list);
  }
  const byClip = new Map<number, BenchEvent[][]>();
  for (const run of runs.values()) {
    // A follow-up run (the window after a question, "did you mean ...?") has no wake word: the
    // next clip's command said into it is placed by where its speech ended.
    const at =
      run.find((e) => e.type === "wake_word-end")?.audioMs ??
      run.find((e) => e.type === "stt-vad-end")?.audioMs;
    if (at === undefined) continue;
    const clip = offsetsMs.findLastIndex((offset) => offset <= at);
    if (clip < 0) continue;
    byClip.set(clip, [...(byClip.get(clip) ?? []), run]);
  }
  return entries.map((entry, i) => judge(entry, byClip.get(i) ?? []));
}

function judge(entry: ManifestEntry, runs: BenchEvent[][]): ClipResult {
  const first = runs[0];
  if (!first)
    return { entry, verdict: "no-wake", heard: "", sttMs: null, commandT: null, did: [], chosen: null };
  const stt = first.find((e) => e.type === "stt-end");
  const heard = stt?.freeText ?? stt?.text ?? "";
  const executed = runs.flatMap((run) => run.filter((e) => e.type === "intent-end"));
  const asked = first.find((e) => e.type === "intent-rejected" && e.reason === "needs-confirmation");
  const command = first.find((e) => e.type === "intent-end");
  const expected = entry.expect;
  let verdict: Verdict;
  if (executed.length === 0 && asked?.guessed)
    verdict = expected !== "reject" && matches(asked, expected) ? "asked" : "asked-wrong";
  else if (expected === "reject") verdict = executed.length > 0 ? "wrong" : "right";
  else if (executed.some((e) => !matches(e, expected))) verdict = "wrong";
  else if (command || (asked && matches(asked, expected))) verdict = "right";
  else verdict = "rejected";
  const did = executed.map(
    (e) => `${e.intent} ${JSON.stringify(e.targets ?? [])} ${JSON.stringify(e.slots ?? {})}`,
  );
  const chosen = stt?.source === "grammar" ? (stt.text ?? null) : null;
  const commandT = command?.t ?? asked?.t ?? null;
  return { entry, verdict, heard, sttMs: stt?.ms ?? null, commandT, did, chosen };
}

export function matches(
  event: Pick<BenchEvent, "intent" | "targets" | "slots">,
  expected: Expected,
): boolean {
  if (event.intent !== expected.intent) return false;
  if (JSON.stringify([...(event.targets ?? [])].sort()) !== JSON.stringify([...expected.targets].sort()))
    return false;
  return Object.entries(expected.slots ?? {}).every(
    ([key, value]) => String(event.slots?.[key]) === String(value),
  );
}

/** 0-100 in words, as the fixtures say them ("21" -> "twenty one"); other tokens unchanged. */
function spellNumber(token: string): string[] {
  if (!/^\d+$/.test(token)) return [token];
  const n = Number(token);
  return n <= 100 ? numberToWords(n).split(" ") : [token];
}

/** Words of a transcript for WER: wake phrase dropped, normalised, digits spelled as said. */
export function werWords(text: string): string[] {
  return tokenize(stripWakePhrase(text, "hey_jarvis")).flatMap(spellNumber);
}

/** Word-level edit distance. */
export function editDistance(reference: string[], hypothesis: string[]): number {
  let previous = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i++) {
    const current = [i];
    for (let j = 1; j <= hypothesis.length; j++) {
      const substitute = (previous[j - 1] as number) + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1);
      current[j] = Math.min(substitute, (previous[j] as number) + 1, (current[j - 1] as number) + 1);
    }
    previous = current;
  }
  return previous[hypothesis.length] as number;
}

/** Corpus WER over the clips the wake word fired on. */
export function wordErrorRate(results: ClipResult[]): number {
  let errors = 0;
  let words = 0;
  for (const r of results) {
    if (r.verdict === "no-wake") continue;
    const reference = werWords(r.entry.text);
    errors += editDistance(reference, werWords(r.heard));
    words += reference.length;
  }
  return words ? errors / words : Number.NaN;
}
