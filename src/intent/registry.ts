import type { DeviceConfig } from "../config/schema.js";
import { tokenize } from "./text/normalize.js";

export type DeviceSource = "config" | "discovery";

/** A controllable entity: a config-file device or one learned from Home Assistant discovery. */
export interface Device extends DeviceConfig {
  source: DeviceSource;
}

export type RegistryChange =
  | { type: "added"; device: Device }
  | { type: "updated"; device: Device; previous: Device }
  | { type: "removed"; device: Device };

/**
 * The one source of device names for templates, the LLM grammar, STT biasing and the
 * command publisher. Entries can be added and removed while running (Home Assistant
 * discovery); config-file entries always win over discovered ones with the same id.
 */
export class DeviceRegistry {
  readonly #devices = new Map<string, Device>();
  readonly #listeners = new Set<(change: RegistryChange) => void>();
  #version = 0;

  constructor(devices: readonly DeviceConfig[] = []) {
    for (const device of devices) this.#devices.set(device.id, { ...device, source: "config" });
  }

  /** Bumped on every change, so consumers can cache derived data (grammars, prompts). */
  get version(): number {
    return this.#version;
  }

  all(): Device[] {
    return [...this.#devices.values()];
  }

  get(id: string): Device | undefined {
    return this.#devices.get(id);
  }

  /** Adds or replaces an entry. A discovered entry never replaces a config-file one; returns whether anything changed. */
  upsert(device: DeviceConfig, source: DeviceSource): boolean {
    const previous = this.#devices.get(device.id);
    if (previous?.source === "config" && source === "discovery") return false;
    const next: Device = { ...device, source };
    if (previous && JSON.stringify(previous) === JSON.stringify(next)) return false;
    this.#devices.set(device.id, next);
    this.#notify(previous ? { type: "updated", device: next, previous } : { type: "added", device: next });
    return true;
  }

  /** Removes an entry if it came from `source` (discovery cannot remove a config-file device). */
  remove(id: string, source: DeviceSource): boolean {
    const device = this.#devices.get(id);
    if (!device || device.source !== source) return false;
    this.#devices.delete(id);
    this.#notify({ type: "removed", device });
    return true;
  }

  /** Replaces all config-file entries (SIGHUP reload); discovered entries stay unless shadowed. */
  replaceConfigDevices(devices: readonly DeviceConfig[]): void {
    for (const device of this.all()) if (device.source === "config") this.remove(device.id, "config");
    for (const device of devices) this.upsert(device, "config");
  }

  /**
   * A device that shares a command topic with `device` where that cannot be the same thing:
   * a config-file device (for a learned one: configured devices own their topics), or one of
   * another kind (domain and device class). What a topic does is decided by the device
   * listening on it, not by the name a discovery message gives it, so a learned "porch
   * light" on the lock's topic is refused, never treated as a light.
   */
  topicConflict(device: Device): Device | null {
    const mine = new Set(commandTopics(device));
    for (const other of this.#devices.values()) {
      if (other.id === device.id || !commandTopics(other).some((topic) => mine.has(topic))) continue;
      if (device.source === "discovery" && other.source === "config") return other;
      if (deviceKind(other) !== deviceKind(device)) return other;
    }
    return null;
  }

  /** A config-file device a person would name the same way (same name or alias, same or no area). */
  nameConflict(device: DeviceConfig): Device | null {
    const names = new Set([device.name, ...device.aliases].map(spokenName));
    for (const other of this.#devices.values()) {
      if (other.source !== "config" || other.id === device.id) continue;
      if (other.area !== null && device.area !== null && spokenName(other.area) !== spokenName(device.area))
        continue;
      if ([other.name, ...other.aliases].some((name) => names.has(spokenName(name)))) return other;
    }
    return null;
  }

  onChange(listener: (change: RegistryChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(change: RegistryChange): void {
    this.#version++;
    for (const listener of this.#listeners) listener(change);
  }
}

/** Every topic a command to `device` may be published on. */
export function commandTopics(device: DeviceConfig): string[] {
  const topics = [device.command_topic, device.brightness_command_topic, device.temperature_command_topic];
  return topics.filter((topic): topic is string => typeof topic === "string");
}

/** Domain and device class: a garage-door cover and a blind are different kinds. */
export function deviceKind(device: DeviceConfig): string {
  return `${device.domain}/${device.device_class ?? ""}`;
}

function spokenName(name: string): string {
  return tokenize(name).join(" ");
}
