import type { DeviceRegistry } from "../intent/registry.js";
import type { Logger } from "../util/logger.js";
import { type LearnedEntity, parseDiscovery } from "./ha-discovery.js";

/**
 * Keeps the device registry in step with Home Assistant MQTT discovery: retained config
 * messages add or update entities (source "discovery"), an empty payload removes what that
 * topic added. Config-file entries win (the registry refuses to replace them). Malformed
 * messages are ignored with a debug log: a broker full of other people's discovery topics
 * must not fill the journal.
 */
export class DiscoveryLearner {
  /** Discovery topic -> entity key -> registry id it created. */
  readonly #byTopic = new Map<string, Map<string, string>>();
  /** Registry id -> entity key that owns it (ids are unique across topics). */
  readonly #owners = new Map<string, string>();

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly prefix: string,
    private readonly ignoreTopics: ReadonlySet<string>,
    private readonly logger: Logger,
  ) {}

  handle(topic: string, payload: Buffer): void {
    if (this.ignoreTopics.has(topic)) return;
    const result = parseDiscovery(topic, payload.toString("utf8"), this.prefix);
    if (result.kind === "invalid") {
      this.logger.debug({ topic, reason: result.reason }, "ignored a discovery message");
      return;
    }
    const previous = this.#byTopic.get(topic) ?? new Map<string, string>();
    const next = new Map<string, string>();
    if (result.kind === "entities") {
      for (const reason of result.skipped)
        this.logger.debug({ topic, reason }, "discovery entity not learned");
      for (const entity of result.entities) {
        const id = this.#learn(entity);
        if (id) next.set(entity.key, id);
      }
    }
    for (const [key, id] of previous) if (!next.has(key) || next.get(key) !== id) this.#forget(id, key);
    if (next.size > 0) this.#byTopic.set(topic, next);
    else this.#byTopic.delete(topic);
  }

  #learn(entity: LearnedEntity): string | null {
    const id = this.#claim(entity);
    if (!id) {
      this.logger.debug({ key: entity.key }, "discovery entity id already taken; not learned");
      return null;
    }
    const changed = this.registry.upsert({ id, ...entity.device }, "discovery");
    if (this.registry.get(id)?.source === "config") {
      this.logger.debug({ id }, "discovered entity shadowed by a config-file device with the same id");
    } else if (changed) {
      const { name, domain, command_topic } = entity.device;
      this.logger.info(
        { id, name, domain, command_topic },
        `learned ${domain} "${name}" from Home Assistant discovery`,
      );
    }
    return id;
  }

  /** The entity's id, or its node-qualified one when another discovery topic holds the first. */
  #claim(entity: LearnedEntity): string | null {
    for (const id of [entity.id, entity.altId]) {
      const owner = this.#owners.get(id);
      if (owner === undefined || owner === entity.key) {
        this.#owners.set(id, entity.key);
        return id;
      }
    }
    return null;
  }

  #forget(id: string, key: string): void {
    if (this.#owners.get(id) !== key) return;
    this.#owners.delete(id);
    if (this.registry.remove(id, "discovery"))
      this.logger.info({ id }, "removed a device withdrawn from discovery");
  }
}
