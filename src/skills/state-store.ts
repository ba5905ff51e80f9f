import type { StateValue } from "./state-payload.js";

/** A device's last reported state and when it came (epoch milliseconds). */
export interface DeviceState {
  value: StateValue;
  at: number;
}

/** What the state skill reads: the last state per device id, or undefined when none came yet. */
export interface DeviceStates {
  get(id: string): DeviceState | undefined;
}

/**
 * The last state of each device, filled by the MQTT room from the devices' state topics and
 * read by the state skill ("is the front door locked"). In memory only: after a restart the
 * broker's retained state messages fill it again. At most `maxDevices` entries, so a flood of
 * learned devices cannot grow it without bound.
 */
export class DeviceStateStore implements DeviceStates {
  readonly #states = new Map<string, DeviceState>();

  constructor(private readonly maxDevices = 10_000) {}

  get(id: string): DeviceState | undefined {
    return this.#states.get(id);
  }

  /** False when the store is full and `id` is new. */
  set(id: string, value: StateValue, at: number): boolean {
    if (!this.#states.has(id) && this.#states.size >= this.maxDevices) return false;
    this.#states.set(id, { value, at });
    return true;
  }

  delete(id: string): void {
    this.#states.delete(id);
  }

  get size(): number {
    return this.#states.size;
  }
}
