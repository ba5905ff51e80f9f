import type { Config } from "../config/schema.js";
import type { DeviceRegistry } from "../intent/registry.js";
import { ClockSkill } from "../skills/clock.js";
import { SkillSet } from "../skills/skill-set.js";
import { StateSkill } from "../skills/state.js";
import type { DeviceStateStore } from "../skills/state-store.js";
import type { BoardTimers } from "./timers.js";

/**
 * The board's own skills, in the order they are asked: the clock, then device state answers
 * from `states` (which MQTT fills from the devices' state topics). The timers come first: while
 * one rings, "stop" is theirs. They hand on to their skill once started (none with
 * timers.enabled off: timer intents are then published).
 */
export function boardSkills(
  _config: Config,
  registry: DeviceRegistry,
  states: DeviceStateStore,
  timers?: Pick<BoardTimers, "handles" | "perform">,
): SkillSet {
  const state = new StateSkill({ device: (id) => registry.get(id), states });
  return new SkillSet([...(timers ? [timers] : []), new ClockSkill(), state]);
}
