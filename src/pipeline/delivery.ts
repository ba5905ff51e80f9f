import type { RunOutcome } from "../events/types.js";
import { realTimer, type StartTimer } from "../util/timer.js";
import type { CommandResult } from "./publisher.js";

/**
 * A run's outcome from its commands' delivery: `published` only once the broker acknowledged
 * every command; a PUBACK that has not come within `ackWaitMs` (broker slow or away) makes it
 * `queued`: the outbox keeps trying until the command expires, which an `error` event reports.
 */
export async function deliveryOutcome(
  result: CommandResult,
  ackWaitMs: number,
  timer: StartTimer = realTimer,
): Promise<RunOutcome> {
  if (result.status === "dropped") return "dropped";
  if (!result.delivered) return "published";
  let cancel = () => {};
  const wait = new Promise<"waiting">((resolve) => {
    cancel = timer(ackWaitMs, () => resolve("waiting"));
  });
  const outcome = await Promise.race([result.delivered, wait]);
  cancel();
  if (outcome === "acked") return "published";
  return outcome === "waiting" ? "queued" : "dropped";
}
