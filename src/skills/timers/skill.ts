import type { RecognizedIntent } from "../../intent/types.js";
import type { LocalSkills, SkillAnswer, SkillContext } from "../../pipeline/skills.js";
import type { TimerRecord, TimerSelector } from "./engine.js";
import type { TimerService } from "./service.js";
import {
  durationWords,
  leftWords,
  manySpeech,
  startedSpeech,
  statusSpeech,
  timerLabel,
  whichSpeech,
} from "./speech.js";

export const TIMER_INTENTS = new Set([
  "HassStartTimer",
  "HassCancelTimer",
  "HassIncreaseTimer",
  "HassDecreaseTimer",
  "HassTimerStatus",
  "HassPauseTimer",
  "HassUnpauseTimer",
]);

/** What rings (feedback's TimerRinger): "stop the timer" while one rings stops the ringing. */
export interface Ringing {
  /** Whether `site` rings (any site when none is given). */
  isRinging(site?: string): boolean;
  /** Stops the ringing; true when something rang. */
  stop(site: string): boolean;
}

/**
 * The timer intents, carried out on the board: perform() changes the timers and returns what
 * to say. A request that does not say which of several timers it means is answered with the
 * question (and changes nothing); one about a timer that is not there says so.
 */
export class TimerSkill implements LocalSkills {
  constructor(
    private readonly timers: TimerService,
    private ringing: Ringing | null = null,
  ) {}

  /** A new ringer (the daemon renews it when the ring settings change). */
  setRinging(ringing: Ringing | null): void {
    this.ringing = ringing;
  }

  /** The timer intents; and "stop" / "never mind" (HassNevermind) while a timer rings. */
  handles(intent: RecognizedIntent): boolean {
    return (
      TIMER_INTENTS.has(intent.intent) ||
      (intent.intent === "HassNevermind" && (this.ringing?.isRinging() ?? false))
    );
  }

  /**
   * Whether `intent` would change a timer at `site` now: a new timer always; "stop" while one
   * rings there; otherwise a timer it could pick (several count: the answer asks which).
   */
  wouldAct(intent: RecognizedIntent, site: string): boolean {
    if (intent.intent === "HassStartTimer") return true;
    if (
      this.ringing?.isRinging(site) &&
      (intent.intent === "HassNevermind" || intent.intent === "HassCancelTimer")
    )
      return true;
    if (!TIMER_INTENTS.has(intent.intent)) return false;
    const { name, seconds, area } = timerSlots(intent.slots);
    // The duration of "add 5 minutes" is the change, not which timer (as #speech reads it).
    const changes = intent.intent === "HassIncreaseTimer" || intent.intent === "HassDecreaseTimer";
    const which = { site, name, area, seconds: changes ? null : seconds || null, which: "all" as const };
    return this.timers.select(which).kind !== "none";
  }

  async perform(intent: RecognizedIntent, context: SkillContext): Promise<SkillAnswer> {
    if (intent.intent === "HassNevermind")
      return { speech: this.ringing?.stop(context.site) ? "okay" : null };
    return { speech: this.#speech(intent, context) };
  }

  #speech(intent: RecognizedIntent, context: SkillContext): string {
    const slots = intent.slots;
    const { name, seconds, area } = timerSlots(slots);
    const { runId } = context;
    switch (intent.intent) {
      case "HassStartTimer": {
        const timer = this.timers.startTimer(
          { seconds, name, area: area ?? context.area, site: context.site },
          runId,
        );
        return timer ? startedSpeech(timer) : "sorry, I can't set another timer";
      }
      case "HassCancelTimer": {
        const plain = !name && !seconds && !area && slots.which === undefined;
        if (plain && this.ringing?.stop(context.site)) return "okay";
        const picked = this.#pick({ name, seconds, area, which: whichOf(slots) }, context);
        if (typeof picked === "string") return picked;
        return manySpeech(
          picked.flatMap((t) => this.timers.cancel(t.id, runId) ?? []),
          "cancelled",
        );
      }
      case "HassIncreaseTimer":
      case "HassDecreaseTimer": {
        // The duration said is the change ("add 5 minutes"), so only a name or area picks the timer.
        const delta = intent.intent === "HassIncreaseTimer" ? seconds : -seconds;
        const picked = this.#pick({ name, area }, context);
        if (typeof picked === "string") return picked;
        const [timer] = picked.flatMap((t) => this.timers.adjust(t.id, delta, runId) ?? []);
        if (!timer) return "sorry, a timer can't be that long";
        const what = delta >= 0 ? `added ${durationWords(delta)}` : `took off ${durationWords(-delta)}`;
        return timer.remainingMs > 0
          ? `${what}: your ${timerLabel(timer)} has ${leftWords(timer)} left`
          : what;
      }
      case "HassTimerStatus": {
        const selection = this.timers.select({ site: context.site, name, seconds, area, which: "all" });
        if (selection.kind !== "none") return statusSpeech(selection.timers);
        return name || seconds || area ? `there is no ${askedLabel(name, seconds)}` : statusSpeech([]);
      }
      case "HassPauseTimer":
      case "HassUnpauseTimer": {
        const pause = intent.intent === "HassPauseTimer";
        const picked = this.#pick({ name, seconds, area }, context);
        if (typeof picked === "string") return picked;
        const changed = picked.flatMap(
          (t) => (pause ? this.timers.pause(t.id, runId) : this.timers.unpause(t.id, runId)) ?? [],
        );
        return manySpeech(changed, pause ? "paused" : "resumed");
      }
      default:
        return "sorry, I can't do that with timers";
    }
  }

  /** The timers a request picks, or what to say when it picks none, or several without saying which. */
  #pick(selector: Omit<TimerSelector, "site">, context: SkillContext): TimerRecord[] | string {
    const selection = this.timers.select({ ...selector, site: context.site });
    if (selection.kind === "found") return selection.timers;
    if (selection.kind === "ambiguous") return whichSpeech(selection.timers);
    const asked = selector.name || selector.seconds || selector.area;
    return asked
      ? `there is no ${askedLabel(selector.name ?? null, selector.seconds ?? 0)}`
      : "no timers are running";
  }
}

/** Which timer a request names: its name, its duration in seconds (0: none said) and its area. */
function timerSlots(slots: Readonly<Record<string, unknown>>) {
  const name = typeof slots.name === "string" && slots.name ? slots.name : null;
  const area = typeof slots.area === "string" ? slots.area : null;
  return { name, seconds: durationOf(slots), area };
}

function durationOf(slots: Readonly<Record<string, unknown>>): number {
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  return n(slots.hours) * 3600 + n(slots.minutes) * 60 + n(slots.seconds);
}

function whichOf(slots: Readonly<Record<string, unknown>>): TimerSelector["which"] {
  return slots.which === "all" || slots.which === "last" ? slots.which : undefined;
}

function askedLabel(name: string | null, seconds: number): string {
  return name || !seconds ? `${name ?? "such"} timer` : timerLabel({ name, seconds });
}
