import type { Device, DeviceRegistry } from "./registry.js";
import { type FuzzyKey, fuzzyKey } from "./text/fuzzy.js";
import { normalizeText } from "./text/normalize.js";

export interface NameEntry {
  /** Normalised spoken form ("kitchen light"). */
  key: string;
  /** Devices with this name or alias (several when names repeat across areas). */
  devices: Device[];
}

export interface AreaEntry {
  key: string;
  /** The area as written in the registry. */
  area: string;
}

/**
 * What can be said about the registry, in normalised form: device names and aliases, and
 * areas. Rebuilt only when the registry's version changes, so a lookup per utterance is a
 * Map get and fuzzy matching walks a prepared list.
 */
export class Vocabulary {
  readonly names = new Map<string, NameEntry>();
  readonly areas = new Map<string, AreaEntry>();
  /** Longest name / area, in tokens: bounds the spans a slot can take. */
  readonly maxNameTokens: number;
  readonly maxAreaTokens: number;
  /** Sound-alike keys, computed once, for fuzzy matching. */
  readonly fuzzyNames: ReadonlyArray<{ entry: NameEntry; key: FuzzyKey }>;
  readonly fuzzyAreas: ReadonlyArray<{ entry: AreaEntry; key: FuzzyKey }>;

  constructor(readonly devices: readonly Device[]) {
    for (const device of devices) {
      for (const spoken of [device.name, ...device.aliases]) {
        const key = normalizeText(spoken);
        if (!key) continue;
        const entry = this.names.get(key) ?? { key, devices: [] };
        if (!entry.devices.includes(device)) entry.devices.push(device);
        this.names.set(key, entry);
      }
      if (device.area) {
        const key = normalizeText(device.area.replace(/_/g, " "));
        if (key && !this.areas.has(key)) this.areas.set(key, { key, area: device.area });
      }
    }
    this.maxNameTokens = maxTokens(this.names.keys());
    this.maxAreaTokens = maxTokens(this.areas.keys());
    this.fuzzyNames = [...this.names.values()].map((entry) => ({ entry, key: fuzzyKey(entry.key) }));
    this.fuzzyAreas = [...this.areas.values()].map((entry) => ({ entry, key: fuzzyKey(entry.key) }));
  }

  devicesInArea(area: string): Device[] {
    return this.devices.filter((d) => d.area === area);
  }
}

function maxTokens(keys: Iterable<string>): number {
  let max = 0;
  for (const key of keys) max = Math.max(max, key.split(" ").length);
  return max;
}

/** Caches the vocabulary of a registry by its version. */
export class VocabularyCache {
  #version = -1;
  #vocabulary: Vocabulary | null = null;

  constructor(private readonly registry: DeviceRegistry) {}

  get(): Vocabulary {
    if (!this.#vocabulary || this.#version !== this.registry.version) {
      this.#vocabulary = new Vocabulary(this.registry.all());
      this.#version = this.registry.version;
    }
    return this.#vocabulary;
  }
}
