import type { RecognizedIntent } from "../intent/types.js";
import type { LocalSkills, SkillAnswer } from "../pipeline/skills.js";

export interface ClockSkillOptions {
  /** The wall clock; tests pass a fixed date. */
  now?: () => Date;
  /** IANA time zone; undefined = the board's own (TZ, /etc/localtime). */
  timeZone?: string;
}

/**
 * HassGetCurrentTime and HassGetCurrentDate, answered on the board in the words people say:
 * "it's 3:45 PM", "it's Wednesday, December 2". English only, as the templates are.
 */
export class ClockSkill implements LocalSkills {
  readonly #now: () => Date;
  readonly #time: Intl.DateTimeFormat;
  readonly #date: Intl.DateTimeFormat;

  constructor(options: ClockSkillOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    const { timeZone } = options;
    this.#time = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit", timeZone });
    this.#date = new Intl.DateTimeFormat("en-US", {
      weekday: "long",
      month: "long",
      day: "numeric",
      timeZone,
    });
  }

  handles(intent: RecognizedIntent): boolean {
    return intent.intent === "HassGetCurrentTime" || intent.intent === "HassGetCurrentDate";
  }

  async perform(intent: RecognizedIntent): Promise<SkillAnswer> {
    const format = intent.intent === "HassGetCurrentTime" ? this.#time : this.#date;
    // ICU puts a narrow no-break space before AM/PM; espeak-ng and MQTT readers want a plain one.
    return { speech: `it's ${format.format(this.#now()).replace(/[\u202f\u00a0]/g, " ")}` };
  }
}
