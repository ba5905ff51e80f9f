import type { DiscoveryOrigin, LearnedEntity } from "./ha-discovery.js";

/** What may be learned from Home Assistant discovery (config mqtt.learn_*). */
export interface LearnPolicy {
  /** mqtt.learn_allow: node ids, device identifiers or names, discovery topic prefixes; empty = anyone. */
  allow: readonly string[];
  /** mqtt.learn_domains. */
  domains: readonly string[];
  /** mqtt.learn_max_devices. */
  maxDevices: number;
  /**
   * Topic prefixes a learned device may never be commanded on (edge-voice's own control
   * topics, Hermes, discovery): a stray or hostile discovery message must not turn a device
   * command into injected text or a new discovery config.
   */
  reservedPrefixes: readonly string[];
}

export interface Refusal {
  why: string;
  /** Worth a warning (a hostile or broken announcement) rather than a debug line (the user's own settings). */
  warn: boolean;
}

/**
 * Checks that need nothing but the entity and the policy (topics were checked against
 * MQTT's rules when parsed); null when it may be learned. Pure.
 */
export function staticRefusal(entity: LearnedEntity, policy: LearnPolicy): Refusal | null {
  const { device, origin } = entity;
  if (!policy.domains.includes(device.domain))
    return { why: `${device.domain} is not in mqtt.learn_domains`, warn: false };
  if (!announcerAllowed(origin, policy.allow))
    return { why: "announcer not in mqtt.learn_allow", warn: false };
  for (const topic of [
    device.command_topic,
    device.brightness_command_topic,
    device.temperature_command_topic,
  ]) {
    if (topic !== null && policy.reservedPrefixes.some((prefix) => topic.startsWith(prefix)))
      return { why: "its command topic is one of edge-voice's reserved topics", warn: true };
  }
  return null;
}

/** Whether one mqtt.learn_allow entry names this announcer (or the list is empty). */
export function announcerAllowed(origin: DiscoveryOrigin, allow: readonly string[]): boolean {
  if (allow.length === 0) return true;
  const name = origin.deviceName?.toLowerCase();
  return allow.some(
    (entry) =>
      (origin.node !== "" && entry === origin.node) ||
      origin.deviceIds.includes(entry) ||
      (name !== undefined && entry.toLowerCase() === name) ||
      (entry.includes("/") &&
        (origin.topic === entry || origin.topic.startsWith(entry.replace(/\/?$/, "/")))),
  );
}
