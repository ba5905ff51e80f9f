import type { RecognizedIntent } from "../intent/types.js";

export interface CommandResult {
  /** `published`: handed to the broker (or to the outbox with an expiry); `dropped`: not deliverable in time. */
  status: "published" | "dropped";
  topics: string[];
}

/**
 * Turns an allowed intent into device commands. Topics come only from the registry,
 * never from the intent's text.
 */
export interface CommandPublisher {
  publishCommand(intent: RecognizedIntent, context: { runId: string; site: string }): Promise<CommandResult>;
}
