import type ort from "onnxruntime-node";
import type { GuidedVerdict } from "./guide.js";
import type { GuidedThresholds } from "./guided-thresholds.js";
import type { KvDecoder } from "./kv-decoder.js";
import type { NumberLead } from "./number-lead.js";
import type { NumberChoice } from "./number-values.js";

/** The grammar's best sentence and its scores. */
export type Hypothesis = { text: string; score: number; margin: number | null; rivalLead?: number };

export interface GuidedSettings {
  /** Hypotheses kept per step (stt.guided_beam). */
  beam: number;
  /** A wider beam for the first steps (measured with bench/hearing-diagnose.ts --try wide=12x6: no gain); absent: none. */
  wide?: { beam: number; steps: number } | undefined;
  thresholds: GuidedThresholds;
  maxTokens: number;
  /** Hypotheses of one first command word kept per step (stt.guided_per_word); absent: no cap. */
  perGroup?: number | undefined;
  /** What each filler word costs in the search's ranking, never in the score (stt.guided_filler_penalty); absent: nothing. */
  fillerPenalty?: number | undefined;
  /** The most a hypothesis's worst token counts in the ranking (stt.guided_forgive); absent: in full. */
  forgive?: number | undefined;
  /** For hypotheses of up to this many tokens, the best of each further command word is kept absent: none (measured without gain: bench-only). */
  floorSteps?: number | undefined;
  /** ... at most this many more rows. */
  floorRows?: number | undefined;
  /**
   * The stop rule counts ended sentences by meaning, not by tokenization or trailing filler
   * (default; 0: every ending counts, the rule before 2026-12-02's session 8).
   */
  distinctEnds?: number | undefined;
  /**
   * A guess keeps a word of a name or area the free text has (TranscriptGuide.nameWords;
   * default; 0: not required, the rule before session 11: a bench peer).
   */
  keepNames?: number | undefined;
  /**
   * A teen in digits is also checked spelled out against its ten (number-values.ts
   * teenInWords; default; 0: digits only, the check before session 11: a bench peer).
   */
  teenWords?: number | undefined;
  /**
   * A guess may not change a number the free text heard (number-values.ts changesNumber;
   * default; 0: it may, the rule before session 14: a bench peer).
   */
  keepNumbers?: number | undefined;
  /**
   * A window Whisper's own rule dropped as silence (no-speech probability high, text not
   * confident) still gets a guided pass over the text it wrote, and only a guess may go on
   * (1). A bench option (hearing-decode --try afterNoSpeech=1), not the daemon's: measured
   * in session 15 (docs/stt.md), such guesses flipped on and off: wrong actions.
   */
  afterNoSpeech?: number | undefined;
  /**
   * How many first command words make one of the beam's groups (perGroup caps each): two
   * (default), so "Turn on the ..." and "Turn the ... off" are told apart; 1: the first word
   * alone, the rule before session 16, a bench peer.
   */
  groupWords?: number | undefined;
  /**
   * The search stops on its count of ended sentences only once no live hypothesis scores
   * better than all of them (default; 0: on the count alone, the rule before session 16: a
   * bench peer).
   */
  patientStop?: number | undefined;
  /**
   * When no word heard freely is near a word of the grammar (couldKeepHeardWords), the first
   * search gives up below the free text's score, the least a guess could then be taken at, and
   * no second search runs, as none of its sentences could end (default; 0: both run as for any
   * text, the searches before session 17: a bench peer).
   */
  earlyGiveUp?: number | undefined;
  /**
   * A guess ending in a comma is refused (guide.ts endsUnfinished; default; 0: taken, the
   * rule before session 17: a bench peer).
   */
  unfinished?: number | undefined;
  /**
   * A free text that only lists the prompt's names is no evidence against a guess said in one
   * breath with the wake phrase (guide.ts other-words; default; 0: it is, the rule before
   * session 45: a bench peer).
   */
  listedPrompt?: number | undefined;
  /**
   * The texts a command's numbers are checked against; default every other value of each
   * number (numberChoices). The hearing bench swaps in the old teen/ten partners as its peer.
   */
  numberValues?: ((text: string) => NumberChoice[]) | undefined;
  /**
   * Words read after the device prompt before the guided searches (stt.guided_prompt): the
   * style of sentence Whisper is to continue, so a command's first word is not outscored by
   * "So" or "And". Absent: the free pass's prompt alone.
   */
  promptEnding?: string | undefined;
  /**
   * The searches start after the wake phrase Whisper wrote first, read in their prompt's call
   * (GuidedPass's seed; default, with a prompt ending; 0: they spell it a call per token, the
   * searches before session 32: a bench peer).
   */
  seedWake?: number | undefined;
  /**
   * The seed's call also reads the row after it, the search's first step (wake-seed.ts
   * readSeed, `primed`; default; 0: the first step is a call of its own, as in session 32:
   * a bench peer).
   */
  primeFirst?: number | undefined;
  /**
   * A guess's "on" or "off" is read against "up" and "down" too, where the grammar allows
   * them, and its "up" or "down" against the others (state-words.ts; default; 0: on / off
   * alone, as before session 34: a bench peer).
   */
  directionRivals?: number | undefined;
  /**
   * A guess picking devices by kind is checked against the home's names before it is taken
   * or asked (guided-judge.ts nameChecked; default; 0: not, as before session 34: a bench peer).
   */
  guessNames?: number | undefined;
  /**
   * An understood free text's "on" or "off" must lead the other word by the state bar
   * (thresholds.minStateLead, FreePass.stateLead), else it is asked back (guided-checks.ts;
   * default; 0: not checked, as before session 35: a bench peer).
   */
  freeStates?: number | undefined;
  /**
   * A second search when the first one's sentence is refused (or none ended), `beam` wide,
   * through the commands alone (TranscriptGuide.commands), where only sentences keeping a
   * word of the free text may end (stt.guided_rescue_beam); absent: none.
   */
  rescue?:
    | {
        beam: number;
        /**
         * Read after the free pass's prompt before the second search; absent: none. A bench
         * option only (hearing-decode --try rescuePrompt=verbs): command words there found 5
         * more commands on the tuning clips and made 4 more wrong actions on held-out ones.
         */
        promptEnding?: string | undefined;
      }
    | undefined;
}

/** What the free pass leaves for the guided one: the same audio, prompt and caches. */
export interface FreePass {
  text: string;
  /** What Whisper wrote when its no-speech rule dropped it (`text` is then ""); absent otherwise. */
  droppedText?: string | undefined;
  /** Tokens the free pass generated. */
  tokens: number;
  /** ... the tokens themselves: what its decoder caches hold after the prompt. */
  tokenIds?: readonly number[];
  /** Each token's log-probability, end-of-text last, and the best of ending the sentence at each position (last-word.ts). */
  logprobs?: readonly number[];
  stopLogprobs?: readonly number[];
  /** The smallest lead of an "on" or "off" Whisper wrote over the other word at that place (nats); null: neither written. */
  stateLead?: number | null;
  avgLogprob: number;
  language: string;
  promptTokens: readonly number[];
  /**
   * Text the transcript was made to start with (TranscribeOptions.retry's prefix), fed after
   * the start sequence: `text` and the scores are what Whisper wrote after it.
   */
  startTokens?: readonly number[] | undefined;
  /** The text only lists the prompt's names, Whisper going on with its prompt (quality.ts listsPromptNames): no evidence of what was said. */
  listsPrompt?: boolean;
  hidden: ort.Tensor;
  decoder: KvDecoder;
}

/**
 * Why the guided pass's text went on, as stt-end's `guidedWhy` says it: the refusal, or
 * "question" (a command answered as the question it may have been), "rescued" (the second
 * search's), "accepted".
 */
export function outcomeWhy(outcome: GuidedOutcome): string {
  if (outcome.verdict.source === "free") return outcome.verdict.why;
  if (outcome.questionLead && outcome.text === outcome.questionLead.alternative) return "question";
  return outcome.rescued ? "rescued" : "accepted";
}

export interface GuidedOutcome {
  text: string;
  source: "free" | "grammar";
  verdict: GuidedVerdict;
  /** The grammar's best sentence and its scores, when the guided pass ran. */
  hypothesis?: Hypothesis;
  /** Its lead over the same sentence with another value of its number, when that was checked. */
  numberLead?: NumberLead;
  /** Its lead over the same command with the action reversed (lock / unlock), when that was checked. */
  actionLead?: NumberLead;
  /** Its lead over the same text with a name before its device word (TranscriptGuide.namings), when that was checked. */
  nameLead?: NumberLead;
  /**
   * The command's lead over the question about its device (TranscriptGuide.questions), when
   * that was checked; below the bar `text` is that question (`alternative`).
   */
  questionLead?: NumberLead;
  /** The understood free text's last word's lead over ending before it (last-word.ts), when read. */
  lastWordLead?: number;
  /** A text refused only for a doubt a question settles, and its score: asked back (ask-back.ts). */
  unsure?: { text: string; score: number };
  /** True when the sentence came from the second search (GuidedSettings.rescue). */
  rescued?: boolean;
  /** The second search's sentence (or none) and why it was refused too. */
  second?: { hypothesis: Hypothesis | null; why: string };
  ms: number;
  /** Decoder calls of the guided pass. */
  steps?: number;
  /** ... and the rows fed in them. */
  rows?: number;
  /** ... and the part of `ms` spent in them. */
  decoderMs?: number;
}
