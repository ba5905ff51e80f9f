import type { RecognizedIntent } from "../intent/types.js";

export interface CommandResult {
  /** `published`: handed to the broker (or to the outbox with an expiry); `dropped`: not deliverable in time. */
  status: "published" | "dropped";
  topics: string[];
  /**
   * Settles when every command reached the broker (`acked`) or one did not in time
   * (`expired`) or was pushed out of a full outbox (`dropped`). Optional: for callers that
   * want to wait for the PUBACK (benchmarks, `--input` runs); the run need not wait.
   */
  delivered?: Promise<"acked" | "expired" | "dropped">;
}

/**
 * The pipeline's port for device commands: owned here, so the pipeline never imports mqtt/
 * (mqtt/command-publisher.ts implements it). Turns an allowed intent into device commands. Topics come only from the registry,
 * never from the intent's text.
 */
export interface CommandPublisher {
  publishCommand(intent: RecognizedIntent, context: { runId: string; site: string }): Promise<CommandResult>;
}
