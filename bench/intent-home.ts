// A synthetic 200-device home for the template benchmark: 20 areas x 10 kinds of device,
// with aliases, so slot lists are as long as a large Home Assistant install exposes.

import type { DeviceConfig } from "../src/config/schema.js";

const AREAS = [
  "kitchen",
  "living room",
  "bedroom",
  "office",
  "hallway",
  "bathroom",
  "garage",
  "attic",
  "basement",
  "dining room",
  "guest room",
  "nursery",
  "laundry",
  "porch",
  "garden",
  "study",
  "gym",
  "pantry",
  "landing",
  "utility room",
];

const KINDS: Array<{ thing: string; domain: DeviceConfig["domain"]; alias: string; device_class?: string }> =
  [
    { thing: "light", domain: "light", alias: "lights" },
    { thing: "lamp", domain: "light", alias: "table lamp" },
    { thing: "spotlights", domain: "light", alias: "spots" },
    { thing: "fan", domain: "fan", alias: "ceiling fan" },
    { thing: "plug", domain: "switch", alias: "socket" },
    { thing: "radiator", domain: "climate", alias: "heating" },
    { thing: "blinds", domain: "cover", alias: "shades" },
    { thing: "speaker", domain: "media_player", alias: "music" },
    { thing: "door", domain: "lock", alias: "door lock" },
    { thing: "window", domain: "cover", alias: "skylight", device_class: "window" },
  ];

export function syntheticHome(): DeviceConfig[] {
  const devices: DeviceConfig[] = [];
  for (const area of AREAS) {
    for (const kind of KINDS) {
      const id = `${area}_${kind.thing}`.replace(/ /g, "_");
      devices.push({
        id,
        name: `${area} ${kind.thing}`,
        aliases: [`${area} ${kind.alias}`],
        area: area.replace(/ /g, "_"),
        domain: kind.domain,
        device_class: kind.device_class ?? null,
        command_topic: `home/${id}/set`,
        state_topic: null,
        state_template: null,
        schema: "json",
        brightness_scale: 255,
        brightness_command_topic: null,
        temperature_command_topic: null,
        min_temp: null,
        max_temp: null,
        payload_on: "ON",
        payload_off: "OFF",
      });
    }
  }
  return devices;
}

/** Utterances over the synthetic home: exact, misheard, area-wide, numbers, and misses. */
export const SYNTHETIC_UTTERANCES: Array<{ text: string; kind: "exact" | "fuzzy" | "miss" }> = [
  { text: "Turn on the kitchen light.", kind: "exact" },
  { text: "switch the guest room lamp off please", kind: "exact" },
  { text: "set the study spotlights to forty percent", kind: "exact" },
  { text: "turn off the lights in the utility room", kind: "exact" },
  { text: "fan off in the nursery", kind: "exact" },
  { text: "set the dining room radiator to twenty one degrees", kind: "exact" },
  { text: "close the attic blinds", kind: "exact" },
  { text: "set a timer for an hour and a half", kind: "exact" },
  { text: "is the porch door locked", kind: "exact" },
  { text: "turn on the laundry plug", kind: "exact" },
  { text: "turn on the kitchen lite", kind: "fuzzy" },
  { text: "switch off the gest room lamp", kind: "fuzzy" },
  { text: "turn on the basment fan", kind: "fuzzy" },
  { text: "turn off the lights in the dinning room", kind: "fuzzy" },
  { text: "what's the capital of france", kind: "miss" },
  { text: "turn on the swimming pool heater", kind: "miss" },
  { text: "tell me a joke about the kitchen light", kind: "miss" },
];
