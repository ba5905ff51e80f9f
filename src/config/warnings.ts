import { areaKey, tokenize } from "../util/words.js";
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
  warnings.push(...sharedNames(config.devices));
  return warnings;
}

/**
 * Two devices of one kind sharing a spoken name (name or alias) in one area, or where either
 * has no area: by that name neither can be told apart ("turn on the ceiling light" is refused
 * as ambiguous, unless the board's area picks one). Said, not refused: a home that worked
 * before an upgrade must not stop at start, and other names or aliases may still reach both.
 */
function sharedNames(devices: Config["devices"]): string[] {
  const spoken = (text: string) => tokenize(text).join(" ");
  const names = (d: Config["devices"][number]) => [d.name, ...d.aliases].map(spoken).filter((n) => n !== "");
  const warnings: string[] = [];
  devices.forEach((mine, index) => {
    const own = new Set(names(mine));
    for (let earlier = 0; earlier < index; earlier++) {
      const other = devices[earlier] as Config["devices"][number];
      if (other.domain !== mine.domain) continue;
      const bothAreas = other.area !== null && mine.area !== null;
      if (bothAreas && areaKey(other.area as string) !== areaKey(mine.area as string)) continue;
      const shared = names(other).find((n) => own.has(n));
      if (shared === undefined) continue;
      const why = bothAreas
        ? "in the same area: by that name neither can be told apart; rename one or give each an alias"
        : "and one of them has no area: by that name the one without an area is never reached; give it its area, or rename one";
      warnings.push(
        `devices[${index}].name: "${shared}" also names devices[${earlier}], a ${mine.domain} too, ${why}`,
      );
      return;
    }
  });
  return warnings;
}
