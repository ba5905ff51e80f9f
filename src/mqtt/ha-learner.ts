import type { DeviceConfig } from "../config/schema.js";
import { commandTopics, type Device, type DeviceRegistry, deviceKind } from "../intent/registry.js";
import type { Logger } from "../util/logger.js";
import { printable } from "../util/printable.js";
import { type LearnedEntity, parseDiscovery } from "./ha-discovery.js";
import { type LearnPolicy, staticRefusal } from "./learn-policy.js";
import { LearnReport, WarningBudget } from "./learn-report.js";

export interface DiscoveryLearnerOptions {
  registry: DeviceRegistry;
  /** mqtt.discovery_prefix. */
  prefix: string;
  /** Discovery topics that are not devices (edge-voice's own announcement). */
  ignoreTopics: ReadonlySet<string>;
  policy: LearnPolicy;
  logger: Logger;
  /** Monotonic milliseconds, for the warning budget. */
  now?: () => number;
}

/**
 * Keeps the device registry in step with Home Assistant MQTT discovery: retained config
 * messages add or update entities (source "discovery"), an empty payload removes what that
 * topic added. Anyone who can publish under the discovery prefix can announce, so what is
 * learned is limited (learn-policy.ts): the allowed announcers and kinds, valid topics, a
 * cap; never a configured device's command topic, nor another learned device's of a
 * different kind; never a configured device's name (configured devices win).
 */
export class DiscoveryLearner {
  /** Discovery topic -> entity key -> registry id it created. */
  readonly #byTopic = new Map<string, Map<string, string>>();
  /** Registry id -> entity key that owns it (ids are unique across topics). */
  readonly #owners = new Map<string, string>();
  /** What each id was learned as, to bring it back when a config-file device that shadowed it goes. */
  readonly #learned = new Map<string, DeviceConfig>();
  /**
   * Discovery topic -> command topics of devices it announced that were not learned (a lock
   * outside mqtt.learn_domains): still the topic's owner, so no other kind may be learned on it.
   */
  readonly #announced = new Map<string, Array<{ kind: string; domain: string; topics: string[] }>>();
  readonly #budget: WarningBudget;
  readonly #unsubscribe: () => void;
  #reconcileQueued = false;

  constructor(private readonly options: DiscoveryLearnerOptions) {
    const { registry } = options;
    this.#budget = new WarningBudget(options.now ?? (() => performance.now()));
    this.#unsubscribe = registry.onChange((change) => {
      if (change.device.source !== "config") return;
      const learned = this.#learned.get(change.device.id);
      if (change.type === "removed" && learned) registry.upsert(learned, "discovery");
      this.#queueReconcile();
    });
  }

  dispose(): void {
    this.#unsubscribe();
  }

  handle(topic: string, payload: Buffer): void {
    const { prefix, ignoreTopics, logger } = this.options;
    if (ignoreTopics.has(topic)) return;
    const result = parseDiscovery(topic, payload.toString("utf8"), prefix, this.options.policy.maxDevices);
    if (result.kind === "invalid") {
      logger.debug({ topic: printable(topic), reason: result.reason }, "ignored a discovery message");
      return;
    }
    const report = new LearnReport();
    const announced: Array<{ kind: string; domain: string; topics: string[] }> = [];
    const hadAnnounced = this.#announced.delete(topic);
    const previous = this.#byTopic.get(topic) ?? new Map<string, string>();
    const next = new Map<string, string>();
    if (result.kind === "entities") {
      for (const why of result.skipped) report.refused.push({ key: topic, why, warn: false });
      for (const why of result.badTopics) report.refused.push({ key: topic, why, warn: true });
      report.capped += result.overflow;
      for (const entity of result.entities) {
        const id = this.#learn(entity, previous.get(entity.key), report, announced);
        if (id) next.set(entity.key, id);
      }
    }
    for (const [key, id] of previous) if (!next.has(key) || next.get(key) !== id) this.#forget(id, key);
    if (next.size > 0) this.#byTopic.set(topic, next);
    else this.#byTopic.delete(topic);
    if (announced.length > 0) this.#announced.set(topic, announced);
    // A device announced on a learned device's topic may have made it a borrower (or stopped).
    if (announced.length > 0 || hadAnnounced) this.#queueReconcile();
    report.write(topic, logger, this.#budget, this.options.policy.maxDevices);
  }

  #learn(
    entity: LearnedEntity,
    currentId: string | undefined,
    report: LearnReport,
    announced: Array<{ kind: string; domain: string; topics: string[] }>,
  ): string | null {
    const { registry, policy } = this.options;
    const refusal = staticRefusal(entity, policy);
    if (refusal) {
      report.refused.push({ key: entity.key, ...refusal });
      const device = { id: "", ...entity.device };
      if (!refusal.warn)
        announced.push({ kind: deviceKind(device), domain: device.domain, topics: commandTopics(device) });
      return null;
    }
    if (currentId === undefined && this.#owners.size >= policy.maxDevices) {
      report.capped++;
      return null;
    }
    const id = this.#claim(entity, currentId);
    if (!id) {
      report.refused.push({ key: entity.key, why: "entity id already taken", warn: false });
      return null;
    }
    const device: DeviceConfig = { id, ...entity.device };
    const conflict = this.#conflict(device);
    if (conflict) {
      this.#release(id, entity.key);
      report.refused.push({ key: entity.key, ...conflict });
      return null;
    }
    this.#learned.set(id, device);
    const changed = registry.upsert(device, "discovery");
    if (registry.get(id)?.source === "config") {
      report.refused.push({ key: entity.key, why: `shadowed by the configured device ${id}`, warn: false });
    } else if (changed) {
      report.learned.push(device);
    }
    return id;
  }

  /** Why `device` may not be in the registry next to what is there now, or null. */
  #conflict(device: DeviceConfig): { why: string; warn: boolean } | null {
    const { registry } = this.options;
    const candidate: Device = { ...device, source: "discovery" };
    const owner = registry.topicConflict(candidate);
    if (owner) {
      // A configured device of the same kind on its own topic is the same device, configured by hand.
      const same =
        owner.source === "config" &&
        `${owner.domain}/${owner.device_class}` === `${device.domain}/${device.device_class}`;
      const whose = owner.source === "config" ? "the configured" : "the learned";
      return { why: `its command topic belongs to ${whose} ${owner.domain} ${owner.id}`, warn: !same };
    }
    const mine = commandTopics(device);
    for (const entries of this.#announced.values())
      for (const other of entries)
        if (other.kind !== deviceKind(device) && other.topics.some((topic) => mine.includes(topic)))
          return {
            why: `its command topic belongs to an announced ${other.domain} that is not learned (mqtt.learn_domains, mqtt.learn_allow)`,
            warn: true,
          };
    const namesake = registry.nameConflict(device);
    if (namesake)
      return {
        why: `same name and area as the configured device ${namesake.id} (configured devices win)`,
        warn: true,
      };
    return null;
  }

  /**
   * The id the entity already has (ids must not change on an update), else its id, or its
   * node-qualified one when another discovery topic holds the first.
   */
  #claim(entity: LearnedEntity, currentId: string | undefined): string | null {
    const candidates = currentId && [entity.id, entity.altId].includes(currentId) ? [currentId] : [];
    for (const id of [...candidates, entity.id, entity.altId]) {
      const owner = this.#owners.get(id);
      if (owner === undefined || owner === entity.key) {
        this.#owners.set(id, entity.key);
        return id;
      }
    }
    return null;
  }

  #release(id: string, key: string): void {
    if (this.#owners.get(id) !== key) return;
    this.#owners.delete(id);
    this.#learned.delete(id);
    this.options.registry.remove(id, "discovery");
  }

  #forget(id: string, key: string): void {
    if (this.#owners.get(id) !== key) return;
    this.#owners.delete(id);
    this.#learned.delete(id);
    if (this.options.registry.remove(id, "discovery"))
      this.options.logger.info({ id }, "removed a device withdrawn from discovery");
  }

  /**
   * After the configured devices changed (SIGHUP): a learned device that now clashes with one
   * leaves the registry, one that no longer does comes back. Once per batch of changes.
   */
  #queueReconcile(): void {
    if (this.#reconcileQueued) return;
    this.#reconcileQueued = true;
    queueMicrotask(() => {
      this.#reconcileQueued = false;
      const { registry, logger } = this.options;
      for (const [id, device] of this.#learned) {
        const current = registry.get(id);
        if (current?.source === "config") continue;
        const conflict = this.#conflict(device);
        if (conflict && current) {
          registry.remove(id, "discovery");
          logger.warn({ id }, `learned device set aside: ${conflict.why}`);
        } else if (!conflict && !current) registry.upsert(device, "discovery");
      }
    });
  }
}
