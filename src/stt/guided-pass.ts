import { BatchKvDecoder } from "./batch-decoder.js";
import { promptedSequence } from "./decode.js";
import type { TokenConstraint, TranscriptGuide } from "./guide.js";
import { LeadChecks } from "./guided-checks.js";
import { type GuidedDecodeResult, guidedDecode } from "./guided-decode.js";
import { finalChecks, type Judged, judgeGuess, passedOn, questionAsked } from "./guided-judge.js";
import { added, againstFirst, RESCUED, withPrompt } from "./guided-second.js";
import type { FreePass, GuidedOutcome, GuidedSettings, Hypothesis } from "./guided-types.js";
import { couldKeepHeardWords, heardWords, keepsHeardWords } from "./heard-words.js";
import type { WhisperSpec } from "./model-spec.js";
import type { NumberLead } from "./number-lead.js";
import type { WhisperSessions } from "./onnx-whisper.js";
import { stateRivalTokens } from "./state-words.js";
import { AllowedCache, allowedPath, allowedTokens, buildTokenTrie, type TokenTrie } from "./token-trie.js";
import type { WhisperTokenizer } from "./tokenizer.js";
import { readSeed, wakeSeed, withSeedCall } from "./wake-seed.js";

/** How far below what could be taken the hypotheses may fall before the search gives up. */
const GIVE_UP_SLACK = 1;
/**
 * Command words a beam group is told apart by. With the first word alone, "Turn on the"
 * and "Turn on, the" filled the cap of "Turn" and the said "Turn the cooker light off" was
 * pruned (session 15, docs/stt.md).
 */
const GROUP_WORDS = 2;

/**
 * The guided pass after a free one, over the same encoder output: skipped when the free
 * text is understood as it is; otherwise a constrained beam search through the sentence
 * space, and chooseTranscript() decides which text goes on.
 */
export class GuidedPass {
  /** Token tries by spelling function: the vocabulary is spelled once per process and guide kind. */
  readonly #tries = new WeakMap<(text: string) => string | null, TokenTrie>();
  /** Allowed tokens by state, per constraint (a rebuilt sentence space starts afresh). */
  readonly #allowed = new WeakMap<object, AllowedCache>();
  readonly #checks: LeadChecks;

  /** The state words' tokens and their rivals (state-words.ts), made at the first search. */
  #rivals: ReadonlyMap<number, readonly number[]> | null = null;

  constructor(
    private readonly sessions: WhisperSessions,
    private readonly spec: WhisperSpec,
    private readonly tokenizer: WhisperTokenizer,
    private readonly settings: GuidedSettings,
  ) {
    this.#checks = new LeadChecks(sessions, spec, tokenizer, settings);
  }

  /**
   * Spells the vocabulary and finds the tokens a sentence can start with: the costly part
   * of a first guided pass (~0.3 s here), done at start rather than on someone's command.
   */
  prepare(guide: TranscriptGuide): void {
    const second = this.settings.rescue ? guide.commands : undefined;
    for (const constraint of second ? [guide.constraint, second] : [guide.constraint]) {
      allowedTokens(this.#trie(constraint.spell), constraint, constraint.start, this.#allowedFor(constraint));
    }
  }

  /**
   * The best sentence of any constraint over the free pass's encoder output, no threshold
   * applied: measuring tools score the sentence that was said with it (bench/hearing-diagnose.ts).
   */
  async best<S>(free: FreePass, constraint: TokenConstraint<S>, beam: number): Promise<GuidedDecodeResult> {
    const caches = free.decoder.caches();
    const prefix = promptedSequence(this.spec, free.language, free.promptTokens, free.startTokens);
    const first = prefix[prefix.length - 1];
    if (!caches || first === undefined) throw new Error("the free pass left no decoder caches");
    const decoder = new BatchKvDecoder(this.sessions, free.hidden, caches, prefix.length - 1);
    return guidedDecode(decoder, first, constraint, this.#trie(constraint.spell), {
      beam,
      maxTokens: this.settings.maxTokens,
      eot: this.spec.tokens.eot,
      suppressed: this.spec.suppressed,
      beginSuppressed: this.spec.beginSuppressed,
    });
  }

  /** True when a window dropped as silence gets a guided pass (GuidedSettings.afterNoSpeech, a bench option). */
  guidesDropped(free: FreePass): boolean {
    return !free.text && !!free.droppedText && (this.settings.afterNoSpeech ?? 0) !== 0;
  }

  async run(free: FreePass, guide: TranscriptGuide, signal?: AbortSignal): Promise<GuidedOutcome> {
    const started = performance.now();
    const ms = () => performance.now() - started;
    // A dropped window's text is judged as heard, but is never taken as it is: only a guess may go on.
    const dropped = this.guidesDropped(free);
    if (!dropped && guide.understands(free.text)) {
      return { ...(await this.#checks.understood(free, guide)), ms: ms() };
    }
    // The searches and their checks read the command words after the device prompt.
    const written = dropped ? { ...free, text: free.droppedText ?? "" } : free;
    const heard = await this.#withEnding(written, this.settings.promptEnding);
    // Nothing heard that a sentence could keep ("What is on TV tonight?"): only a guess
    // likelier than the free text could be taken, and the second search could end nothing.
    const unkeepable =
      this.settings.earlyGiveUp !== 0 &&
      guide.words !== undefined &&
      !couldKeepHeardWords(heard.text, guide.words());
    const first = await this.#search(heard, guide, guide.constraint, this.settings.beam, signal, {
      ...(unkeepable ? { atLeast: heard.avgLogprob } : {}),
      seed: this.#seed(written, guide, guide.constraint),
    });
    if (!first) {
      return { text: free.text, source: "free", verdict: { source: "free", why: "no-hypothesis" }, ms: ms() };
    }
    let judged = await this.#judge(heard, guide, first.hypothesis);
    let spent = first.result;
    let secondBest: GuidedOutcome["second"];
    const rescue = this.settings.rescue;
    if (
      rescue &&
      !unkeepable &&
      judged.verdict.source === "free" &&
      RESCUED.has(judged.verdict.why) &&
      heardWords(heard.text).length
    ) {
      const second = await this.#second(written, heard, guide, first.hypothesis, rescue, signal);
      if (second) {
        spent = added(spent, second.result);
        if (second.judged.verdict.source === "grammar") judged = { ...second.judged, rescued: true };
        else secondBest = { hypothesis: second.judged.hypothesis, why: second.judged.verdict.why };
      }
    }
    judged = await finalChecks(this.#checks, this.settings, heard, guide, judged);
    const { verdict, hypothesis, lead, actionLead, nameLead, questionLead } = judged;
    const question = questionAsked(judged, this.settings.thresholds.minQuestionLead);
    return {
      text: question ?? passedOn(guide, free.text, verdict, hypothesis),
      source: verdict.source,
      verdict,
      ...(hypothesis ? { hypothesis } : {}),
      ...(lead ? { numberLead: lead } : {}),
      ...(actionLead ? { actionLead } : {}),
      ...(nameLead ? { nameLead } : {}),
      ...(questionLead ? { questionLead } : {}),
      ...(judged.rescued ? { rescued: true } : {}),
      ...(secondBest ? { second: secondBest } : {}),
      ms: ms(),
      steps: spent.steps,
      rows: spent.rows,
      decoderMs: spent.decoderMs,
    };
  }

  /**
   * The second search: no fillers nor follow-up shapes, so "So, now, the coffee maker's"
   * cannot outrun a poorly heard "Turn on", and only sentences the decision could take
   * (keeping a word of the free text) may end. Its guess never acts on what guards the home.
   */
  async #second(
    written: FreePass,
    free: FreePass,
    guide: TranscriptGuide,
    firstBest: Hypothesis | null,
    rescue: NonNullable<GuidedSettings["rescue"]>,
    signal: AbortSignal | undefined,
  ): Promise<{ result: GuidedDecodeResult; judged: Judged } | null> {
    const constraint = guide.commands ?? guide.constraint;
    const named = this.#named(free, guide);
    const canEnd = (said: string) => keepsHeardWords(free.text, said, named);
    const over = await this.#withEnding(free, rescue.promptEnding);
    const seed = this.#seed(written, guide, constraint);
    const second = await this.#search(over, guide, constraint, rescue.beam, signal, { canEnd, seed });
    if (!second) return null;
    const hypothesis = second.hypothesis && againstFirst(second.hypothesis, firstBest, guide);
    const judged: Judged =
      hypothesis !== null && guide.guardsHome?.(hypothesis.text)
        ? { verdict: { source: "free", why: "guards-home" }, hypothesis, lead: null }
        : await this.#judge(free, guide, hypothesis);
    return { result: second.result, judged };
  }

  /** The free pass's audio read after its prompt and `ending` (one call; a long prompt loses its start). */
  async #withEnding(free: FreePass, ending: string | undefined): Promise<FreePass> {
    if (!ending) return free;
    const budget = Math.floor(this.spec.maxTargetPositions / 2) - 1;
    const tokens = [...free.promptTokens, ...this.tokenizer.encode(` ${ending}`)];
    return withPrompt(this.sessions, this.spec, free, tokens.slice(-budget));
  }

  /** The wake phrase the searches start from (wake-seed.ts); none when the setting is 0 (a bench peer). */
  #seed(free: FreePass, guide: TranscriptGuide, constraint: TokenConstraint): number[] {
    if (this.settings.seedWake === 0 || !free.tokenIds) return [];
    const allowed = (ids: readonly number[]) =>
      allowedPath(this.#trie(constraint.spell), constraint, this.#allowedFor(constraint), ids).length;
    return wakeSeed(free.tokenIds, guide, (ids) => this.tokenizer.decode(ids), allowed);
  }

  /**
   * A constrained beam search over the free pass's audio; null when the free pass left no
   * caches. `canEnd`: which sentences may end; `atLeast`: a score below which no guess
   * could be taken, besides the thresholds.
   */
  async #search(
    free: FreePass,
    guide: TranscriptGuide,
    constraint: TokenConstraint,
    beam: number,
    signal: AbortSignal | undefined,
    {
      canEnd,
      atLeast = Number.NEGATIVE_INFINITY,
      seed = [],
    }: { canEnd?: (said: string) => boolean; atLeast?: number; seed?: readonly number[] } = {},
  ): Promise<{ result: GuidedDecodeResult; hypothesis: Hypothesis | null } | null> {
    const caches = free.decoder.caches();
    const prefix = promptedSequence(this.spec, free.language, free.promptTokens, free.startTokens);
    const last = prefix[prefix.length - 1];
    if (!caches || last === undefined) return null;
    const decoder = new BatchKvDecoder(this.sessions, free.hidden, caches, prefix.length - 1);
    const start = await readSeed(decoder, last, seed, this.spec, this.settings.primeFirst !== 0);
    const { minScore, maxDrop } = this.settings.thresholds;
    this.#rivals ??= stateRivalTokens(this.tokenizer, this.settings.directionRivals !== 0);
    const searched = await guidedDecode(decoder, start.first, constraint, this.#trie(constraint.spell), {
      beam,
      wide: this.settings.wide,
      // A sentence of the grammar is about as long as what Whisper heard freely.
      maxTokens: Math.min(this.settings.maxTokens, Math.ceil(free.tokens * 1.5) + 6),
      // The lowest score that could be taken is the highest of the bars (sensitive ones are higher still).
      giveUpBelow: Math.max(minScore, free.avgLogprob - maxDrop, atLeast) - GIVE_UP_SLACK,
      eot: this.spec.tokens.eot,
      suppressed: this.spec.suppressed,
      beginSuppressed: this.spec.beginSuppressed,
      signal,
      cache: this.#allowedFor(constraint),
      rivals: this.#rivals,
      meaning: (said) => guide.meaning(said),
      // The first command words: the cap per group and the floor are both about them.
      ...(guide.group
        ? {
            group: (said: string) => guide.group?.(said, this.settings.groupWords ?? GROUP_WORDS) ?? "",
            perGroup: this.settings.perGroup,
          }
        : {}),
      ...(this.settings.fillerPenalty && guide.fillers
        ? {
            fillers: (said: string) => guide.fillers?.(said) ?? 0,
            fillerPenalty: this.settings.fillerPenalty,
          }
        : {}),
      forgive: this.settings.forgive,
      patientStop: this.settings.patientStop !== 0,
      distinctEnds: this.settings.distinctEnds !== 0,
      floor:
        this.settings.floorSteps && this.settings.floorRows
          ? { steps: this.settings.floorSteps, rows: this.settings.floorRows }
          : undefined,
      canEnd,
      seed: start.seed,
      primed: start.primed,
    });
    const result = withSeedCall(searched, start);
    const best = result.best;
    const hypothesis = best
      ? {
          text: this.tokenizer.decode(best.tokens).trim(),
          score: best.score,
          margin: best.margin,
          worst: best.worst,
          ...(best.rivalLead !== undefined ? { rivalLead: best.rivalLead } : {}),
        }
      : null;
    return { result, hypothesis };
  }

  /** Whether the grammar's sentence replaces the free text (judgeGuess). */
  #judge(free: FreePass, guide: TranscriptGuide, hypothesis: Hypothesis | null): Promise<Judged> {
    return judgeGuess(this.#checks, this.settings, free, guide, hypothesis, this.#named(free, guide));
  }

  /** The number check (LeadChecks.number), open to measuring tools and tests. */
  numberLead(free: FreePass, text: string, guide: TranscriptGuide): Promise<NumberLead | null> {
    return this.#checks.number(free, text, guide);
  }

  /** `text`'s lead over given alternatives (LeadChecks.lead), for measuring tools (bench/hearing-teens.ts). */
  leadOver(free: FreePass, text: string, alternatives: readonly string[]): Promise<NumberLead | null> {
    return this.#checks.lead(free, text, alternatives, Number.POSITIVE_INFINITY);
  }

  /** The action check (LeadChecks.action), open to measuring tools and tests. */
  actionLead(free: FreePass, text: string, guide: TranscriptGuide): Promise<NumberLead | null> {
    return this.#checks.action(free, text, guide);
  }

  /** The free text's words of names and areas a guess must keep one of (none when that rule is off). */
  #named(free: FreePass, guide: TranscriptGuide): string[] {
    return this.settings.keepNames === 0 ? [] : (guide.nameWords?.(free.text) ?? []);
  }

  #allowedFor(constraint: object): AllowedCache {
    let cache = this.#allowed.get(constraint);
    if (!cache) {
      cache = new AllowedCache();
      this.#allowed.set(constraint, cache);
    }
    return cache;
  }

  #trie(spell: (text: string) => string | null): TokenTrie {
    let trie = this.#tries.get(spell);
    if (!trie) {
      trie = buildTokenTrie(this.#tokenTexts(), spell);
      this.#tries.set(spell, trie);
    }
    return trie;
  }

  /** Every text token (below end-of-text) that is ever generated, with the text it decodes to. */
  #tokenTexts(): Array<[number, string]> {
    return this.tokenizer
      .tokenTexts(this.spec.tokens.eot)
      .filter(([id, text]) => text && !this.spec.suppressed[id]);
  }
}
