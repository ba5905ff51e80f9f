import type { DeviceConfig } from "../config/schema.js";
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

  /** What each id was learned as, to bring it back when a config-file device that shadowed it goes. */
  readonly #learned = new Map<string, DeviceConfig>();
  readonly #unsubscribe: () => void;

  /**
   * @param reservedPrefixes topic prefixes a learned device may never be commanded on (edge-voice's
   *   own control topics, Hermes, discovery): a stray or hostile discovery message must not turn
   *   a device command into injected text or a new discovery config.
   */
  constructor(
    private readonly registry: DeviceRegistry,
    private readonly prefix: string,
    private readonly ignoreTopics: ReadonlySet<string>,
    private readonly reservedPrefixes: readonly string[],
    private readonly logger: Logger,
  ) {
    this.#unsubscribe = registry.onChange((change) => {
      const learned = this.#learned.get(change.device.id);
      if (change.type === "removed" && change.device.source === "config" && learned)
        registry.upsert(learned, "discovery");
    });
  }

  dispose(): void {
    this.#unsubscribe();
  }

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
        const id = this.#learn(entity, previous.get(entity.key));
        if (id) next.set(entity.key, id);
      }
    }
    for (const [key, id] of previous) if (!next.has(key) || next.get(key) !== id) this.#forget(id, key);
    if (next.size > 0) this.#byTopic.set(topic, next);
    else this.#byTopic.delete(topic);
  }

  #learn(entity: LearnedEntity, currentId: string | undefined): string | null {
    const topics = [
      entity.device.command_topic,
      entity.device.brightness_command_topic,
      entity.device.temperature_command_topic,
    ];
    const reserved = topics.find((t) => t && this.reservedPrefixes.some((prefix) => t.startsWith(prefix)));
    if (reserved) {
      this.logger.warn(
        { key: entity.key, topic: reserved },
        "discovery entity not learned: its command topic is reserved",
      );
      return null;
    }
    const id = this.#claim(entity, currentId);
    if (!id) {
      this.logger.debug({ key: entity.key }, "discovery entity id already taken; not learned");
      return null;
    }
    this.#learned.set(id, { id, ...entity.device });
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

  #forget(id: string, key: string): void {
    if (this.#owners.get(id) !== key) return;
    this.#owners.delete(id);
    this.#learned.delete(id);
    if (this.registry.remove(id, "discovery"))
      this.logger.info({ id }, "removed a device withdrawn from discovery");
  }
}
