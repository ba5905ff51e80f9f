import type { Config } from "../config/schema.js";
import type { DeviceRegistry } from "../intent/registry.js";
import { ClockSkill } from "../skills/clock.js";
import { SkillSet } from "../skills/skill-set.js";
import { StateSkill } from "../skills/state.js";
import type { DeviceStateStore } from "../skills/state-store.js";

/**
 * The board's own skills, in the order they are asked: the clock, then device state answers
 * from `states` (which MQTT fills from the devices' state topics). Timers join this list.
 */
export function boardSkills(_config: Config, registry: DeviceRegistry, states: DeviceStateStore): SkillSet {
  return new SkillSet([new ClockSkill(), new StateSkill({ device: (id) => registry.get(id), states })]);
}
