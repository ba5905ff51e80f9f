/** What every pipeline event carries (the union is in types.ts). */
export interface EventBase {
  /** Milliseconds since the process started (monotonic clock). */
  t: number;
  runId?: string;
}
