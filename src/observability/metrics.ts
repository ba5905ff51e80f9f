import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { EventBus } from "../events/bus.js";
import type { PipelineEvent, RunOutcome } from "../events/types.js";
import { LatencyWindow } from "./latency-window.js";
import { RunTimings, STAGES, type Stage } from "./run-timings.js";

/**
 * Counters and latency histograms computed from the pipeline's events, plus RSS and CPU.
 * Prometheus text comes from prom-client (siimon/prom-client: the maintained reference client;
 * it escapes labels, formats histograms, and its default collectors add the standard
 * process_resident_memory_bytes, process_cpu_seconds_total and nodejs_eventloop_lag_seconds,
 * which the event-loop lag alone justifies on a Pi). `snapshot()` is the JSON for the retained
 * `edge-voice/<site>/stats` topic, which the MQTT part publishes.
 *
 * Create one per process and keep it across config reloads: the default collectors start an
 * event-loop-delay monitor that prom-client never stops.
 */

/** Every outcome, so each series exists from the start (a Record: a new outcome fails to compile here). */
const OUTCOME_SET: Record<RunOutcome, true> = {
  published: true,
  queued: true,
  recognized: true,
  answered: true,
  dropped: true,
  rejected: true,
  "no-speech": true,
  timeout: true,
  aborted: true,
  "lost-arbitration": true,
  error: true,
};
const OUTCOMES = Object.keys(OUTCOME_SET) as RunOutcome[];
/** Seconds: voice latencies live between ~50 ms (intent) and ~15 s (the longest command). */
const BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5, 10, 15];

export type FalseWakeSource = "no-speech" | "report";

export interface MetricsOptions {
  site: string;
  /** Register prom-client's process and Node collectors (RSS, CPU, event loop, GC). Default true. */
  processMetrics?: boolean;
  /** Wall clock in ms (for CPU %); injectable for tests. */
  now?: () => number;
  cpuUsage?: (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage;
  memoryUsage?: () => NodeJS.MemoryUsage;
}

export interface StatsSnapshot {
  site: string;
  uptime_seconds: number;
  wakes: number;
  runs: Record<RunOutcome, number>;
  errors: Record<string, number>;
  false_wakes: Record<FalseWakeSource, number>;
  /** Wake-word candidates (wake.verifier): all, those verified (they woke), those rejected by Whisper. */
  wake_candidates: { candidates: number; verified: number; rejected: number };
  latency_seconds: Record<Stage, ReturnType<LatencyWindow["summary"]>>;
  rss_bytes: number;
  heap_used_bytes: number;
  /** CPU use since the previous snapshot, in % of one core (200 = two cores busy). */
  cpu_percent: number | null;
}

export class PipelineMetrics {
  readonly registry = new Registry();
  readonly #timings = new RunTimings();
  readonly #windows = new Map<Stage, LatencyWindow>(STAGES.map((s) => [s, new LatencyWindow()]));
  readonly #runs = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<RunOutcome, number>;
  readonly #errors: Record<string, number> = {};
  readonly #falseWakes: Record<FalseWakeSource, number> = { "no-speech": 0, report: 0 };
  #wakes = 0;
  readonly #candidates = { candidates: 0, verified: 0, rejected: 0 };
  /** Runs listening for a follow-up (a confirmation's "yes"): silence there is no false wake. */
  readonly #followUps = new Set<string>();
  readonly #startedAt: number;
  #cpuMark: { at: number; usage: NodeJS.CpuUsage };
  readonly #now: () => number;
  readonly #cpuUsage: (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage;
  readonly #memoryUsage: () => NodeJS.MemoryUsage;
  readonly #unsubscribe: Array<() => void> = [];

  readonly #stageSeconds: Histogram<"stage">;
  readonly #wakesTotal: Counter<"wake_word">;
  readonly #runsTotal: Counter<"outcome">;
  readonly #candidatesTotal: Counter<"wake_word" | "outcome">;
  readonly #errorsTotal: Counter<"code">;
  readonly #falseWakesTotal: Counter<"source">;
  readonly #intentsTotal: Counter<"intent" | "source">;
  readonly #rejectionsTotal: Counter<"reason">;
  readonly #inputRejectionsTotal: Counter<"reason">;
  readonly #feltSeconds: Histogram;
  readonly #audioLagSeconds: Gauge;

  constructor(private readonly options: MetricsOptions) {
    this.#now = options.now ?? Date.now;
    this.#cpuUsage = options.cpuUsage ?? ((previous) => process.cpuUsage(previous));
    this.#memoryUsage = options.memoryUsage ?? (() => process.memoryUsage());
    this.#startedAt = this.#now();
    this.#cpuMark = { at: this.#startedAt, usage: this.#cpuUsage() };
    const registers = [this.registry];
    this.#stageSeconds = new Histogram({
      name: "edge_voice_stage_seconds",
      help: "Latency per pipeline stage: wake_to_speech_end, stt, intent, publish, speech_end_to_action, wake_to_action",
      labelNames: ["stage"],
      buckets: BUCKETS,
      registers,
    });
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.#wakesTotal = counter("edge_voice_wakes_total", "Wake-word detections", ["wake_word"]);
    this.#candidatesTotal = counter(
      "edge_voice_wake_candidates_total",
      "Wake-word candidates by outcome (verified, rejected, no-speech, busy, failed, late)",
      ["wake_word", "outcome"],
    );
    this.#runsTotal = counter("edge_voice_runs_total", "Finished runs by outcome", ["outcome"]);
    this.#errorsTotal = counter("edge_voice_errors_total", "Error events by code", ["code"]);
    this.#falseWakesTotal = counter(
      "edge_voice_false_wakes_total",
      "Probable false wakes: no speech after the wake word, or reported",
      ["source"],
    );
    this.#intentsTotal = counter("edge_voice_intents_total", "Recognized intents", ["intent", "source"]);
    this.#rejectionsTotal = counter("edge_voice_intent_rejections_total", "Rejected intents", ["reason"]);
    this.#inputRejectionsTotal = counter(
      "edge_voice_input_rejections_total",
      "set/text messages refused: rate-limited or queue-full",
      ["reason"],
    );
    this.#feltSeconds = new Histogram({
      name: "edge_voice_felt_latency_seconds",
      help: "Spoken commands: last speech sample (audio clock mapped to wall time) to the broker's PUBACK",
      buckets: BUCKETS,
      registers,
    });
    this.#audioLagSeconds = new Gauge({
      name: "edge_voice_audio_lag_seconds",
      help: "How far processing fell behind the microphone during the last spoken run",
      registers,
    });
    for (const outcome of OUTCOMES) this.#runsTotal.inc({ outcome }, 0);
    for (const source of ["no-speech", "report"] as const) this.#falseWakesTotal.inc({ source }, 0);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Subscribes to every event on the bus; returns this for chaining. */
  attach(bus: EventBus): this {
    this.#unsubscribe.push(bus.onAny((event) => this.record(event)));
    return this;
  }

  /** Counts one event (what attach() calls for each event). */
  record(event: PipelineEvent): void {
    for (const { stage, seconds } of this.#timings.observe(event)) {
      this.#stageSeconds.observe({ stage }, seconds);
      this.#windows.get(stage)?.add(seconds);
    }
    switch (event.type) {
      case "wake_word-end":
        this.#wakes++;
        this.#wakesTotal.inc({ wake_word: event.wakeWord });
        break;
      case "wake_word-candidate":
        this.#candidates.candidates++;
        if (event.outcome === "verified") this.#candidates.verified++;
        if (event.outcome === "rejected") this.#candidates.rejected++;
        this.#candidatesTotal.inc({ wake_word: event.wakeWord, outcome: event.outcome });
        break;
      case "run-start":
        if (event.trigger === "follow-up") this.#followUps.add(event.runId);
        break;
      case "run-end": {
        this.#runs[event.outcome] = (this.#runs[event.outcome] ?? 0) + 1;
        this.#runsTotal.inc({ outcome: event.outcome });
        const followUp = this.#followUps.delete(event.runId);
        if (event.feltMs !== undefined) this.#feltSeconds.observe(event.feltMs / 1000);
        if (event.lagMs !== undefined) this.#audioLagSeconds.set(event.lagMs / 1000);
        if (event.outcome === "no-speech" && !followUp) this.reportFalseWake("no-speech");
        break;
      }
      case "error":
        this.#errors[event.code] = (this.#errors[event.code] ?? 0) + 1;
        this.#errorsTotal.inc({ code: event.code });
        break;
      case "intent-end":
        this.#intentsTotal.inc({ intent: event.intent, source: event.source });
        break;
      case "intent-rejected":
        this.#rejectionsTotal.inc({ reason: event.reason });
        break;
      case "input-rejected":
        this.#inputRejectionsTotal.inc({ reason: event.reason }, event.count);
        break;
    }
  }

  /**
   * A false wake: counted automatically when a run ends with no speech after the wake word, and
   * callable for an explicit report (e.g. an MQTT message or a "that wasn't for you" intent).
   */
  reportFalseWake(source: FalseWakeSource = "report"): void {
    this.#falseWakes[source]++;
    this.#falseWakesTotal.inc({ source });
  }

  /** Prometheus text exposition (format 0.0.4). */
  prometheus(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** JSON for the retained stats topic. CPU % covers the time since the previous snapshot. */
  snapshot(): StatsSnapshot {
    const now = this.#now();
    const usage = this.#cpuUsage();
    const elapsedMs = now - this.#cpuMark.at;
    const cpuMicros = usage.user + usage.system - this.#cpuMark.usage.user - this.#cpuMark.usage.system;
    this.#cpuMark = { at: now, usage };
    const memory = this.#memoryUsage();
    return {
      site: this.options.site,
      uptime_seconds: Math.round((now - this.#startedAt) / 1000),
      wakes: this.#wakes,
      runs: { ...this.#runs },
      errors: { ...this.#errors },
      false_wakes: { ...this.#falseWakes },
      wake_candidates: { ...this.#candidates },
      latency_seconds: Object.fromEntries(STAGES.map((s) => [s, this.#windows.get(s)?.summary()])) as Record<
        Stage,
        ReturnType<LatencyWindow["summary"]>
      >,
      rss_bytes: memory.rss,
      heap_used_bytes: memory.heapUsed,
      cpu_percent: elapsedMs > 0 ? Math.round((cpuMicros / 1000 / elapsedMs) * 1000) / 10 : null,
    };
  }

  /** Unsubscribes from the bus; idempotent. */
  dispose(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
  }
}
