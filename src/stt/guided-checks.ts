import { endsUnfinished, type TranscriptGuide } from "./guide.js";
import type { FreePass, GuidedOutcome, GuidedSettings } from "./guided-types.js";
import { endsDangling, type LastWordLead, lastWordLead } from "./last-word.js";
import type { WhisperSpec } from "./model-spec.js";
import { type NumberLead, numberLead } from "./number-lead.js";
import { forHeardAsForty, numberChoices, teenInWords } from "./number-values.js";
import type { WhisperSessions } from "./onnx-whisper.js";
import type { WhisperTokenizer } from "./tokenizer.js";

/** The question that goes on instead of a command trailing it by less than `bar` (LeadChecks.questionIfOn), or null. */
export function questionInstead(lead: NumberLead | null | undefined, bar: number | undefined): string | null {
  return lead && bar && lead.lead < bar ? lead.alternative : null;
}

/**
 * The checks a command passes before it is taken, each by teacher forcing over the free
 * pass's audio: its number against the slot's other values (15 / 50), its action against
 * the action reversed (lock / unlock), a command by kind against the same with a name, a
 * device switched against the question whether it is. A text is never taken on its own score alone when
 * Whisper could as well have heard a neighbour that means something else.
 */
export class LeadChecks {
  constructor(
    private readonly sessions: WhisperSessions,
    private readonly spec: WhisperSpec,
    private readonly tokenizer: WhisperTokenizer,
    private readonly settings: GuidedSettings,
  ) {}

  /**
   * A free text the templates understand goes on as it is, unless its number is one Whisper
   * was not sure of (15 / 50, 75 / 25), its action might be the reverse (lock / unlock) or
   * it picks devices by kind where a name may have been said ("turn off the light"): then no
   * command rather than maybe the wrong one. The text is dropped; stt-end keeps it as
   * freeText. Nor when its last word, after "the" or "to", hardly led ending the sentence
   * there (last-word.ts): the half sentence goes on, and the whole one is asked back.
   */
  async understood(free: FreePass, guide: TranscriptGuide): Promise<Omit<GuidedOutcome, "ms">> {
    const { minLastWordLead = 0 } = this.settings.thresholds;
    // Whisper's own comma at the end says more was said than it wrote: "Hey Jarvis, turn off
    // the floor lamp," for *turn the floor lamp on* (the "on" misheard and moved; a wrong
    // action on the hearing bench, and no right command there ended so). As a guess's (guide.ts).
    if (endsUnfinished(free.text)) {
      return { text: "", source: "free", verdict: { source: "free", why: "unfinished" } };
    }
    // "time of 45 minutes" may be "timer for 5 minutes" (number-values.ts): no timer rather than the wrong one.
    if (forHeardAsForty(free.text, free.text)) {
      return { text: "", source: "free", verdict: { source: "free", why: "ambiguous-number" } };
    }
    const lastWord = this.lastWord(free, guide);
    const read = lastWord ? { lastWordLead: lastWord.lead } : {};
    if (lastWord && minLastWordLead && lastWord.lead < minLastWordLead) {
      // What goes on is the half sentence Whisper heard ("Hey Jarvis, turn on the"): no
      // command, so the person is asked about the whole one (ask-back.ts) or told "sorry".
      return {
        text: lastWord.before,
        source: "free",
        verdict: { source: "free", why: "last-word" },
        unsure: { text: free.text, score: free.avgLogprob },
        ...read,
      };
    }
    if (this.#stateUnsure(free, guide)) {
      return {
        text: "",
        source: "free",
        verdict: { source: "free", why: "ambiguous-state" },
        unsure: { text: free.text, score: free.avgLogprob },
        ...read,
      };
    }
    return this.#leadsOf(free, guide, read);
  }

  /**
   * Whisper wrote "on" or "off" by a hair over the other word, and the other way is another
   * command: "Hey Jarvis, turn off the fan in the bedroom." for *turn on* (a lead of 0.36 nats,
   * the lowest of the clean bench's understood state words, session 35). Asked back, as a
   * guess's state nobody heard is: a yes or a no settles what a coin nearly did. The lead
   * comes from the rows the free pass read anyway (decode.ts rivalTokens): no decoder call.
   */
  #stateUnsure(free: FreePass, guide: TranscriptGuide): boolean {
    const { minStateLead = 0 } = this.settings.thresholds;
    if (this.settings.freeStates === 0 || !minStateLead || free.stateLead == null) return false;
    return free.stateLead < minStateLead && (guide.stateFlips?.(free.text).length ?? 0) > 0;
  }

  /**
   * The understood free text's leads over its neighbours, each checked only when its bar is
   * set: its number (15 / 50), its action reversed (lock / unlock), and a name before its
   * device word ("turn off the light" for *the bedroom light*: namings.ts). The first below
   * its bar drops the text; every lead read is kept for stt-end and the benches.
   */
  async #leadsOf(
    free: FreePass,
    guide: TranscriptGuide,
    read: Pick<GuidedOutcome, "lastWordLead">,
  ): Promise<Omit<GuidedOutcome, "ms">> {
    const { minNumberLead = 0, minActionLead = 0, minNameLead = 0 } = this.settings.thresholds;
    const checks = [
      { key: "numberLead", why: "ambiguous-number", bar: minNumberLead, check: this.number },
      { key: "actionLead", why: "ambiguous-action", bar: minActionLead, check: this.action },
      { key: "nameLead", why: "missed-name", bar: minNameLead, check: this.name },
    ] as const;
    let leads: Omit<GuidedOutcome, "text" | "source" | "verdict" | "ms"> = read;
    for (const { key, why, bar, check } of checks) {
      const lead = bar ? await check.call(this, free, free.text, guide) : null;
      if (!lead) continue;
      leads = { ...leads, [key]: lead };
      if (lead.lead < bar) return { text: "", source: "free", verdict: { source: "free", why }, ...leads };
    }
    const questionLead = await this.questionIfOn(free, free.text, guide);
    if (questionLead) leads = { ...leads, questionLead };
    const question = questionInstead(questionLead, this.settings.thresholds.minQuestionLead);
    if (question) return { text: question, source: "grammar", verdict: { source: "grammar" }, ...leads };
    return { text: free.text, source: "free", verdict: { source: "free", why: "understood" }, ...leads };
  }

  /**
   * `text`'s lead over the same command with each other value of its numbers: only numbers
   * that are a slot (with a neighbouring value the templates read another command; a digit
   * in a device's name is none). Null: no such number.
   */
  async number(free: FreePass, text: string, guide: TranscriptGuide): Promise<NumberLead | null> {
    const meaning = guide.meaning(text);
    const choices = (this.settings.numberValues ?? numberChoices)(text);
    const slots = choices.filter((c) => guide.understands(c.probe) && guide.meaning(c.probe) !== meaning);
    const bar = this.settings.thresholds.minNumberLead;
    const digits = await this.lead(
      free,
      text,
      slots.flatMap((c) => c.alternatives),
      bar,
    );
    // A teen is also heard spelled out against its ten ("fourteen" / "forty"): the lower
    // lead counts. Only when the ten would be another command the templates read.
    const teen = slots.length > 0 && this.settings.teenWords !== 0 ? teenInWords(text) : null;
    if (!digits || !teen || !guide.understands(teen.partnerDigits)) return digits;
    const words = await this.lead(free, teen.own, [teen.partner], bar);
    if (!words) return digits;
    // Both checks' cost is reported, whichever lead counts.
    return {
      ...(words.lead < digits.lead ? words : digits),
      steps: digits.steps + words.steps,
      rows: digits.rows + words.rows,
      ms: digits.ms + words.ms,
    };
  }

  /** `text`'s lead over its action reversed (TranscriptGuide.reversals); null: nothing to reverse. */
  async action(free: FreePass, text: string, guide: TranscriptGuide): Promise<NumberLead | null> {
    const reversed = guide.reversals?.(text) ?? [];
    return this.lead(free, text, reversed, this.settings.thresholds.minActionLead);
  }

  /** `text`'s lead over itself with a name before its device word (TranscriptGuide.namings); null: it names one. */
  async name(free: FreePass, text: string, guide: TranscriptGuide): Promise<NumberLead | null> {
    const named = guide.namings?.(text) ?? [];
    return this.lead(free, text, named, this.settings.thresholds.minNameLead);
  }

  /**
   * `text`'s lead over the question whether its device is in the state it asks for
   * (TranscriptGuide.questions), when that check is on (stt.guided_min_question_lead); null:
   * off, or no such question.
   */
  async questionIfOn(free: FreePass, text: string, guide: TranscriptGuide): Promise<NumberLead | null> {
    const bar = this.settings.thresholds.minQuestionLead;
    if (!bar) return null;
    return this.lead(free, text, guide.questions?.(text) ?? [], bar);
  }

  /**
   * The free text's last word against the sentence ending before it (last-word.ts), when
   * the text before that word stops on a word no sentence ends on ("Turn on the") and is no
   * command the templates read.
   */
  lastWord(free: FreePass, guide: TranscriptGuide): LastWordLead | null {
    const found = lastWordLead(free, (id) => this.tokenizer.decode([id]));
    if (!found?.before || !endsDangling(found.before) || guide.understands(found.before)) return null;
    return found;
  }

  /** number() when that check is on (stt.guided_min_number_lead). */
  async numberIfOn(free: FreePass, text: string, guide: TranscriptGuide): Promise<NumberLead | null> {
    return this.settings.thresholds.minNumberLead ? this.number(free, text, guide) : null;
  }

  /** action() when that check is on (stt.guided_min_action_lead). */
  async actionIfOn(free: FreePass, text: string, guide: TranscriptGuide): Promise<NumberLead | null> {
    return this.settings.thresholds.minActionLead ? this.action(free, text, guide) : null;
  }

  /** `text`'s lead over `alternatives`, exact up to `enough` (a bound beyond it). */
  async lead(
    free: FreePass,
    text: string,
    alternatives: readonly string[],
    enough: number | undefined,
  ): Promise<NumberLead | null> {
    const started = performance.now();
    const lead = await numberLead(this.sessions, this.spec, this.tokenizer, free, text, alternatives, {
      enough: enough ?? 0,
      // No wider than the beam's own batched steps: the check costs about what a beam step does.
      maxRows: Math.max(2, this.settings.beam),
    });
    return lead && { ...lead, ms: performance.now() - started };
  }
}
