import type { EventBase } from "./base.js";

/** A timer as events and MQTT show it (the daemon runs timers: src/skills/timers/). */
export interface TimerInfo {
  id: string;
  /** "pasta" for "pasta timer"; null when none was given. */
  name: string | null;
  /** The duration it was set for, in seconds (adjustments included). */
  seconds: number;
  /** When it ends (ISO 8601, UTC); null while paused. */
  endsAt: string | null;
  site: string;
  area: string | null;
  paused: boolean;
  /** Seconds left when the event was emitted (whole seconds, rounded up). */
  remainingSeconds: number;
}

/**
 * `timer-started`, `timer-updated` (time added or taken away, paused, unpaused),
 * `timer-cancelled`, and `timer-finished` (it ended: the board rings). `runId` is the run that
 * asked for it, absent for what happens on its own (a timer ending, restored at start).
 */
interface TimerEventBase extends EventBase {
  timer: TimerInfo;
}

export interface TimerStartedEvent extends TimerEventBase {
  type: "timer-started";
}

export interface TimerUpdatedEvent extends TimerEventBase {
  type: "timer-updated";
}

export interface TimerCancelledEvent extends TimerEventBase {
  type: "timer-cancelled";
}

export interface TimerFinishedEvent extends TimerEventBase {
  type: "timer-finished";
  /** Seconds after its end that it was noticed: minutes when it ended while the daemon was down. */
  lateSeconds: number;
}

export type TimerEvent = TimerStartedEvent | TimerUpdatedEvent | TimerCancelledEvent | TimerFinishedEvent;
