// The hearing-decode bench's rows and its report (bench/hearing-decode.ts writes the rows,
// --report FILE reads them back): right / wrong action / rejected per try, condition and
// voice, the guided pass's time, the misses by class and the number check's cost.

import { CONDITIONS, type Condition } from "../scripts/make-hearing-fixtures.js";
import type { GuidedOutcome } from "../src/stt/guided-types.js";
import type { NumberLead } from "../src/stt/number-lead.js";

/** The bar measured without stt.guided_prompt: --reference scores the said sentence after the free pass's own prompt. */
export const MIN_SCORE = -1.4;
export type Verdict = "right" | "wrong" | "rejected";

export interface Row {
  clip: string;
  voice: string;
  condition: Condition;
  noPause: boolean;
  /** Whisper copied its prompt and the window was read again (TranscribeOptions.retry). */
  retried?: boolean;
  said: string;
  inGrammar: boolean;
  freeText: string;
  freeScore: number;
  freeMs: number;
  free: Verdict;
  freeLead?: GuidedOutcome["numberLead"];
  /** The free text's lead over its action reversed (lock / unlock), when it has one: what the action check sees. */
  freeActionLead?: GuidedOutcome["actionLead"];
  /** The free text's "on" or "off" over the other word where Whisper wrote it (FreePass.stateLead). */
  freeStateLead?: number;
  reference: { text: string; score: number } | null;
  trials: Array<{
    verdict: Verdict;
    chosen: string;
    why: string;
    hypothesis: GuidedOutcome["hypothesis"] | null;
    /** What the grammar's best sentence would have done, taken (whatever the verdict). */
    hypothesisVerdict?: Verdict;
    /** Rejected, and the daemon would ask the guess back ("did you mean ...?": stt/ask-back.ts). */
    asked?: boolean;
    /** What a yes to the question would do: the guess's, or the free text's when that is what is asked. */
    askedVerdict?: Verdict;
    /** Asked, the guess not what was said, but the question offered the request meant ("... or say ..."). */
    offeredRight?: boolean;
    /** The understood free text's last word's lead over ending before it (stt/last-word.ts), when read. */
    lastWordLead?: number;
    numberLead?: GuidedOutcome["numberLead"];
    actionLead?: GuidedOutcome["actionLead"];
    questionLead?: GuidedOutcome["questionLead"];
    /** The grammar sentence's lead over its action reversed, checked or not (the action check's calibration). */
    hypothesisActionLead?: GuidedOutcome["actionLead"];
    /** An accepted guess picking devices by kind: its lead over itself with each name (measured only). */
    hypothesisNameLead?: GuidedOutcome["actionLead"];
    ms: number;
    steps: number;
    /** Rows fed to the decoder over the steps (absent in rows written before it was counted). */
    rows?: number;
    decoderMs: number;
  }>;
}

/** `changesNothing`: the text asks for something that changes nothing (a question, "never mind"). */
export function report(rows: Row[], tries: string[], changesNothing: (text: string) => boolean): void {
  type Column = [
    string,
    (r: Row) => Verdict,
    (r: Row) => string,
    (r: Row) => Row["trials"][number] | undefined,
  ];
  const columns: Column[] = [
    ["free (peer)", (r) => r.free, (r) => r.freeText, () => undefined],
    ...tries.map(
      (t, k): Column => [
        t,
        (r) => r.trials[k]?.verdict ?? "rejected",
        (r) => r.trials[k]?.chosen ?? "",
        (r) => r.trials[k],
      ],
    ),
  ];
  const groups: Array<[string, (r: Row) => boolean]> = [
    ["all", () => true],
    ...CONDITIONS.map((c): [string, (r: Row) => boolean] => [c, (r) => r.condition === c]),
    ...[...new Set(rows.map((r) => r.voice))].map((v): [string, (r: Row) => boolean] => [
      v,
      (r) => r.voice === v,
    ]),
    ["one breath", (r) => r.noPause],
  ];
  for (const [name, pick, chosen, column] of columns) {
    console.log(`\n${name}  (wrong: of them questions or "never mind", which change nothing)`);
    for (const [group, inGroup] of groups) {
      const mine = rows.filter(inGroup);
      const commands = mine.filter((r) => r.inGrammar);
      const oog = mine.filter((r) => !r.inGrammar);
      if (mine.length === 0) continue;
      const n = (v: Verdict) => commands.filter((r) => pick(r) === v).length;
      const pct = (x: number) => `${((100 * x) / Math.max(1, commands.length)).toFixed(0)}%`;
      const noChange = (of: Row[]) =>
        of.filter((r) => pick(r) === "wrong" && changesNothing(chosen(r))).length;
      const executed = oog.filter((r) => pick(r) === "wrong").length;
      // Of the rejected, the guesses asked back: what was said (one "yes" does it) or not (a "no").
      const asked = (of: Row[], right: boolean) =>
        of.filter((r) => {
          const trial = column(r);
          const yes = trial?.askedVerdict ?? trial?.hypothesisVerdict;
          return trial?.asked === true && (yes === "right") === right;
        }).length;
      const offered = commands.filter((r) => column(r)?.offeredRight === true).length;
      console.log(
        `  ${group.padEnd(16)} right ${n("right")}/${commands.length} (${pct(n("right"))})  wrong ${n("wrong")} (${pct(n("wrong"))}; ${noChange(commands)})  rejected ${n("rejected")}  out of grammar executed ${executed}/${oog.length} (${noChange(oog)})  asked back: right ${asked(commands, true)}, wrong ${asked(commands, false)} (${offered} of them offered what was said) + ${asked(oog, false)} out of grammar`,
      );
    }
  }
  console.log(
    "\nguided pass time (ms): median over the commands it ran on / median added over all commands / p90",
  );
  tries.forEach((t, k) => {
    const ran = rows
      .map((r) => r.trials[k])
      .filter((x) => x && x.why !== "understood" && x.why !== "empty")
      .map((x) => x?.ms ?? 0);
    const all = rows.map((r) => r.trials[k]?.ms ?? 0);
    const passes = rows.map((r) => r.trials[k]).filter((x) => x && x.steps > 0);
    const of = (f: (x: Row["trials"][number]) => number) =>
      median(passes.map((x) => (x ? f(x) : 0))).toFixed(0);
    console.log(
      `  ${t.padEnd(40)} ${median(ran).toFixed(0)} / ${median(all).toFixed(0)} / ${quantile(all, 0.9).toFixed(0)} (ran on ${ran.length}/${rows.length}); median decoder ${of((x) => x.decoderMs)} ms, ${of((x) => x.steps)} calls, ${of((x) => x.rows ?? 0)} rows`,
    );
  });
  console.log(`  free pass (encoder + decoder), median ${median(rows.map((r) => r.freeMs)).toFixed(0)} ms`);
  console.log("\nmisses by class (--reference for search / model)");
  tries.forEach((t, k) => {
    const classes = new Map<string, string[]>();
    for (const r of rows) {
      const c = missClass(r, k);
      if (c) classes.set(c, [...(classes.get(c) ?? []), r.voice]);
    }
    const shown = [...classes].sort((a, b) => b[1].length - a[1].length).map(([c, v]) => `${c} ${v.length}`);
    console.log(`  ${t.padEnd(40)} ${shown.join(", ")}`);
  });
  console.log(
    "\nnumber check: clips checked, refused (of them by a bound: an alternative left unscored), decoder calls and rows per check (median / max), time median / p90 (ms)",
  );
  tries.forEach((t, k) => {
    const checked: Array<NumberLead & { refused: boolean }> = rows.flatMap((r) => {
      const trial = r.trials[k];
      return trial?.numberLead ? [{ ...trial.numberLead, refused: trial.why === "ambiguous-number" }] : [];
    });
    if (checked.length === 0) {
      console.log(`  ${t.padEnd(40)} never ran`);
      return;
    }
    const refused = checked.filter((l) => l.refused);
    const of = (f: (l: NumberLead) => number) =>
      `${median(checked.map(f)).toFixed(0)} / ${Math.max(...checked.map(f)).toFixed(0)}`;
    console.log(
      `  ${t.padEnd(40)} ${checked.length} checked, ${refused.length} refused (${refused.filter((l) => !l.exact).length} by a bound), calls ${of((l) => l.steps ?? 0)}, rows ${of((l) => l.rows ?? 0)}, ${median(checked.map((l) => l.ms ?? 0)).toFixed(0)} / ${quantile(
        checked.map((l) => l.ms ?? 0),
        0.9,
      ).toFixed(0)} ms`,
    );
  });
}

/**
 * Why a command did not come out right with the try `k` (as bench/hearing-diagnose.ts
 * classes them; the said sentence's score needs --reference): free-wrong (understood as it
 * was, wrongly), number (refused by the number check), calibration (the grammar's best is
 * right, a threshold or rule refused it), search (its best is wrong or none, and the said
 * sentence scores better and above the bar), model (the said sentence scores worse, or
 * below the bar), unscored (no reference).
 */
function missClass(row: Row, k: number): string | null {
  const trial = row.trials[k];
  if (!row.inGrammar || !trial || trial.verdict === "right") return null;
  if (trial.why === "understood") return "free-wrong";
  if (trial.why === "ambiguous-number") return "number";
  if (trial.why === "empty") return "no-speech";
  if (trial.hypothesisVerdict === "right") return "calibration";
  if (!row.reference) return "unscored";
  if (row.reference.score < MIN_SCORE) return "model";
  const found = trial.hypothesis?.score ?? Number.NEGATIVE_INFINITY;
  return row.reference.score > found ? "search" : "model";
}

function median(values: number[]): number {
  return quantile(values, 0.5);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}
