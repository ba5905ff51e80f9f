import { afterEach, describe, expect, it } from "vitest";
import type { EventInput } from "../../../src/events/types.js";
import { LatencyWindow } from "../../../src/observability/latency-window.js";
import { PipelineMetrics } from "../../../src/observability/metrics.js";
import { type MetricsServer, startMetricsServer } from "../../../src/observability/metrics-server.js";
import { testBus } from "../../support/bus.js";

/** A bus whose clock the test sets, so event `t`s are exact. */
function fakeBus() {
  let now = 0;
  const bus = testBus(() => now);
  const at = (t: number, input: EventInput) => {
    now = t;
    return bus.emit(input);
  };
  return { bus, at };
}

/** One run: wake at 1000 ms (audio 5000 ms), speech ends at 3000 ms (audio 7200 ms), published at 3600 ms. */
function publishedRun(at: ReturnType<typeof fakeBus>["at"], runId: string, offset = 0) {
  at(offset + 1000, { type: "run-start", runId, site: "kitchen" });
  at(offset + 1000, { type: "wake_word-end", runId, wakeWord: "hey_jarvis", score: 0.97, audioMs: 5000 });
  at(offset + 3000, { type: "stt-vad-end", runId, audioMs: 7200 });
  at(offset + 3300, { type: "stt-end", runId, text: "turn on the kitchen light", language: "en", ms: 300 });
  at(offset + 3350, {
    type: "intent-end",
    runId,
    intent: "HassTurnOn",
    targets: ["kitchen_light"],
    slots: {},
    source: "template",
    ms: 50,
  });
  at(offset + 3600, { type: "mqtt-publish", runId, topic: "home/kitchen_light/set", qos: 1 });
  at(offset + 3610, { type: "mqtt-publish", runId, topic: "hermes/intent/HassTurnOn", qos: 0 });
  at(offset + 3620, { type: "run-end", runId, outcome: "published", ms: 2620 });
}

let server: MetricsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe("PipelineMetrics", () => {
  it("computes stage latencies and counters from events", () => {
    const { bus, at } = fakeBus();
    const metrics = new PipelineMetrics({ site: "kitchen", processMetrics: false }).attach(bus);
    publishedRun(at, "r1");
    at(5000, { type: "run-start", runId: "r2", site: "kitchen" });
    at(5000, { type: "wake_word-end", runId: "r2", wakeWord: "alexa", score: 0.8, audioMs: 9000 });
    at(10000, { type: "run-end", runId: "r2", outcome: "no-speech", ms: 5000 });
    at(11000, { type: "error", code: "mic-unavailable", message: "gone" });
    at(12000, { type: "error", code: "mic-unavailable", message: "gone" });
    const s = metrics.snapshot();
    expect(s.wakes).toBe(2);
    expect(s.runs).toEqual({
      published: 1,
      queued: 0,
      recognized: 0,
      answered: 0,
      dropped: 0,
      rejected: 0,
      "no-speech": 1,
      timeout: 0,
      aborted: 0,
      "lost-arbitration": 0,
      error: 0,
    });
    expect(s.errors).toEqual({ "mic-unavailable": 2 });
    expect(s.false_wakes).toEqual({ "no-speech": 1, report: 0 });
    expect(s.latency_seconds.wake_to_speech_end.p50).toBe(2.2);
    expect(s.latency_seconds.stt.p50).toBe(0.3);
    expect(s.latency_seconds.intent.p50).toBe(0.05);
    expect(s.latency_seconds.publish.p50).toBe(0.25);
    expect(s.latency_seconds.speech_end_to_action.p50).toBe(0.6);
    expect(s.latency_seconds.wake_to_action).toMatchObject({ count: 1, p50: 2.6 });
    metrics.dispose();
    metrics.dispose();
    publishedRun(at, "r3", 20_000);
    expect(metrics.snapshot().wakes).toBe(2);
  });

  it("reports CPU % since the previous snapshot and memory", () => {
    let now = 0;
    let cpu = 0;
    const metrics = new PipelineMetrics({
      site: "x",
      processMetrics: false,
      now: () => now,
      cpuUsage: () => ({ user: cpu, system: 0 }),
      memoryUsage: () => ({ rss: 123, heapUsed: 45 }) as NodeJS.MemoryUsage,
    });
    now = 10_000;
    cpu = 2_500_000; // 2.5 s of CPU in 10 s
    expect(metrics.snapshot()).toMatchObject({
      cpu_percent: 25,
      rss_bytes: 123,
      heap_used_bytes: 45,
      uptime_seconds: 10,
    });
    now = 20_000;
    expect(metrics.snapshot().cpu_percent).toBe(0);
  });

  it("does not grow with many runs", () => {
    const { bus, at } = fakeBus();
    const metrics = new PipelineMetrics({ site: "x", processMetrics: false }).attach(bus);
    for (let i = 0; i < 500; i++) publishedRun(at, `r${i}`, i * 10_000);
    expect(metrics.snapshot().runs.published).toBe(500);
    expect(metrics.snapshot().latency_seconds.stt.count).toBe(500);
  });
});

describe("metrics over HTTP", () => {
  it("serves Prometheus text on 127.0.0.1 with histograms, counters, RSS and CPU", async () => {
    const { bus, at } = fakeBus();
    const metrics = new PipelineMetrics({ site: "kitchen" }).attach(bus);
    publishedRun(at, "r1");
    at(4000, { type: "intent-rejected", runId: "r1", reason: "not-recognized" });
    metrics.reportFalseWake();
    server = await startMetricsServer(metrics, 0);
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('edge_voice_stage_seconds_bucket{le="0.3",stage="stt"} 1');
    expect(text).toContain('edge_voice_stage_seconds_bucket{le="0.2",stage="stt"} 0');
    expect(text).toContain('edge_voice_stage_seconds_count{stage="wake_to_action"} 1');
    expect(text).toContain('edge_voice_wakes_total{wake_word="hey_jarvis"} 1');
    expect(text).toContain('edge_voice_runs_total{outcome="published"} 1');
    expect(text).toContain('edge_voice_runs_total{outcome="timeout"} 0');
    expect(text).toContain('edge_voice_intents_total{intent="HassTurnOn",source="template"} 1');
    expect(text).toContain('edge_voice_intent_rejections_total{reason="not-recognized"} 1');
    expect(text).toContain('edge_voice_false_wakes_total{source="report"} 1');
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^process_cpu_seconds_total [\d.e-]+/m);
    const stats = (await (await fetch(`http://127.0.0.1:${server.port}/stats`)).json()) as { wakes: number };
    expect(stats.wakes).toBe(1);
    expect((await fetch(`http://127.0.0.1:${server.port}/nope`)).status).toBe(404);
  });

  it("names the port when it is taken", async () => {
    const metrics = new PipelineMetrics({ site: "x", processMetrics: false });
    server = await startMetricsServer(metrics, 0);
    await expect(startMetricsServer(metrics, server.port)).rejects.toMatchObject({
      code: "config-invalid",
      message: expect.stringContaining("EADDRINUSE"),
    });
  });
});

describe("LatencyWindow", () => {
  it("gives nearest-rank quantiles over the last N values", () => {
    const window = new LatencyWindow(4);
    expect(window.quantile(0.5)).toBeNull();
    for (const v of [9, 1, 2, 3, 4]) window.add(v); // 9 falls out of the window
    expect(window.quantile(0.5)).toBe(2);
    expect(window.quantile(0.95)).toBe(4);
    expect(window.summary()).toMatchObject({ count: 5, mean: 3.8 });
  });
});
