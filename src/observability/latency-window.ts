/**
 * The last N latencies of one stage, for the stats topic's p50/p95. Prometheus gets the full
 * histograms; the retained topic is read by people and dashboards that want "how fast lately",
 * which a fixed window answers without the bucket arithmetic.
 */
export class LatencyWindow {
  readonly #values: number[] = [];
  #next = 0;
  count = 0;
  sum = 0;

  constructor(readonly size = 100) {}

  add(seconds: number): void {
    this.count++;
    this.sum += seconds;
    if (this.#values.length < this.size) this.#values.push(seconds);
    else this.#values[this.#next] = seconds;
    this.#next = (this.#next + 1) % this.size;
  }

  /** Nearest-rank quantile (0..1) of the window, or null when empty. */
  quantile(q: number): number | null {
    if (this.#values.length === 0) return null;
    const sorted = [...this.#values].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[rank] ?? null;
  }

  summary(): { count: number; mean: number | null; p50: number | null; p95: number | null } {
    return {
      count: this.count,
      mean: this.count ? round(this.sum / this.count) : null,
      p50: roundOrNull(this.quantile(0.5)),
      p95: roundOrNull(this.quantile(0.95)),
    };
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function roundOrNull(seconds: number | null): number | null {
  return seconds === null ? null : round(seconds);
}
