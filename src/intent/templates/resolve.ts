import { areaKey } from "../../util/words.js";
import { INTENT_DOMAINS, needsTargets } from "../domains.js";
import type { Device } from "../registry.js";
import type { RecognizedIntent } from "../types.js";
import type { Vocabulary } from "../vocabulary.js";
import type { SlotValue, TemplateMatch } from "./matcher.js";

interface Gathered {
  name?: Extract<SlotValue, { kind: "name" }>;
  area?: Extract<SlotValue, { kind: "area" }>;
  domain?: string;
  slots: Record<string, unknown>;
}

/**
 * Turns a template match into an intent about registry entities: a name picks that device
 * (its area disambiguates repeated names), an area with a kind ("lights in the kitchen")
 * picks every such device there, a kind alone picks those in the board's own area
 * (`siteArea`, as Home Assistant does for a satellite's area) or, when it has none or no
 * area is set, all of them. Returns null when the words do not pick exactly what the
 * intent needs (an ambiguous name, an empty area).
 */
export function resolveMatch(
  match: TemplateMatch,
  vocabulary: Vocabulary,
  siteArea: string | null = null,
): RecognizedIntent | null {
  const gathered = gather(match);
  if (!gathered) return null;
  const { intent } = match.template;
  let targets: Device[] = [];
  if (needsTargets(intent)) {
    const found = pickDevices(match, gathered, vocabulary, siteArea);
    if (!found || found.length === 0) return null;
    targets = found;
    const kindOnly = gathered.domain && !gathered.name && !gathered.area;
    const here = kindOnly && siteArea ? found.filter((d) => sameArea(d.area, siteArea)) : [];
    if (here.length > 0) {
      targets = here;
      gathered.slots.area = here[0]?.area;
    }
    const unnamed = !gathered.domain && !gathered.name && !gathered.area;
    if (unnamed && siteArea && targets.every((d) => sameArea(d.area, siteArea)))
      gathered.slots.area = siteArea;
  }
  return {
    intent,
    targets: targets.map((d) => d.id).sort(),
    slots: gathered.slots,
    source: "template",
    confidence: Math.round(match.confidence * 1000) / 1000,
  };
}

function gather(match: TemplateMatch): Gathered | null {
  const out: Gathered = { slots: { ...match.template.fixedSlots } };
  for (const { slot, value } of match.captures) {
    if (value.kind === "name") {
      if (out.name && out.name.entry !== value.entry) return null;
      out.name = value;
      out.slots.name = value.entry.key;
    } else if (value.kind === "area") {
      if (out.area && out.area.entry !== value.entry) return null;
      out.area = value;
      out.slots.area = value.entry.area;
    } else if (value.kind === "duration") {
      Object.assign(out.slots, value.value);
    } else if (slot === "domain") {
      if (out.domain && out.domain !== value.value) return null;
      out.domain = String(value.value);
      out.slots.domain = out.domain;
    } else {
      // {timer_name} is Home Assistant's `name` slot of the timer intents ({timer_name:name} there).
      const key = slot === "timer_name" || slot === "timer_label" ? "name" : slot;
      if (key in out.slots && out.slots[key] !== value.value) return null;
      out.slots[key] = value.value;
    }
  }
  return out;
}

function pickDevices(
  match: TemplateMatch,
  gathered: Gathered,
  vocabulary: Vocabulary,
  siteArea: string | null,
): Device[] | null {
  const { intent, requiresDomains } = match.template;
  const allowed = INTENT_DOMAINS[intent] ?? [];
  const area = gathered.area?.entry.area;
  const fits = (d: Device) =>
    allowed.includes(d.domain) &&
    (!requiresDomains || requiresDomains.has(d.domain)) &&
    (!gathered.domain || gathered.domain === d.domain);
  if (gathered.name) {
    const named = gathered.name.entry.devices.filter((d) => fits(d) && (!area || d.area === area));
    if (named.length === 1) return named;
    // One name in several rooms ("the ceiling light"), none said: the one in the board's room,
    // as Home Assistant prefers the satellite's area. Still refused when that does not pick one.
    const here = !area && siteArea ? named.filter((d) => sameArea(d.area, siteArea)) : [];
    return here.length === 1 ? here : null;
  }
  if (gathered.domain || area) {
    return vocabulary.devices.filter((d) => fits(d) && (!area || d.area === area));
  }
  // No target words ("set the temperature to 21"): only unambiguous with one such device, or
  // one in the board's own room; a question ("what's the temperature") may read all of its room's.
  if (!requiresDomains) return null;
  const only = vocabulary.devices.filter(fits);
  if (only.length === 1) return only;
  const here = siteArea ? only.filter((d) => sameArea(d.area, siteArea)) : [];
  return here.length === 1 || (here.length > 1 && intent === "HassGetState") ? here : null;
}

/** Areas compare as people write them (areaKey): "Living Room" and "living-room" are one room. */
function sameArea(a: string | null | undefined, b: string): boolean {
  return a != null && areaKey(a) === areaKey(b);
}
