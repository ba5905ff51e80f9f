import type { RecognizedIntent } from "../intent/types.js";
import type { LocalSkills, SkillAnswer, SkillContext } from "../pipeline/skills.js";

/**
 * The board's skills as the pipeline's one `LocalSkills`: an ordered list, the first that
 * handles an intent performs it. Timers, the clock and device state each add theirs.
 */
export class SkillSet implements LocalSkills {
  constructor(private readonly skills: readonly LocalSkills[]) {}

  handles(intent: RecognizedIntent): boolean {
    return this.skills.some((skill) => skill.handles(intent));
  }

  /** The handling skill's answer; an intent no skill handles (a device command) would act. */
  wouldAct(intent: RecognizedIntent, site: string): boolean {
    return this.#handler(intent)?.wouldAct?.(intent, site) ?? true;
  }

  perform(intent: RecognizedIntent, context: SkillContext): Promise<SkillAnswer> {
    const skill = this.#handler(intent);
    // The pipeline asks handles() first; reaching here without a skill is a bug in the caller.
    if (!skill) return Promise.reject(new Error(`no skill handles ${intent.intent}`));
    return skill.perform(intent, context);
  }

  #handler(intent: RecognizedIntent): LocalSkills | undefined {
    return this.skills.find((s) => s.handles(intent));
  }
}
