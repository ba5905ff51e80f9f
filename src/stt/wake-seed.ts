import type { BatchKvDecoder } from "./batch-decoder.js";
import type { TranscriptGuide } from "./guide.js";
import type { GuidedDecodeResult, Seed } from "./guided-decode.js";
import { type DecoderOutput, logitsRow, normMask, rowNorm } from "./logits.js";
import type { WhisperSpec } from "./model-spec.js";

/**
 * The most tokens of a wake phrase a search starts from ("Hey Jarvis," is four for
 * whisper-tiny; a longer phrase or another spelling fits).
 */
const MAX_SEED = 8;

/**
 * The wake phrase Whisper wrote first ("Hey Jarvis,"), as the free pass's tokens: the longest
 * run of its first tokens that the constraint allows (`allowed`: how many of them) and that
 * is a wake phrase alone, punctuation aside. Every guess starts with the wake phrase, so the
 * guided searches read these tokens in one call (readSeed) instead of spending a decoder
 * call on each of them (~4 of a search's ~13). A guess
 * then spells the wake phrase as Whisper did, which changes no command. Empty when the text
 * starts otherwise ("Here Jarvis," is not allowed; "Turn on ..." is no wake phrase).
 */
export function wakeSeed(
  ids: readonly number[],
  guide: Pick<TranscriptGuide, "isWakeOnly">,
  decode: (ids: number[]) => string,
  allowed: (ids: readonly number[]) => number,
): number[] {
  if (!guide.isWakeOnly) return [];
  const head = ids.slice(0, MAX_SEED);
  const most = allowed(head);
  let length = 0;
  for (let n = 1; n <= most; n++) if (guide.isWakeOnly(decode(head.slice(0, n)))) length = n;
  return head.slice(0, length);
}

/** Where a search starts: the token it feeds first, and the seed read before it (null: none). */
export interface SeedStart {
  first: number;
  seed: Seed | null;
  /**
   * The logits after the seed's last token, read in the seed's call: the search's first step
   * (GuidedDecodeOptions.primed). Null when no seed was read.
   */
  primed: DecoderOutput | null;
  /** The seed's call: its time and tokens (0 when none was made). */
  ms: number;
  rows: number;
}

/**
 * Reads `seed` after the start sequence in one call of the search's own decoder: the start
 * sequence's last token and the whole seed, one row, each position's logits scoring the next
 * seed token (normalized as the search's steps are: the first without the tokens never
 * generated first), and the last position's the search's first step (`primed`). One call
 * instead of one a token; nothing read (the search starts at `last`) when the seed is empty
 * or the decoder takes one token a call (prepare/causal-cache.ts). The int8 layers quantize
 * once per call, so the seed's scores differ from those of its own steps by a few hundredths
 * (measured on whisper-tiny, docs/stt.md, Guided decoding).
 */
export async function readSeed(
  decoder: Pick<BatchKvDecoder, "takesSeveral" | "together">,
  last: number,
  seed: readonly number[],
  spec: Pick<WhisperSpec, "suppressed" | "beginSuppressed">,
  prime = true,
): Promise<SeedStart> {
  const final = seed[seed.length - 1];
  if (final === undefined || !decoder.takesSeveral)
    return { first: last, seed: null, primed: null, ms: 0, rows: 0 };
  const started = performance.now();
  // The mask of every row but the first (the first's normaliser is summed here).
  const mask = normMask(spec.suppressed);
  // Without `prime` (a bench peer: GuidedSettings.primeFirst 0) the seed's last token is left
  // for the search's first step to feed.
  const fed = [last, ...(prime ? seed : seed.slice(0, -1))];
  const out = await decoder.together(fed, mask);
  const logprobs = seed.map((id, row) => {
    const extra = row === 0 ? spec.beginSuppressed : [];
    return (logitsRow(out.logits, out.vocab, row)[id] as number) - rowNorm(out, row, spec.suppressed, extra);
  });
  const row = seed.length;
  const primed: DecoderOutput | null = prime
    ? {
        logits: logitsRow(out.logits, out.vocab, row),
        vocab: out.vocab,
        norms: { values: Float32Array.of(rowNorm(out, row, spec.suppressed)), mask },
      }
    : null;
  return {
    first: final,
    seed: { ids: seed, logprobs },
    primed,
    ms: performance.now() - started,
    rows: fed.length,
  };
}

/** A search's counts with its seed's call added. */
export function withSeedCall(result: GuidedDecodeResult, start: SeedStart): GuidedDecodeResult {
  if (!start.seed) return result;
  return {
    ...result,
    steps: result.steps + 1,
    rows: result.rows + start.rows,
    decoderMs: result.decoderMs + start.ms,
  };
}
