import type { BaseStatus } from "./protocol.js";

export type BaseState =
  | { alive: true }
  /** never: no status heard yet; offline: its last will (or a clean stop); silent: no heartbeat within the timeout; no-broker: this satellite is not connected. */
  | { alive: false; why: "never" | "offline" | "silent" | "no-broker" };

/**
 * What a satellite knows of its base, pure: the base republishes its status every heartbeat
 * (retained, `offline` as its last will); a base whose last heartbeat is older than
 * `timeoutMs` counts as gone, so a hung base is noticed as surely as a dead one.
 */
export class BaseWatch {
  #lastAt: number | null = null;
  #offline = false;
  #status: BaseStatus | null = null;
  #lost = false;

  constructor(private readonly timeoutMs: number) {}

  heard(status: BaseStatus, now: number): void {
    this.#status = status;
    this.#offline = status.state === "offline";
    this.#lastAt = now;
    this.#lost = false;
  }

  /** The satellite's own connection to the broker is lost: nothing is known of the base until it reconnects. */
  lost(): void {
    this.#lastAt = null;
    this.#lost = true;
  }

  /** The last status heard (capacity, heartbeat), for the doctor. */
  get status(): BaseStatus | null {
    return this.#status;
  }

  state(now: number): BaseState {
    if (this.#lastAt === null) return { alive: false, why: this.#lost ? "no-broker" : "never" };
    if (this.#offline) return { alive: false, why: "offline" };
    if (now - this.#lastAt > this.timeoutMs) return { alive: false, why: "silent" };
    return { alive: true };
  }
}

/** One line for the log and the `error` event: why the base cannot take this command. */
export function describeBaseState(base: string, state: BaseState): string {
  if (state.alive) return `base ${base} is online`;
  switch (state.why) {
    case "never":
      return `base ${base} has not been heard on the broker (is it running, with role: base and the same mqtt.topic_prefix?)`;
    case "offline":
      return `base ${base} is offline (its last will, or it stopped)`;
    case "silent":
      return `base ${base} sent no heartbeat within satellite.base_timeout_seconds`;
    case "no-broker":
      return `the MQTT broker is unreachable: base ${base} cannot be asked`;
  }
}
