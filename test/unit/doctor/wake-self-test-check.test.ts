import { describe, expect, it } from "vitest";
import { configSchema } from "../../../src/config/schema.js";
import { checkWakeSelfTest } from "../../../src/doctor/checks-models.js";
import { CHECKS } from "../../../src/doctor/run.js";
import type { Probes } from "../../../src/doctor/types.js";
import { EdgeVoiceError } from "../../../src/errors.js";

/** The check reads only this probe. */
function probes(wakeSelfTest: Probes["wakeSelfTest"]): Probes {
  return { wakeSelfTest } as Probes;
}

describe("wake self-test check", () => {
  it("passes when the wake word scores its clip right, naming the models and the time", async () => {
    const results = await checkWakeSelfTest({
      probes: probes(async () => ({ ms: 150 })),
      config: configSchema.parse({}),
    });
    expect(results).toEqual([
      expect.objectContaining({
        id: "wake-self-test",
        status: "pass",
        detail: "scored its clip right (150 ms to load and check hey_jarvis)",
      }),
    ]);
  });

  it("fails with the self-test's message and hint on a CPU that scores wrong", async () => {
    const wrong = probes(async () => {
      throw new EdgeVoiceError("wake-self-test-failed", "the wake word scores wrong on this CPU (X)", {
        hint: "run doctor",
        exitCode: 78,
      });
    });
    const [result] = await checkWakeSelfTest({ probes: wrong, config: configSchema.parse({}) });
    expect(result).toMatchObject({
      status: "fail",
      detail: "the wake word scores wrong on this CPU (X)",
      fix: "run doctor",
    });
  });

  it("leaves a missing model to the model check, warns when off, and says nothing for Porcupine", async () => {
    const missing = probes(async () => {
      throw new EdgeVoiceError("model-missing", "hey_jarvis is missing");
    });
    expect(await checkWakeSelfTest({ probes: missing, config: configSchema.parse({}) })).toEqual([]);
    const off = configSchema.parse({ wake: { self_test: false } });
    const [warned] = await checkWakeSelfTest({ probes: missing, config: off });
    expect(warned?.status).toBe("warn");
    const porcupine = configSchema.parse({ wake: { engine: "porcupine" } });
    expect(await checkWakeSelfTest({ probes: missing, config: porcupine })).toEqual([]);
  });

  it("runs in doctor before the Whisper self-test", () => {
    const names = CHECKS.map((c) => c.name);
    expect(names.indexOf("checkWakeSelfTest")).toBeLessThan(names.indexOf("checkSelfTest"));
    expect(names.indexOf("checkWakeSelfTest")).toBeGreaterThan(-1);
  });
});
