import type { DeviceConfig } from "../config/schema.js";
import { deviceSchema } from "../config/sections/devices.js";
import { LEARNABLE_DOMAINS } from "../config/sections/mqtt.js";
import { publishTopicProblem } from "./topic-rules.js";

/** An entity learned from one discovery message; `key` is stable across updates of that message. */
export interface LearnedEntity {
  key: string;
  /** Who announced it, for mqtt.learn_allow. */
  origin: DiscoveryOrigin;
  /** Preferred registry id, and the one used when another discovery topic already took it. */
  id: string;
  altId: string;
  device: Omit<DeviceConfig, "id">;
}

export interface DiscoveryOrigin {
  /** The discovery topic the entity came in on. */
  topic: string;
  /** The topic's node id (`<prefix>/<component>/<node_id>/<object_id>/config`, or the device-based one), or "". */
  node: string;
  /** The announcing device's `identifiers` and `name`. */
  deviceIds: string[];
  deviceName: string | null;
}

export type DiscoveryResult =
  | { kind: "remove" }
  /** `skipped`: not controllable or incomplete; `badTopics`: a topic that breaks MQTT's rules (worth a warning). */
  /** `overflow`: components past `maxEntities`, not even parsed. */
  | { kind: "entities"; entities: LearnedEntity[]; skipped: string[]; badTopics: string[]; overflow: number }
  | { kind: "invalid"; reason: string };

/** The abbreviations of Home Assistant MQTT discovery that matter for controlling a device. */
const ABBREVIATIONS: Record<string, string> = {
  cmd_t: "command_topic",
  stat_t: "state_topic",
  val_tpl: "value_template",
  stat_val_tpl: "state_value_template",
  curr_temp_t: "current_temperature_topic",
  curr_temp_tpl: "current_temperature_template",
  bri_cmd_t: "brightness_command_topic",
  bri_scl: "brightness_scale",
  pl_on: "payload_on",
  pl_off: "payload_off",
  pl_lock: "payload_lock",
  pl_unlk: "payload_unlock",
  pl_open: "payload_open",
  pl_cls: "payload_close",
  temp_cmd_t: "temperature_command_topic",
  pow_cmd_t: "power_command_topic",
  dev_cla: "device_class",
  obj_id: "object_id",
  def_ent_id: "default_entity_id",
  uniq_id: "unique_id",
  dev: "device",
  cmps: "components",
  p: "platform",
  o: "origin",
};
const DEVICE_ABBREVIATIONS: Record<string, string> = {
  sa: "suggested_area",
  ids: "identifiers",
  mf: "manufacturer",
};
const CONTROLLABLE = new Set<string>(LEARNABLE_DOMAINS);

type Json = Record<string, unknown>;

/**
 * Parses one retained discovery message (as published by Zigbee2MQTT, ESPHome, Tasmota):
 * `<prefix>/<component>/[<node_id>/]<object_id>/config` or device-based
 * `<prefix>/device/<node_id>/config`. An empty payload removes. Pure.
 */
export function parseDiscovery(
  topic: string,
  payload: string,
  prefix: string,
  maxEntities = Number.POSITIVE_INFINITY,
): DiscoveryResult {
  const levels = topic.slice(prefix.length + 1).split("/");
  const [component, ...rest] = levels.slice(0, -1);
  if (!component || rest.length === 0) return { kind: "invalid", reason: "not a discovery topic" };
  if (payload.trim() === "") return { kind: "remove" };
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return { kind: "invalid", reason: "payload is not JSON" };
  }
  if (!isObject(raw)) return { kind: "invalid", reason: "payload is not a JSON object" };
  const config = expand(raw);
  const node = rest.length > 1 ? (rest[0] as string) : "";
  const objectId = rest[rest.length - 1] as string;
  if (component === "device") return fromDevice(topic, config, objectId, maxEntities);
  const device = isObject(config.device) ? config.device : {};
  const entity = toEntity(topic, component, config, node, objectId, device, origin(topic, node, device));
  const result: DiscoveryResult = { kind: "entities", entities: [], skipped: [], badTopics: [], overflow: 0 };
  if (!("skip" in entity)) result.entities.push(entity);
  else (entity.badTopic ? result.badTopics : result.skipped).push(entity.skip);
  return result;
}

/** Device-based discovery: shared options at the top, one entry per entity under `components`. */
function fromDevice(topic: string, config: Json, node: string, maxEntities: number): DiscoveryResult {
  if (!isObject(config.components)) return { kind: "invalid", reason: "device discovery without components" };
  const { components, ...shared } = config;
  const device = isObject(config.device) ? config.device : {};
  const entities: LearnedEntity[] = [];
  const skipped: string[] = [];
  const badTopics: string[] = [];
  let overflow = 0;
  for (const [objectId, value] of Object.entries(components)) {
    if (!isObject(value)) continue;
    // Parsing costs ~0.1 ms an entity: a message with 20,000 must not hold the event loop for seconds.
    if (entities.length >= maxEntities) {
      overflow++;
      continue;
    }
    const merged = expand({ ...shared, ...value });
    const entity = toEntity(
      `${topic}#${objectId}`,
      String(merged.platform ?? ""),
      merged,
      node,
      objectId,
      device,
      origin(topic, node, device),
    );
    if ("skip" in entity) (entity.badTopic ? badTopics : skipped).push(entity.skip);
    else entities.push(entity);
  }
  return { kind: "entities", entities, skipped, badTopics, overflow };
}

function toEntity(
  key: string,
  domain: string,
  config: Json,
  node: string,
  topicObjectId: string,
  device: Json,
  source: DiscoveryOrigin,
): LearnedEntity | { skip: string; badTopic?: true } {
  if (!CONTROLLABLE.has(domain))
    return { skip: `${key}: ${domain || "unknown"} entities cannot be commanded` };
  if (domain === "light" && config.schema === "template")
    return { skip: `${key}: template lights are not supported` };
  const command = commandTopics(domain, config);
  if (!command) return { skip: `${key}: no command topic` };
  // Checked before anything else reads them: a NUL, a wildcard or 64 KiB in a topic would
  // stall or break the connection the moment a command went out on it.
  const state = stateSource(domain, config);
  const topics = {
    command_topic: command.command,
    temperature_command_topic: command.temperature,
    brightness_command_topic: text(config.brightness_command_topic),
    state_topic: state.topic,
  };
  for (const [field, topic] of Object.entries(topics)) {
    const problem = topic === null ? null : publishTopicProblem(topic);
    if (problem) return { skip: `${field}: ${problem}`, badTopic: true };
  }
  const [on, off] = payloads(domain, config);
  const objectId =
    text(config.object_id) ?? text(config.default_entity_id)?.split(".").pop() ?? topicObjectId;
  const id = slug(objectId);
  const parsed = deviceSchema.safeParse({
    id,
    ...names(config, device, objectId),
    domain,
    device_class: text(config.device_class),
    command_topic: command.command,
    state_topic: state.topic,
    state_template: state.template,
    schema: domain === "light" && config.schema === "json" ? "json" : "default",
    brightness_scale: typeof config.brightness_scale === "number" ? config.brightness_scale : 255,
    brightness_command_topic: text(config.brightness_command_topic),
    temperature_command_topic: command.temperature,
    ...temperatureRange(domain, config),
    payload_on: on,
    payload_off: off,
  });
  if (!parsed.success) return { skip: `${key}: ${parsed.error.issues[0]?.message ?? "invalid"}` };
  const { id: _id, ...rest } = parsed.data;
  return { key, origin: source, id, altId: slug(`${node || "device"}_${objectId}`), device: rest };
}

/**
 * Where the device's state is read for answers: a climate device's current temperature
 * (`current_temperature_topic`), else `state_topic` with `state_value_template` (lights) or
 * `value_template`. A template longer than the config allows is dropped, so the raw value is read.
 */
function stateSource(domain: string, config: Json): { topic: string | null; template: string | null } {
  const short = (value: string | null) => (value !== null && value.length <= 200 ? value : null);
  if (domain === "climate")
    return {
      topic: text(config.current_temperature_topic),
      template: short(text(config.current_temperature_template)),
    };
  const template = text(config.state_value_template) ?? text(config.value_template);
  return { topic: text(config.state_topic), template: short(template) };
}

function origin(topic: string, node: string, device: Json): DiscoveryOrigin {
  const ids = device.identifiers;
  const deviceIds = (Array.isArray(ids) ? ids : [ids]).filter((id): id is string => typeof id === "string");
  return { topic, node, deviceIds, deviceName: text(device.name) };
}

function commandTopics(domain: string, config: Json): { command: string; temperature: string | null } | null {
  const temperature = text(config.temperature_command_topic);
  if (domain === "climate") {
    const command = text(config.power_command_topic) ?? temperature;
    return command ? { command, temperature } : null;
  }
  const command = text(config.command_topic);
  return command ? { command, temperature: null } : null;
}

/** A thermostat's min_temp / max_temp, when both make sense (a range the wrong way round would refuse every setting). */
function temperatureRange(
  domain: string,
  config: Json,
): { min_temp: number | null; max_temp: number | null } {
  const number = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);
  const min = domain === "climate" ? number(config.min_temp) : null;
  const max = domain === "climate" ? number(config.max_temp) : null;
  return min !== null && max !== null && min >= max
    ? { min_temp: null, max_temp: null }
    : { min_temp: min, max_temp: max };
}

function payloads(domain: string, config: Json): [string, string] {
  if (domain === "lock")
    return [text(config.payload_lock) ?? "LOCK", text(config.payload_unlock) ?? "UNLOCK"];
  if (domain === "cover") return [text(config.payload_open) ?? "OPEN", text(config.payload_close) ?? "CLOSE"];
  return [text(config.payload_on) ?? "ON", text(config.payload_off) ?? "OFF"];
}

/**
 * What people call it, as Home Assistant names it: the device's name when the entity has
 * none (Zigbee2MQTT's main entity), else "<device> <entity>" with the entity's own name as
 * an alias (ESPHome: "kitchen node" + "ceiling light").
 */
function names(
  config: Json,
  device: Json,
  objectId: string,
): { name: string; aliases: string[]; area: string | null } {
  const entity = spoken(text(config.name));
  const owner = spoken(text(device.name));
  const area = spoken(text(device.suggested_area));
  let name = entity ?? owner ?? spoken(objectId) ?? objectId;
  const aliases: string[] = [];
  if (entity && owner && !entity.startsWith(owner)) {
    name = `${owner} ${entity}`;
    aliases.push(entity);
  }
  return { name, aliases, area };
}

function spoken(value: string | null): string | null {
  const words = value?.replace(/[_-]+/g, " ").replace(/\s+/g, " ").trim().toLowerCase();
  return words ? words : null;
}

/** Long key names, `~` expanded in topics (at the start or the end, as Home Assistant does). */
export function expand(raw: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(raw)) out[ABBREVIATIONS[key] ?? key] = value;
  if (isObject(out.device))
    out.device = Object.fromEntries(
      Object.entries(out.device).map(([key, value]) => [DEVICE_ABBREVIATIONS[key] ?? key, value]),
    );
  const base = text(out["~"]);
  if (base)
    for (const [key, value] of Object.entries(out)) {
      if (typeof value !== "string" || !(key.endsWith("_topic") || key === "topic")) continue;
      if (value.startsWith("~")) out[key] = base + value.slice(1);
      else if (value.endsWith("~")) out[key] = value.slice(0, -1) + base;
    }
  return out;
}

function slug(value: string): string {
  return (
    value
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "") || "device"
  );
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
