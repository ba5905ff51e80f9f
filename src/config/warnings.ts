import { areaKey } from "../util/words.js";
import type { Config } from "./schema.js";

/**
 * Settings that are valid but probably not what was meant: said by `config --check`, doctor
 * and the daemon's start, never refused (devices learned from Home Assistant discovery may
 * still make them right at run time).
 */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.area !== null && config.devices.length > 0) {
    const areas = [...new Set(config.devices.flatMap((d) => (d.area === null ? [] : [d.area])))];
    if (!areas.some((area) => areaKey(area) === areaKey(config.area as string))) {
      const known =
        areas.length > 0
          ? `the devices' areas are ${areas.map((a) => `"${a}"`).join(", ")}`
          : "no device has an area";
      warnings.push(
        `area: "${config.area}" is no configured device's area (${known}): "turn on the light" would act on the whole house unless a device learned from Home Assistant is in it`,
      );
    }
  }
  return warnings;
}
