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
  /** The ringing of timers (ring settings, voice); the timers themselves run on. */
  timers: boolean;
}

/** Settings of a section that the pipeline reads itself: changing only them needs no new model. */
const PIPELINE_ONLY: Partial<Record<Section, string[]>> = {
  vad: [
    "start_threshold",
    "end_threshold",
    "no_speech_timeout_seconds",
    "trailing_silence_seconds",
    "max_command_seconds",
    "min_speech_seconds",
    "pre_roll_seconds",
  ],
  stt: ["speculative", "initial_prompt", "timeout_seconds"],
};

/** Like changedSections, but a section whose only changes are pipeline settings is left out. */
export function changedModelSections(before: Config, after: Config): Set<Section> {
  const changed = changedSections(before, after);
  for (const [section, keys] of Object.entries(PIPELINE_ONLY) as [Section, string[]][]) {
    if (!changed.has(section)) continue;
    const strip = (value: unknown) => {
      const copy = { ...(value as Record<string, unknown>) };
      for (const key of keys) delete copy[key];
      return JSON.stringify(copy);
    };
    if (strip(before[section]) === strip(after[section])) changed.delete(section);
  }
  return changed;
}

export function planReload(before: Config, after: Config, mqttEnabled = true): ReloadPlan {
  const changed = changedSections(before, after);
  const models = changedModelSections(before, after);
  const has = (...sections: Section[]) => sections.some((s) => changed.has(s));
  const needsModel = (...sections: Section[]) => sections.some((s) => models.has(s));
  // The models directory or cache location decides which files every stage loads.
  const store = has("models");
  return {
    wake: store || has("wake"),
    vad: store || needsModel("vad"),
    stt: store || needsModel("stt"),
    intent: store || has("intent", "llm"),
    pipeline: has("vad", "stt", "site", "area", "intent", "devices"),
    mqtt: mqttEnabled && has("mqtt", "site", "state_dir"),
    audio: has("audio"),
    devices: has("devices"),
    log: has("log"),
    attachments: has("metrics", "feedback", "debug", "site"),
    timers: has("timers", "feedback"),
  };
}

export function describePlan(plan: ReloadPlan): string {
  const parts = Object.entries(plan)
    .filter(([, restart]) => restart)
    .map(([name]) => name);
  return parts.length ? parts.join(", ") : "nothing";
}
