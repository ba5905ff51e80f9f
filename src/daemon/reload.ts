import type { Config } from "../config/schema.js";

export type Section = keyof Config;

/** Top-level config sections whose settings differ between two configs. */
export function changedSections(before: Config, after: Config): Set<Section> {
  const changed = new Set<Section>();
  for (const key of Object.keys(after) as Section[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed.add(key);
  }
  return changed;
}

/** What a SIGHUP must restart, given the sections that changed. Everything else keeps running. */
export interface ReloadPlan {
  wake: boolean;
  vad: boolean;
  stt: boolean;
  intent: boolean;
  /** Endpointing, pre-roll, speculation or site: pipeline settings without new models. */
  pipeline: boolean;
  mqtt: boolean;
  audio: boolean;
  devices: boolean;
  log: boolean;
  /** Metrics, feedback, debug recordings. */
  attachments: boolean;
}

export function planReload(changed: Set<Section>): ReloadPlan {
  const has = (...sections: Section[]) => sections.some((s) => changed.has(s));
  // The models directory or cache location decides which files every stage loads.
  const models = has("models");
  return {
    wake: models || has("wake"),
    vad: models || has("vad"),
    stt: models || has("stt"),
    intent: models || has("intent", "llm"),
    pipeline: has("vad", "stt", "site", "intent", "devices"),
    mqtt: has("mqtt", "site", "state_dir"),
    audio: has("audio"),
    devices: has("devices"),
    log: has("log"),
    attachments: has("metrics", "feedback", "debug", "site"),
  };
}

export function describePlan(plan: ReloadPlan): string {
  const parts = Object.entries(plan)
    .filter(([, restart]) => restart)
    .map(([name]) => name);
  return parts.length ? parts.join(", ") : "nothing";
}
