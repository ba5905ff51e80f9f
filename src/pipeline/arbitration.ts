import type { ArbitrationDecision, WakeClaim } from "../rooms/room.js";

export type { ArbitrationDecision, WakeClaim } from "../rooms/room.js";

/**
 * The pipeline's port for boards that share a broker (config `rooms.group`): at its wake word a
 * run claims it, goes on listening and transcribing, and before it acts awaits the decision;
 * a run that lost ends as `lost-arbitration`, silently. Owned here, like `publisher.ts`; the
 * MQTT room implements it over the group's claim topic (`mqtt/arbitration.ts`).
 */
export interface Arbitration {
  readonly group: string;
  /** Sends the claim at once; resolves with the decision (never rejects): at once when the broker is unreachable. */
  claim(claim: WakeClaim): Promise<ArbitrationDecision>;
}
