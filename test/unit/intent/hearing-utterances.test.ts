import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BENCH_AREA, UTTERANCES } from "../../../scripts/hearing-utterances.js";
import { validate } from "../../../src/config/load.js";
import { createIntentHandler } from "../../../src/intent/create.js";
import { DeviceRegistry } from "../../../src/intent/registry.js";
import { silentLogger } from "../../../src/util/logger.js";

// The hearing benchmark's expectations are what the templates do with the exact words: a
// wrong expectation would count a right answer as a miss.
const home = parse(readFileSync("examples/home.yaml", "utf8")) as Record<string, unknown>;
const config = validate({ ...home, area: BENCH_AREA, state_dir: "/tmp/edge-voice-hearing-test" });
const handler = await createIntentHandler(config, new DeviceRegistry(config.devices), silentLogger());

describe("hearing benchmark utterances (examples/home.yaml, area living room)", () => {
  it("has at least 60 commands and 20 out-of-grammar utterances", () => {
    expect(UTTERANCES.filter((u) => u.expect).length).toBeGreaterThanOrEqual(60);
    expect(UTTERANCES.filter((u) => !u.expect).length).toBeGreaterThanOrEqual(20);
  });

  it.each(UTTERANCES.map((u, i) => [u.text, u, i] as const))("%s", async (_text, u, i) => {
    const decision = await handler.handle(u.text, {
      runId: `r${i}`,
      site: `s${i}`,
      area: BENCH_AREA,
      origin: "voice",
      wallSeconds: 0,
      nowSeconds: 0,
    });
    if (!u.expect) {
      expect(decision).toMatchObject({ kind: "reject", reason: "not-recognized" });
      return;
    }
    // Unlocking and opening the garage ask first: the intent is still the one expected.
    const intent = decision.intent;
    expect(decision.kind === "execute" || decision.reason === "needs-confirmation").toBe(true);
    expect(intent?.intent).toBe(u.expect.intent);
    expect(intent?.targets).toEqual(u.expect.targets);
    expect(intent?.slots).toMatchObject(u.expect.slots ?? {});
  });
});
