import type { ConfigChange, Section } from "../config/changes.js";

/** A part of the daemon the reload plan can name: a service, or a part of one that restarts on its own. */
export interface ReloadUnit {
  name: string;
  /** The top-level config sections it reads. */
  sections: readonly Section[];
  /**
   * Reads every setting of its sections live: any change is a `reload` (applied in place).
   * Otherwise only a change marked `restart` in the schema concerns it, as a `restart`.
   */
  live?: boolean;
  /** Units (earlier in the list) whose restart it must follow: the pipeline takes new stages. */
  follows?: readonly string[];
}

export type ReloadAction = "restart" | "reload";

/** What a SIGHUP does, unit by unit, in the units' order. Units left out keep running untouched. */
export type ReloadPlan = ReadonlyMap<string, ReloadAction>;

/**
 * The reload plan derived from the units' declared sections and the schema's `restart` marks
 * (`configChanges`): no hand-kept list of which setting needs what. Pure.
 */
export function planReload(units: readonly ReloadUnit[], changes: readonly ConfigChange[]): ReloadPlan {
  const plan = new Map<string, ReloadAction>();
  for (const unit of units) {
    const mine = changes.filter((change) => unit.sections.includes(change.section));
    const followed = unit.follows?.some((name) => plan.get(name) === "restart") ?? false;
    if (unit.live) {
      if (mine.length > 0 || followed) plan.set(unit.name, "reload");
    } else if (followed || mine.some((change) => change.restart)) {
      plan.set(unit.name, "restart");
    }
  }
  return plan;
}

/** The units a plan touches, in order ("wake, pipeline"), or "nothing": for the log line. */
export function describePlan(plan: ReloadPlan): string {
  return plan.size ? [...plan.keys()].join(", ") : "nothing";
}
