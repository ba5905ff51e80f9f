import { describe, expect, it } from "vitest";
import type { EventInput } from "../../../src/events/types.js";
import { PipelineMetrics } from "../../../src/observability/metrics.js";
import { testBus } from "../../support/bus.js";

const candidate = (outcome: "verified" | "rejected" | "busy" | "no-speech"): EventInput => ({
  type: "wake_word-candidate",
  wakeWord: "hey_jarvis",
  score: 0.3,
  verified: outcome === "verified",
  outcome,
  ms: outcome === "busy" ? 0 : 180,
  audioMs: 1000,
});

describe("PipelineMetrics: wake-word candidates", () => {
  it("counts candidates, verified and rejected, in the snapshot and for Prometheus", async () => {
    const bus = testBus();
    const metrics = new PipelineMetrics({ site: "kitchen", processMetrics: false }).attach(bus);
    for (const o of ["verified", "rejected", "rejected", "busy", "no-speech"] as const)
      bus.emit(candidate(o));
    expect(metrics.snapshot().wake_candidates).toEqual({ candidates: 5, verified: 1, rejected: 2 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('edge_voice_wake_candidates_total{wake_word="hey_jarvis",outcome="rejected"} 2');
    expect(text).toContain('edge_voice_wake_candidates_total{wake_word="hey_jarvis",outcome="busy"} 1');
    metrics.dispose();
  });
});
