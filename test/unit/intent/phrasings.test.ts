import { describe, expect, it } from "vitest";
import { createIntentHandler } from "../../../src/intent/create.js";
import { silentLogger } from "../../../src/util/logger.js";
import { homeConfig, homeRegistry, phrasings } from "./home.js";

const config = homeConfig();
const handler = await createIntentHandler(config, homeRegistry(config), silentLogger());
const table = phrasings();

describe("phrasing table over the sample home (templates only)", () => {
  it("has at least 100 phrasings", () => {
    expect(table.length).toBeGreaterThanOrEqual(100);
  });

  it.each(table.map((p, i) => [p.say, p, i] as const))("%s", async (_say, p, i) => {
    // One site per phrasing: a pending confirmation must not carry over to the next line.
    const decision = await handler.handle(p.say, {
      runId: `r${i}`,
      site: `site${i}`,
      nowSeconds: 0,
      wallSeconds: 0,
      origin: "voice",
    });
    if (p.reject) {
      expect(decision.kind).toBe("reject");
      if (decision.kind !== "reject") return;
      expect(decision.reason).toBe(p.reject);
      if (p.intent && p.reject !== "not-recognized") {
        expect(decision.intent?.intent).toBe(p.intent);
        expect(decision.intent?.targets).toEqual(p.targets);
      }
      return;
    }
    expect(decision).toMatchObject({ kind: "execute" });
    if (decision.kind !== "execute") return;
    expect(decision.intent.intent).toBe(p.intent);
    expect(decision.intent.targets).toEqual(p.targets);
    expect(decision.intent.slots).toMatchObject(p.slots ?? {});
    expect(decision.intent.source).toBe("template");
    if (p.fuzzy) {
      expect(decision.intent.confidence).toBeLessThan(1);
      expect(decision.intent.confidence).toBeGreaterThanOrEqual(config.intent.fuzzy_threshold);
    }
    expect(decision.ms).toBeGreaterThanOrEqual(0);
  });
});
