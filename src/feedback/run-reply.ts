import type { IntentEndEvent, IntentRejectedEvent, RunOutcome } from "../events/types.js";
import { type DeviceLookup, replyForIntent, replyForOutcome, replyForRejection } from "./reply-text.js";

/** What one run said, kept until its run-end decides the reply. */
export interface RunNotes {
  intent?: IntentEndEvent;
  rejected?: IntentRejectedEvent;
}

/**
 * The one reply a run gets, whoever says it (feedback's espeak-ng, or a speaker elsewhere fed
 * from hermes/tts/say): a skill's answer (`intent-end.speech`), the confirmation of a command
 * carried out ("kitchen light on"), why a request was refused, or what went wrong. Decided at
 * run-end, so a command is never confirmed before it was delivered. Null says nothing. Pure.
 */
export function runReply(outcome: RunOutcome, notes: RunNotes, lookup: DeviceLookup): string | null {
  const { intent, rejected } = notes;
  if (outcome === "answered") return intent?.speech ?? null;
  if ((outcome === "published" || outcome === "recognized") && intent) {
    return intent.speech ?? replyForIntent(intent, lookup);
  }
  if (outcome === "rejected" && rejected) {
    const about = rejected.intent ? { intent: rejected.intent, targets: rejected.targets ?? [] } : undefined;
    return replyForRejection(rejected.reason, about, lookup, rejected.guessed, rejected.alternatives);
  }
  return replyForOutcome(outcome);
}
