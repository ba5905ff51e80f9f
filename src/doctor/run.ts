import { checkAudioDevices, checkMicrophone } from "./checks-audio.js";
import { checkBase } from "./checks-base.js";
import { checkBoard, checkGlibc, checkNode } from "./checks-host.js";
import { checkLlama, checkModels, checkSelfTest, checkWakeSelfTest } from "./checks-models.js";
import { checkBroker, checkService } from "./checks-service.js";
import type { Check, CheckResult, DoctorContext } from "./types.js";

/** In the order a person fixes things: the machine, the microphone, the models, the network, the service. */
export const CHECKS: readonly Check[] = [
  checkNode,
  checkGlibc,
  checkBoard,
  checkAudioDevices,
  checkMicrophone,
  checkModels,
  checkWakeSelfTest,
  checkSelfTest,
  checkLlama,
  checkBroker,
  checkBase,
  checkService,
];

/** Runs every check; a check that throws becomes a failed line instead of ending the report. */
export async function runDoctor(
  context: DoctorContext,
  checks: readonly Check[] = CHECKS,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      results.push(...(await check(context)));
    } catch (error) {
      results.push({
        id: check.name || "check",
        title: check.name || "check",
        status: "fail",
        detail: `the check itself failed: ${(error as Error)?.message ?? String(error)}`,
        fix: "please report this with the output of edge-voice doctor --json",
      });
    }
  }
  return results;
}

/** `  pass  Node.js        v20.20.2` with the fix on the next line for warn and fail. */
export function formatResults(results: readonly CheckResult[]): string {
  const width = Math.max(0, ...results.map((r) => r.title.length));
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.status.padEnd(4)}  ${r.title.padEnd(width)}  ${r.detail}`);
    if (r.fix && r.status !== "pass") lines.push(`${" ".repeat(6 + width + 2)}fix: ${r.fix}`);
  }
  const failed = results.filter((r) => r.status === "fail").length;
  const warned = results.filter((r) => r.status === "warn").length;
  lines.push(
    "",
    failed
      ? `${failed} problem(s) to fix, ${warned} warning(s)`
      : `all good${warned ? ` (${warned} warning(s))` : ""}`,
  );
  return `${lines.join("\n")}\n`;
}
