import {
  argmaxAllowed,
  argmaxOf,
  type DecoderOutput,
  logitsRow,
  normMask,
  probabilityOf,
  rowNorm,
} from "./logits.js";
import type { WhisperSpec } from "./model-spec.js";
import { repetitionCut } from "./quality.js";

/** What the loop needs from a decoder (KvDecoder in kv-decoder.ts; fakes in tests). */
export interface DecoderSteps {
  /**
   * Feeds ids after those fed before; logits [rows, vocab], row 0 = first id on a fresh
   * sequence, last row = last id. `lastRowOnly`: only the last row will be read (a decoder
   * may then skip the others; it may also return them). `mask`: the rows' normalisers are
   * wanted over the ids it keeps (logits.ts normMask), from a decoder that computes them.
   */
  step(
    ids: readonly number[],
    options?: { lastRowOnly?: boolean; mask?: Float32Array | undefined },
  ): Promise<DecoderOutput>;
  /** Logits of `ids` as a fresh sequence over the same audio, keeping the current sequence's cache. */
  probe(ids: readonly number[]): Promise<DecoderOutput>;
  /** Starts a new sequence over the same audio. */
  restart(): void;
}

export interface WindowDecodeOptions {
  /** Previous-text prompt (vocabulary bias), already tokenized; empty for none. */
  promptTokens: readonly number[];
  /** Language code, or null to detect it (multilingual models). Ignored by English-only models. */
  language: string | null;
  /** Token budget for the generated text. */
  maxTokens: number;
  signal?: AbortSignal | undefined;
  /**
   * Tokens that end a sentence (end-of-text, "."): at each position the likeliest of them is
   * kept in `stopLogprobs`, read from the row the step already has (no decoder call).
   */
  stopTokens?: readonly number[] | undefined;
  /**
   * Tokens with rivals that say the opposite at the same place (" on" / " off": state-words.ts):
   * where one is chosen, its lead over the likeliest rival is kept in `rivalLead` (the
   * smallest such lead), read from the row the step already has (no decoder call).
   */
  rivalTokens?: ReadonlyMap<number, readonly number[]> | undefined;
  /**
   * Text tokens the transcript is made to start with, fed after the start sequence as if
   * Whisper had written them: the result (`tokens`, scores) is what it writes after them.
   */
  prefixTokens?: readonly number[] | undefined;
}

export interface WindowDecodeResult {
  /** Generated text tokens, without the start sequence and end-of-text. */
  tokens: number[];
  /** The language used (detected or given); "en" for English-only models. */
  language: string;
  /**
   * Null with a prompt: it takes a decoder call of its own (probeNoSpeech), which a caller
   * makes only when the value can decide something (quality.ts, noSpeechMatters).
   */
  noSpeechProb: number | null;
  /** Sum of the chosen tokens' log-probabilities (end-of-text included) over (tokens + 1), as the reference. */
  avgLogprob: number;
  /** True when a repetition loop was cut off. */
  loopCut: boolean;
  /** True when the token budget ran out before end-of-text. */
  budgetHit: boolean;
  /** Each chosen token's log-probability, end-of-text included when it came. */
  logprobs: number[];
  /** Per position of `logprobs`, the best log-probability of `stopTokens` there (empty without them). */
  stopLogprobs: number[];
  /** The smallest lead of a chosen `rivalTokens` token over its likeliest rival (nats); null: none chosen. */
  rivalLead: number | null;
}

/**
 * What follows <|startoftranscript|>: language and task (multilingual models), then
 * <|notimestamps|>.
 */
export function taskTokens(spec: WhisperSpec, language: string): number[] {
  if (!spec.multilingual) return [spec.tokens.noTimestamps];
  const lang = spec.tokens.languages.get(language);
  if (lang === undefined) throw new RangeError(`language "${language}" is not in this model's vocabulary`);
  const out = [lang];
  if (spec.tokens.transcribe !== null) out.push(spec.tokens.transcribe);
  out.push(spec.tokens.noTimestamps);
  return out;
}

/**
 * The decoder input with a prompt: <|startofprev|> prompt... <|startoftranscript|> task
 * tokens, and the text the transcript was made to start with (`start`: prefixTokens).
 */
export function promptedSequence(
  spec: WhisperSpec,
  language: string,
  prompt: readonly number[],
  start: readonly number[] = [],
): number[] {
  const { sot, sotPrev } = spec.tokens;
  const head = prompt.length > 0 && sotPrev !== null ? [sotPrev, ...prompt] : [];
  return [...head, sot, ...taskTokens(spec, language), ...start];
}

/** Where decoding stands once the start sequence is in: the logits for the first text token. */
interface Started {
  out: DecoderOutput;
  noSpeechProb: number | null;
  language: string;
  /** Positions used so far (start sequence and prompt): the context left bounds the budget. */
  fed: number;
}

/**
 * Greedy decoding of one 30 s window with Whisper's rules: the start sequence (prompt,
 * language, task, no timestamps), suppressed tokens, blank/end-of-text suppressed as the
 * first token, a token budget, and a cut on repetition loops. The no-speech probability
 * comes from the logits at the start-of-transcript position, as in the reference.
 * Checks `signal` before every decoder call, so an abort costs at most one step.
 */
export async function greedyDecode(
  decoder: DecoderSteps,
  spec: WhisperSpec,
  options: WindowDecodeOptions,
): Promise<WindowDecodeResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  const start = await begin(decoder, spec, options);
  let out = start.out;
  const forced = options.prefixTokens ?? [];
  const budget = Math.max(
    0,
    Math.min(options.maxTokens, spec.maxTargetPositions - start.fed - forced.length),
  );
  const tokens: number[] = [];
  const logprobs: number[] = [];
  const stopLogprobs: number[] = [];
  const stops = options.stopTokens ?? [];
  let rivalLead: number | null = null;
  let sumLogprob = 0;
  let loopCut = false;
  let ended = false;
  if (forced.length > 0) {
    signal?.throwIfAborted();
    out = await decoder.step(forced, { lastRowOnly: true, mask: normMask(spec.suppressed) });
  }
  while (tokens.length < budget) {
    const last = out.logits.length / out.vocab - 1;
    const row = logitsRow(out.logits, out.vocab, last);
    // After a forced start the text may end at once: "Hey Jarvis," and nothing more.
    const extra = tokens.length === 0 && forced.length === 0 ? spec.beginSuppressed : [];
    const next = argmaxAllowed(row, spec.suppressed, extra);
    if (next < 0) break;
    const norm = rowNorm(out, last, spec.suppressed, extra);
    const logprob = (row[next] as number) - norm;
    sumLogprob += logprob;
    logprobs.push(logprob);
    if (stops.length) stopLogprobs.push((row[argmaxOf(row, stops)] as number) - norm);
    const rivals = options.rivalTokens?.get(next);
    if (rivals?.length) {
      const lead = (row[next] as number) - (row[argmaxOf(row, rivals)] as number);
      rivalLead = rivalLead === null ? lead : Math.min(rivalLead, lead);
    }
    if (next === spec.tokens.eot) {
      ended = true;
      break;
    }
    tokens.push(next);
    const cut = repetitionCut(tokens);
    if (cut !== null) {
      tokens.length = cut;
      loopCut = true;
      break;
    }
    if (tokens.length >= budget) break;
    signal?.throwIfAborted();
    out = await decoder.step([next], { mask: normMask(spec.suppressed) });
  }
  const { language, noSpeechProb } = start;
  const avgLogprob = sumLogprob / (tokens.length + 1);
  // A loop cut drops tokens: their scores go with them.
  logprobs.length = Math.min(logprobs.length, tokens.length + (ended ? 1 : 0));
  stopLogprobs.length = Math.min(stopLogprobs.length, logprobs.length);
  return {
    tokens,
    language,
    noSpeechProb,
    avgLogprob,
    loopCut,
    budgetHit: !ended && !loopCut,
    logprobs,
    stopLogprobs,
    rivalLead,
  };
}

/**
 * Feeds the start sequence. No-speech probability and language come from the logits at
 * <|startoftranscript|> *without* the prompt: a prompt lowers the no-speech probability
 * (measured: 0.93 -> 0.45 on pure silence with device names as the prompt) and would let
 * " you" through. With a prompt that takes a call of its own (probeNoSpeech), left to the
 * caller: most commands are confident enough that the value decides nothing.
 */
async function begin(
  decoder: DecoderSteps,
  spec: WhisperSpec,
  options: WindowDecodeOptions,
): Promise<Started> {
  const { sot, sotPrev } = spec.tokens;
  const detect = spec.multilingual && options.language === null;
  const prompted = options.promptTokens.length > 0 && sotPrev !== null;
  let language = spec.multilingual ? (options.language ?? "en") : "en";
  // The call whose last row gives the first text token: blank and end-of-text are not counted there.
  const mask = normMask(spec.suppressed, spec.beginSuppressed);
  if (prompted && !detect) {
    // The prompted sequence in one call (it computes the cross-attention cache).
    const ids = promptedSequence(spec, language, options.promptTokens);
    const out = await decoder.step(ids, { lastRowOnly: true, mask });
    return { out, noSpeechProb: null, language, fed: ids.length };
  }
  // The start sequence in one call, as the reference and transformers.js feed it (the int8
  // decoder quantizes activations per call, so splitting it changes the numbers).
  const first = detect ? [sot] : [sot, ...taskTokens(spec, language)];
  let out = await decoder.step(first, detect ? {} : { mask });
  const sotRow = logitsRow(out.logits, out.vocab, 0);
  const noSpeechProb = noSpeechOf(spec, sotRow);
  if (!detect) return { out, noSpeechProb, language, fed: first.length };
  language = detectLanguage(spec, sotRow);
  options.signal?.throwIfAborted();
  if (prompted) {
    const ids = promptedSequence(spec, language, options.promptTokens);
    decoder.restart();
    out = await decoder.step(ids, { lastRowOnly: true, mask });
    return { out, noSpeechProb, language, fed: ids.length };
  }
  const rest = taskTokens(spec, language);
  out = await decoder.step(rest, { mask });
  return { out, noSpeechProb, language, fed: first.length + rest.length };
}

/**
 * The no-speech probability of a prompted window: <|startoftranscript|> alone over the
 * audio's cross-attention cache (a fresh sequence; the decoded one's cache is kept), so the
 * same value whether it runs before the text tokens or after them.
 */
export async function probeNoSpeech(decoder: DecoderSteps, spec: WhisperSpec): Promise<number> {
  return noSpeechOf(spec, (await decoder.probe([spec.tokens.sot])).logits);
}

function noSpeechOf(spec: WhisperSpec, sotRow: Float32Array): number {
  const id = spec.tokens.noSpeech;
  return id === null ? 0 : probabilityOf(sotRow.subarray(0, spec.vocabSize), id);
}

function detectLanguage(spec: WhisperSpec, sotLogits: Float32Array): string {
  const id = argmaxOf(sotLogits, spec.tokens.languages.values());
  for (const [code, tokenId] of spec.tokens.languages) if (tokenId === id) return code;
  return "en";
}
